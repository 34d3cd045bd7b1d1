"""The written documents of a case: 受理告知书, 不予受理告知书, 处理意见书, 复查意见书,
复核意见书, 交办单 and 督办单 (config/documents.yaml).

``issue`` is called by the state change that calls for a document (cases.services.transition,
cases.workflow.hand_over and supervise), in its transaction: it adds a CaseDocument row with
the snapshot of every value the document prints (so the document never changes after the
fact) and then tries to typeset the PDF at once. Typesetting never breaks the state change:
a failure is recorded on the row (attempts, error) and ``render_pending`` (the daily run, or
the first download) tries again. Nothing here commits."""
from __future__ import annotations

import logging
import os
import secrets
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from cases.document_pdf import document_pdf
from models import Case, CaseDocument, CaseState, utcnow
from models.db import db

log = logging.getLogger(__name__)
CHANNEL_NAMES = {"sms": "短信", "wechat": "微信", "web": "网上信访", "letter": "来信", "visit": "来访",
                 "phone": "电话", "call": "来电", "whatsapp": "WhatsApp", "messenger": "Messenger", "ledger": "台账"}
OPINIONS = ("opinion", "review_opinion", "reexamine_opinion")   # by review round
REVIEW_WINDOW_DAYS = 30   # 复查 / 复核 requested within 30 days (Arts. 35-36)
MAX_ATTEMPTS = 5
REQUEST_LIMIT = 2000      # characters of the petition printed on a document


def kind_for_state(case: Case, state: str) -> str | None:
    """The document a move into `state` calls for, if any."""
    if state == CaseState.ACCEPTED:
        return "accepted"
    if state == CaseState.NOT_ACCEPTED:
        return "not_accepted"
    if state == CaseState.ANSWERED:
        return OPINIONS[min(case.review_round, 2)]
    return None


def on_transition(case: Case, state: str, actor: str, *, reason: str | None, answer: str | None,
                  route: str | None, note: str | None, now: datetime | None = None) -> CaseDocument | None:
    kind = kind_for_state(case, state)
    if kind is None:
        return None
    extra: dict = {}
    if kind == "accepted":
        extra["deadline"] = _long_date(case.due_at)
    elif kind == "not_accepted":
        routes = current_app.extensions["templates"]["zh"]["routes"]
        extra.update(reason=_clean(reason), route=_route_text(routes, route))
    else:
        extra.update(facts=_clean(note) or "见处理意见。", opinion=_clean(answer))
        if kind != "reexamine_opinion":
            taxonomy = current_app.extensions["taxonomy"]
            body = taxonomy.review_body(case.department, case.review_round + 1)
            extra.update(next_body=taxonomy.department_name(body), window_days=REVIEW_WINDOW_DAYS)
    return issue(case, kind, actor, now=now, **extra)


def on_handover(case: Case, actor: str, sign_due: datetime, now: datetime | None = None) -> CaseDocument:
    return issue(case, "handover", actor, now=now, sign_due=_long_date(sign_due), deadline=_long_date(case.due_at))


def on_supervision(case: Case, actor: str, note: str, due: date) -> CaseDocument:
    return issue(case, "supervision", actor, note=_clean(note), report_due=f"{due.year}年{due.month}月{due.day}日")


def issue(case: Case, kind: str, actor: str, now: datetime | None = None, **extra) -> CaseDocument:
    """A new document of `kind` for the case, dated `now` (the state change's moment), with its
    文号, and its PDF if it typesets."""
    now = now or utcnow()
    documents = current_app.extensions["documents"]
    template = documents[kind]
    local = _local(now)
    number = f"{template.code}〔{local.year}〕{case.number}号"
    earlier = db.session.execute(select(func.count()).select_from(CaseDocument).where(
        CaseDocument.case_id == case.id, CaseDocument.kind == kind)).scalar_one()
    if earlier:  # a second 督办 or 交办 of the same case
        number = f"{template.code}〔{local.year}〕{case.number}-{earlier + 1}号"
    values = {**_common(case, documents.issuer, number, now), **extra}
    try:
        text = template.render(values)
    except Exception as exc:  # noqa: BLE001 (past the start-up check: keep the values, render later)
        log.warning("document %s of case %s: template failed: %s", kind, case.id, type(exc).__name__)
        text = {"values": values}
    row = CaseDocument(case_id=case.id, kind=kind, number=number, created_by=actor[:64], created_at=now,
                       fields={"title": template.title, "issuer": documents.issuer, "number": number,
                               "date": values["date"], "case_number": case.number, **text})
    db.session.add(row)
    render(row)
    return row


