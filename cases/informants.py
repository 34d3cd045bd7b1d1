"""Dispute reports (矛盾纠纷排查) from village information officers (信息员): who is an
officer, filing a report, its follow-up (新报告 → 跟进中 → 已化解 / 转为信访件) and notes.

A report is not a petition: no case, no clock, no acknowledgement. It becomes a case only
when staff convert it, or when it carries a danger (the on-duty officer must be paged with
something to act on). Nothing here commits; callers commit once."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from cases import services
from models import Case, Contact, Informant, InformantReport, InformantReportNote, Message, ReportState, utcnow
from models.db import db

PHONE_CHANNELS = ("sms", "whatsapp")  # channels whose address is the phone number
# Allowed moves of a report; converting goes through convert(), which opens the case.
MOVES: dict[str, tuple[str, ...]] = {
    ReportState.NEW: (ReportState.FOLLOWING, ReportState.RESOLVED, ReportState.CONVERTED),
    ReportState.FOLLOWING: (ReportState.RESOLVED, ReportState.CONVERTED),
    ReportState.RESOLVED: (ReportState.FOLLOWING,),
    ReportState.CONVERTED: (),
}


def phone_of(contact: Contact) -> str | None:
    """The phone a contact is known by: the address on SMS and WhatsApp, a verified phone
    on the web chat; none for a WeChat openid without one."""
    if contact.channel in PHONE_CHANNELS:
        return contact.address.rpartition(":")[2] or None
    return contact.phone


def informant_for(contact: Contact) -> Informant | None:
    phone = phone_of(contact)
    if not phone:
        return None
    return db.session.execute(select(Informant).where(Informant.phone == phone, Informant.active.is_(True))
                              ).scalar_one_or_none()


def local_month(moment: datetime, tz: str | None = None) -> str:
    zone = ZoneInfo(tz or current_app.config["TIMEZONE"])
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime("%Y-%m")


def file_report(informant: Informant, message: Message, zero: bool, now: datetime | None = None) -> InformantReport:
    now = now or utcnow()
    report = InformantReport(informant_id=informant.id, message_id=message.id, township=informant.township,
                             month=local_month(now), received_at=now, text=message.body or "", zero=zero,
                             urgent=False, state=ReportState.NEW, updated_at=now)
    db.session.add(report)
    db.session.flush()
    return report


def ongoing_report(informant: Informant, now: datetime | None = None) -> InformantReport | None:
    """The officer's report of the last few minutes, still new: a long report split over
    several SMS joins it (as a petition's parts join their case)."""
    since = (now or utcnow()) - timedelta(minutes=current_app.config["THREAD_WINDOW_MINUTES"])
    return db.session.execute(
        select(InformantReport).where(InformantReport.informant_id == informant.id, InformantReport.zero.is_(False),
                                      InformantReport.state == ReportState.NEW, InformantReport.updated_at >= since)
        .order_by(InformantReport.id.desc()).limit(1)).scalar_one_or_none()


def append(report: InformantReport, message: Message) -> None:
    limit = current_app.config["CASE_TEXT_LIMIT"]
    report.text = f"{report.text}\n{message.body}"[:limit]
    report.updated_at = utcnow()
    _record(report, "appended", "informant", note=f"message {message.id}")


def report_of_message(message_id: int) -> InformantReport | None:
    """The report a stored message filed or joined (its first message, or a later part)."""
    report = db.session.execute(select(InformantReport).where(InformantReport.message_id == message_id)
                                ).scalar_one_or_none()
    if report is not None:
        return report
    note = db.session.execute(select(InformantReportNote).where(
        InformantReportNote.kind == "appended", InformantReportNote.note == f"message {message_id}")
        .order_by(InformantReportNote.id.desc()).limit(1)).scalar_one_or_none()
    return db.session.get(InformantReport, note.report_id) if note is not None else None


def escalate(report: InformantReport, message: Message) -> Case:
    """A report that tells of a danger: it becomes an urgent petition case at once (the
    caller classifies it and pages the on-duty officer)."""
    report.urgent = True
    if report.case_id is not None:
        message.case_id = report.case_id
        return db.session.get(Case, report.case_id)
    case = _open_case(report, message, "system", None)
    _record(report, "state", "system", note="含危及生命或聚集行为的情形，自动转为紧急信访件",
            change={"before": report.state, "after": ReportState.CONVERTED, "case": case.number})
    report.state = ReportState.CONVERTED
    return case


def convert(report: InformantReport, actor: str, user_id: int | None = None, note: str | None = None) -> Case:
    """转为信访件: staff open a petition case from the report, through the case services."""
    if ReportState.CONVERTED not in MOVES[report.state]:
        raise services.TransitionError(f"cannot convert a report in state {report.state}")
    first = db.session.get(Message, report.message_id) if report.message_id else None
    case = _open_case(report, first, actor, user_id)
    _record(report, "state", actor, user_id=user_id, note=note,
            change={"before": report.state, "after": ReportState.CONVERTED, "case": case.number})
    report.state, report.updated_at = ReportState.CONVERTED, utcnow()
    return case


def move(report: InformantReport, state: str, actor: str, user_id: int | None = None, note: str | None = None) -> None:
    if state == ReportState.CONVERTED or state not in MOVES.get(report.state, ()):
        raise services.TransitionError(f"cannot move a report from {report.state} to {state}")
    _record(report, "state", actor, user_id=user_id, note=note, change={"before": report.state, "after": state})
    report.state, report.updated_at = state, utcnow()


def add_note(report: InformantReport, text: str, actor: str, user_id: int | None = None) -> None:
    _record(report, "note", actor, user_id=user_id, note=text)
    report.updated_at = utcnow()


def _open_case(report: InformantReport, message: Message | None, actor: str, user_id: int | None) -> Case:
    if message is None:  # a report entered without a message (never by SMS): its text is the petition
        message = Message(direction="in", channel="informant", address=report.informant.phone, body=report.text,
                          state="processed", intent="informant_report", processed_at=utcnow())
        db.session.add(message)
    contact = message.contact if message.contact_id else None
    case = services.open_case(contact, message, actor=actor, user_id=user_id)
    case.text, case.township = report.text, report.township
    report.case_id = case.id
    services.add_note(case, f"由信息员报告{report.number}转来（{report.informant.name}，{report.informant.village}）",
                      actor, user_id)
    return case


def _record(report: InformantReport, kind: str, actor: str, *, user_id: int | None = None,
            note: str | None = None, change: dict | None = None) -> None:
    db.session.add(InformantReportNote(report_id=report.id, at=utcnow(), actor=actor, user_id=user_id, kind=kind,
                                       note=note, change=change))
