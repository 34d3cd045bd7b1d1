"""Data files of config/: loaded once at start, validated, read-only afterwards."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


def load_yaml(text: str) -> Any:
    """yaml.safe_load through libyaml when PyYAML has it (ten times faster: the app reads
    its data files at every start, and the tests start an app per test)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

CONFIG_DIR = Path(__file__).resolve().parent


class DataError(ValueError):
    """A data file in config/ is malformed: the app refuses to start."""


def _read_yaml(path: Path) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc


@dataclass(frozen=True)
class Taxonomy:
    county: str
    case_prefix: str
    issue_types: dict[str, dict]
    departments: dict[str, dict]
    townships: dict[str, dict]
    aliases: dict[str, str] = field(default_factory=dict)  # any township name -> code
    review: dict[str, Any] = field(default_factory=dict)  # review.yaml: bodies, review, reexamine

    def review_body(self, department: str | None, round_: int) -> str:
        """The body that handles review round 1 (复查) or 2 (复核) of a unit's answer."""
        table = self.review["review" if round_ == 1 else "reexamine"]
        return table.get("units", {}).get(department or "", table["default"])

    def issue_type_name(self, code: str | None) -> str:
        return self.issue_types.get(code or "", {}).get("name", "")

    def department_name(self, code: str | None, township: str | None = None) -> str:
        """The unit a citizen sees; township_gov names the township's government."""
        if code == "township_gov" and township in self.townships:
            return self.townships[township]["name"] + "政府"
        row = self.departments.get(code or "") or self.review.get("bodies", {}).get(code or "", {})
        return row.get("name", "")

    def township_name(self, code: str | None) -> str:
        return self.townships.get(code or "", {}).get("name", "")


def _index(rows: list[dict], kind: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for row in rows or []:
        code = row.get("code")
        if not code or not row.get("name"):
            raise DataError(f"{kind}: every row needs a code and a name: {row!r}")
        if code in out:
            raise DataError(f"{kind}: duplicate code {code!r}")
        out[code] = row
    if not out:
        raise DataError(f"{kind}: empty")
    return out


def load_taxonomy(config_dir: Path | str = CONFIG_DIR) -> Taxonomy:
    raw = _read_yaml(Path(config_dir) / "taxonomy.yaml") or {}
    issue_types = _index(raw.get("issue_types"), "issue_types")
    departments = _index(raw.get("departments"), "departments")
    townships = _index(raw.get("townships"), "townships")
    for code, row in issue_types.items():
        if row.get("department") not in departments:
            raise DataError(f"issue type {code}: unknown department {row.get('department')!r}")
    aliases: dict[str, str] = {}
    for code, row in townships.items():
        for name in [row["name"], *row.get("aliases", [])]:
            if aliases.setdefault(name, code) != code:
                raise DataError(f"township alias {name!r} names two townships")
    prefix = str(raw.get("case_prefix", "")).upper()
    if not (prefix.isalpha() and prefix.isascii() and 1 <= len(prefix) <= 4):
        raise DataError("case_prefix must be 1-4 ASCII letters")
    review = _load_review(config_dir, departments)
    return Taxonomy(raw.get("county", ""), prefix, issue_types, departments, townships, aliases, review)


def _load_review(config_dir: Path | str, departments: dict[str, dict]) -> dict[str, Any]:
    """review.yaml, checked: every body named, every default and exception a known body."""
    path = Path(config_dir) / "review.yaml"
    raw = (_read_yaml(path) if path.exists() else None) or {}
    bodies = raw.get("bodies") or {"petition_bureau": departments["petition_bureau"]}
    if not all(isinstance(b, dict) and b.get("name") for b in bodies.values()):
        raise DataError("review.yaml: every body needs a name")
    known = set(bodies) | set(departments)
    for level in ("review", "reexamine"):
        table = raw.setdefault(level, {}) or {}
        table.setdefault("default", next(iter(bodies)))
        table["units"] = table.get("units") or {}
        raw[level] = table
        targets = [table["default"], *table["units"].values()]
        if any(t not in known for t in targets):
            raise DataError(f"review.yaml [{level}]: unknown body in {targets}")
    raw["bodies"] = bodies
    return raw


REQUIRED_TEMPLATES = ("signature", "date", "ack", "status", "status_closed", "status_list",
                      "status_list_item", "status_none", "not_found", "help", "empty", "error", "page",
                      "deadline_label", "states", "pending_unit")


def load_templates(config_dir: Path | str = CONFIG_DIR) -> dict[str, dict]:
    raw = _read_yaml(Path(config_dir) / "templates.yaml") or {}
    if "zh" not in raw:
        raise DataError("templates.yaml needs a zh section")
    for lang, table in raw.items():
        wanted = dict.fromkeys([*REQUIRED_TEMPLATES, *raw["zh"]])
        missing = [key for key in wanted if key not in (table or {})]
        if missing:
            raise DataError(f"templates.yaml [{lang}] lacks {', '.join(missing)}")
    return raw


@dataclass(frozen=True)
class Answer:
    """An answer template; `types` are the issue types it fits (empty: every case)."""
    title: str
    text: str
    types: tuple[str, ...] = ()


def load_answers(config_dir: Path | str = CONFIG_DIR, issue_types: Any = None) -> tuple[Answer, ...]:
    """Answer templates (常用答复) staff start from. `types` codes are checked against the
    taxonomy's issue types when given."""
    rows = _read_yaml(Path(config_dir) / "answers.yaml") or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) and r.get("title") and r.get("text") for r in rows):
        raise DataError("answers.yaml: a list of {title, text, types}")
    answers = []
    for row in rows:
        types = row.get("types") or []
        if not isinstance(types, list) or (issue_types is not None and set(types) - set(issue_types)):
            raise DataError(f"answers.yaml: {row['title']}: types must be issue type codes, got {types!r}")
        answers.append(Answer(str(row["title"]), str(row["text"]), tuple(types)))
    return tuple(answers)



@dataclass(frozen=True)
class LedgerSpec:
    """How a historical ledger is read (config/ledger.yaml): header variants per field, the
    fields a ledger must have, 信访形式 words per channel, values meaning no township or urgent."""
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    forms: dict[str, tuple[str, ...]]
    no_township: frozenset[str]
    urgent_values: frozenset[str]


LEDGER_FIELDS = ("date", "name", "phone", "form", "title", "content", "category", "unit", "township",
                 "result", "closed", "urgent")


def load_ledger_spec(config_dir: Path | str = CONFIG_DIR) -> LedgerSpec:
    raw = _read_yaml(Path(config_dir) / "ledger.yaml") or {}
    columns = {name: tuple(str(v) for v in variants or ()) for name, variants in (raw.get("columns") or {}).items()}
    unknown = set(columns) - set(LEDGER_FIELDS)
    if unknown:
        raise DataError(f"ledger.yaml: unknown fields {sorted(unknown)}")
    seen: dict[str, str] = {}
    for name, variants in columns.items():
        for variant in variants:
            if seen.setdefault(variant, name) != name:
                raise DataError(f"ledger.yaml: header {variant!r} names two fields")
    required = tuple(raw.get("required") or ())
    if not required or any(not columns.get(name) for name in required):
        raise DataError("ledger.yaml: every required field needs header names")
    forms = {channel: tuple(str(w) for w in words or ()) for channel, words in (raw.get("forms") or {}).items()}
    return LedgerSpec(columns, required, forms, frozenset(str(v) for v in raw.get("no_township") or ()),
                      frozenset(str(v).upper() for v in raw.get("urgent_values") or ()))
