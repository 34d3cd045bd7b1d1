"""Load and validate the data files in config/: taxonomy, routing table, urgent lexicon.

Read once at start; the returned objects are frozen and shared read-only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


def load_yaml(text: str) -> Any:
    """yaml.safe_load through libyaml when PyYAML has it (ten times faster: the app reads
    its data files at every start, and the tests start an app per test)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


DEFAULT_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
# Confidence a case needs to skip triage (config/routing.yaml: auto_route overrides).
AUTO_ROUTE = {"issue_type": 0.8, "department": 0.8, "township": 0.7}


class ConfigError(ValueError):
    """A config file is missing a key or names an unknown code."""


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class RoutingRule:
    issue_type: str
    department: str
    matter: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    issue_types: tuple[str, ...]
    default_department: dict[str, str]
    departments: tuple[str, ...]
    department_names: dict[str, tuple[str, ...]]
    townships: tuple[Township, ...]
    routing: tuple[RoutingRule, ...] = ()
    urgent: dict[str, Any] = field(default_factory=dict)
    ambiguous_short_forms: frozenset[str] = frozenset()
    auto_route: dict[str, float] = field(default_factory=lambda: dict(AUTO_ROUTE))


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ConfigError(f"missing config file {path}")
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping")
    return data


def _townships(raw: list[dict[str, Any]]) -> tuple[Township, ...]:
    return tuple(Township(t["code"], t["name"], tuple(t.get("aliases") or ())) for t in raw)


def _routing(raw: list[dict[str, Any]], types: set[str], depts: set[str]) -> tuple[RoutingRule, ...]:
    rules = []
    for r in raw:
        if r["issue_type"] not in types or r["department"] not in depts:
            raise ConfigError(f"routing rule names an unknown code: {r}")
        rules.append(RoutingRule(r["issue_type"], r["department"], r.get("matter", ""),
                                 tuple(r.get("keywords") or ())))
    return tuple(rules)


def load_taxonomy(config_dir: str | Path | None = None) -> Taxonomy:
    """Read taxonomy.yaml, routing.yaml and urgent.yaml from ``config_dir`` (default: repo config/)."""
    cdir = Path(config_dir) if config_dir else DEFAULT_CONFIG_DIR
    tax = _read_yaml(cdir / "taxonomy.yaml")
    try:
        types = {t["code"]: t["department"] for t in tax["issue_types"]}
        depts = {d["code"]: (d["name"], *(d.get("short") or ())) for d in tax["departments"]}
        townships = _townships(tax["townships"])
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"taxonomy.yaml: {exc!r}") from exc
    unknown = set(types.values()) - set(depts)
    if unknown:
        raise ConfigError(f"taxonomy.yaml: unknown default departments {unknown}")
    routing_yaml = _read_yaml(cdir / "routing.yaml")
    routing = _routing(routing_yaml.get("exceptions") or [], set(types), set(depts))
    auto = {**AUTO_ROUTE, **{k: float(v) for k, v in (routing_yaml.get("auto_route") or {}).items()}}
    if set(auto) != set(AUTO_ROUTE) or not all(0.0 <= v <= 1.0 for v in auto.values()):
        raise ConfigError(f"routing.yaml: auto_route takes {sorted(AUTO_ROUTE)} between 0 and 1")
    return Taxonomy(tuple(types), types, tuple(depts), depts, townships, routing,
                    _read_yaml(cdir / "urgent.yaml"),
                    frozenset(routing_yaml.get("ambiguous_short_forms") or ()), auto)
