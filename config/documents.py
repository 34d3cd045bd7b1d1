"""config/documents.yaml: the written documents a county sends and files (受理告知书,
不予受理告知书, 处理意见书, 复查意见书, 复核意见书, 交办单, 督办单). Each has a title, a 文号
code, an addressee line, a body and a legal basis, in Jinja text. Checked at start: every
document present, every template parses, and renders with the document's own variables
only (a misspelt name stops the start instead of printing a blank on a citizen's letter)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from config.data import CONFIG_DIR, DataError, _read_yaml

COMMON = ("issuer", "county", "case_number", "doc_number", "date", "petitioner", "received", "channel",
          "request", "unit", "issue")
# The variables each document's template may use, besides COMMON.
VARIABLES: dict[str, tuple[str, ...]] = {
    "accepted": ("deadline",),
    "not_accepted": ("reason", "route"),
    "opinion": ("facts", "opinion", "next_body", "window_days"),
    "review_opinion": ("facts", "opinion", "next_body", "window_days"),
    "reexamine_opinion": ("facts", "opinion"),
    "handover": ("sign_due", "deadline"),
    "supervision": ("note", "report_due"),
}
PARTS = ("title", "code", "to", "body", "basis")
_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


@dataclass(frozen=True)
class DocumentTemplate:
    kind: str
    title: str
    code: str
    parts: dict[str, Any]   # compiled templates: to, body, basis

    def render(self, values: dict[str, Any]) -> dict[str, Any]:
        """The addressee, the body's paragraphs (split on blank lines) and the legal basis."""
        body = self.parts["body"].render(values).strip()
        return {"to": self.parts["to"].render(values).strip(),
                "paragraphs": [p.strip() for p in body.split("\n\n") if p.strip()],
                "basis": self.parts["basis"].render(values).strip()}


@dataclass(frozen=True)
class Documents:
    issuer: str                       # the bureau: the title of every document and its seal line
    templates: dict[str, DocumentTemplate]

    def __getitem__(self, kind: str) -> DocumentTemplate:
        return self.templates[kind]


def load_documents(config_dir: Path | str = CONFIG_DIR) -> Documents:
    raw = _read_yaml(Path(config_dir) / "documents.yaml") or {}
    issuer = str(raw.get("issuer") or "").strip()
    if not issuer:
        raise DataError("documents.yaml: issuer (the bureau's name) is required")
    rows = raw.get("documents") or {}
    templates = {kind: _template(kind, rows.get(kind)) for kind in VARIABLES}
    unknown = sorted(set(rows) - set(VARIABLES))
    if unknown:
        raise DataError(f"documents.yaml: unknown documents {unknown}")
    return Documents(issuer, templates)


def _template(kind: str, row: Any) -> DocumentTemplate:
    if not isinstance(row, dict) or any(not str(row.get(part) or "").strip() for part in PARTS):
        raise DataError(f"documents.yaml [{kind}]: needs {', '.join(PARTS)}")
    try:
        parts = {part: _ENV.from_string(str(row[part])) for part in ("to", "body", "basis")}
        template = DocumentTemplate(kind, str(row["title"]).strip(), str(row["code"]).strip(), parts)
        template.render({name: "样例" for name in (*COMMON, *VARIABLES[kind])})
    except TemplateError as exc:  # a syntax error, or a name this document does not have
        raise DataError(f"documents.yaml [{kind}]: {exc}") from exc
    return template