def render(row: CaseDocument) -> bool:
    """Typeset the row's PDF (its text first, if that failed before) and store it; on failure
    record why (never raises)."""
    try:
        if "values" in row.fields:  # the text itself did not render at the state change: again now
            text = current_app.extensions["documents"][row.kind].render(row.fields["values"])
            row.fields = {**{k: v for k, v in row.fields.items() if k != "values"}, **text}
        data = document_pdf(row.fields)
        row.stored_name = _write(data)
        row.rendered_at, row.error = utcnow(), None
        return True
    except Exception as exc:  # noqa: BLE001 (a document must never break the state change)
        row.attempts = (row.attempts or 0) + 1
        row.error = f"{type(exc).__name__}: {exc}"[:300]
        log.warning("document %s of case %s did not render: %s", row.kind, row.case_id, type(exc).__name__)
        return False


def render_pending(limit: int = 500) -> int:
    """Retry the documents whose PDF is missing (the daily run). Returns how many rendered."""
    rows = db.session.execute(select(CaseDocument).where(CaseDocument.stored_name.is_(None),
                                                         CaseDocument.attempts < MAX_ATTEMPTS)
                              .order_by(CaseDocument.id).limit(limit)).scalars()
    return sum(render(row) for row in rows)


def pdf_bytes(row: CaseDocument) -> bytes:
    """The stored PDF; rendered now when it is missing (the caller commits the row)."""
    if row.stored_name is None or not path_of(row).is_file():
        if not render(row):
            raise RuntimeError(row.error or "document did not render")
    return path_of(row).read_bytes()


def documents_of(case: Case) -> list[CaseDocument]:
    return list(db.session.execute(select(CaseDocument).where(CaseDocument.case_id == case.id)
                                   .order_by(CaseDocument.id)).scalars())


def path_of(row: CaseDocument) -> Path:
    return Path(current_app.config["DOCUMENT_DIR"]) / (row.stored_name or "")


def _write(data: bytes) -> str:
    folder = Path(current_app.config["DOCUMENT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ".pdf"
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return name


def _common(case: Case, issuer: str, number: str, now: datetime) -> dict:
    taxonomy = current_app.extensions["taxonomy"]
    petitioner = case.citizen_name or (case.petitioner.name if case.petitioner else None) or "信访人"
    return {"issuer": issuer, "county": taxonomy.county, "case_number": case.number, "doc_number": number,
            "date": _long_date(now), "petitioner": petitioner, "received": _long_date(case.received_at),
            "channel": CHANNEL_NAMES.get(case.channel, case.channel), "request": _request(case.text),
            "unit": taxonomy.department_name(case.department, case.township) or issuer,
            "issue": taxonomy.issue_type_name(case.issue_type) or "未分类"}


def _request(text: str | None) -> str:
    text = (text or "").strip()
    return text if len(text) <= REQUEST_LIMIT else text[:REQUEST_LIMIT] + "……（全文见案卷）"


def _route_text(routes: dict, route: str | None) -> str:
    """Where to turn: the SMS notice's sentence for a known route; the reason is printed above."""
    if route in routes and route != "other":
        return routes[route]
    return "如有疑问，可向本局咨询，或依法向有权处理的机关提出。"


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def _long_date(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = _local(moment)
    return f"{local.year}年{local.month}月{local.day}日"
