"""The one module where cases change. Every change writes a CaseEvent.

Callers (views, jobs, the conversation) commit once at the end; nothing here commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from cases.clocks import due_after, local_day_code
from cases.numbering import next_case_number
from core.extensions import db
from models import Case, CaseEvent, CaseState, Contact, Message, utcnow

# Allowed moves of the lifecycle in product.md; anything else is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseState.REGISTERED: (CaseState.ACCEPTED, CaseState.NOT_ACCEPTED, CaseState.MERGED),
    CaseState.ACCEPTED: (CaseState.IN_PROGRESS, CaseState.EXTENDED, CaseState.ANSWERED, CaseState.MERGED),
    CaseState.IN_PROGRESS: (CaseState.EXTENDED, CaseState.ANSWERED),
    CaseState.EXTENDED: (CaseState.ANSWERED,),
    CaseState.ANSWERED: (CaseState.REVIEW, CaseState.CLOSED),
    CaseState.REVIEW: (CaseState.ANSWERED, CaseState.CLOSED),
    CaseState.NOT_ACCEPTED: (),
    CaseState.CLOSED: (),
    CaseState.MERGED: (),
}

CLASSIFIED_FIELDS = ("issue_type", "department", "township", "urgent")


class TransitionError(ValueError):
    """The lifecycle does not allow this change."""


def record_event(case: Case, kind: str, actor: str = "system", *, before: dict | None = None,
                 after: dict | None = None, note: str | None = None, user_id: int | None = None) -> CaseEvent:
    event = CaseEvent(case=case, kind=kind, actor=actor, before=before, after=after, note=note,
                      user_id=user_id, at=utcnow())
    db.session.add(event)
    return event


def open_case(contact: Contact, message: Message, now: datetime | None = None) -> Case:
    """A new registered case for an inbound petition message, with its number and clock."""
    now = now or utcnow()
    taxonomy = current_app.extensions["taxonomy"]
    number = next_case_number(taxonomy.case_prefix, local_day_code(now, current_app.config["TIMEZONE"]))
    case = Case(number=number, state=CaseState.REGISTERED, channel=message.channel,
                contact=contact, text=message.body, received_at=now,
                due_at=due_after(CaseState.REGISTERED, now), needs_triage=True)
    db.session.add(case)
    db.session.flush()
    message.case_id = case.id
    record_event(case, "created", "citizen", after={"state": case.state, "number": number})
    return case


def append_message(case: Case, message: Message) -> None:
    """A later part of the same story, or a supplement (补充): joins the case's text."""
    case.text = f"{case.text}\n{message.body}" if case.text else message.body
    message.case_id = case.id
    record_event(case, "supplement", "citizen", after={"message_id": message.id})


def apply_classification(case: Case, result: Any, threshold: float) -> None:
    """Store the classifier's labels; below the threshold the case waits for triage."""
    before = {name: getattr(case, name) for name in CLASSIFIED_FIELDS}
    for name in CLASSIFIED_FIELDS:
        setattr(case, name, getattr(result, name))
    for name in ("issue_type", "department", "township", "urgent"):
        setattr(case, f"{name}_confidence", float(getattr(result, f"{name}_confidence")))
    if getattr(result, "village", None) and not case.village:
        case.village = result.village
    case.keywords = list(result.keywords)[:12]
    case.model_version = result.model_version
    case.classified_at = utcnow()
    lowest = min(case.issue_type_confidence, case.department_confidence)
    case.needs_triage = lowest < threshold
    after = {name: getattr(case, name) for name in CLASSIFIED_FIELDS}
    after.update(model_version=case.model_version, needs_triage=case.needs_triage)
    record_event(case, "classified", "system", before=before, after=after)


def transition(case: Case, new_state: str, actor: str, *, note: str | None = None,
               user_id: int | None = None, now: datetime | None = None) -> None:
    """Move a case along the lifecycle, setting its clock; refuse illegal moves."""
    if new_state not in TRANSITIONS.get(case.state, ()):
        raise TransitionError(f"{case.state} → {new_state} is not allowed")
    if new_state == CaseState.EXTENDED and case.extended:
        raise TransitionError("a case may be extended only once (Art. 34)")
    now = now or utcnow()
    before = {"state": case.state, "due_at": _iso(case.due_at)}
    case.due_at = due_after(new_state, now, case.due_at)
    _stamp(case, new_state, now)
    case.state = new_state
    record_event(case, "state", actor, before=before,
                 after={"state": new_state, "due_at": _iso(case.due_at)}, note=note, user_id=user_id)


def _stamp(case: Case, new_state: str, now: datetime) -> None:
    if new_state == CaseState.ACCEPTED:
        case.accepted_at = now
    elif new_state == CaseState.EXTENDED:
        case.extended = True
    elif new_state == CaseState.ANSWERED:
        case.answered_at = now
    elif new_state in (CaseState.CLOSED, CaseState.NOT_ACCEPTED, CaseState.MERGED):
        case.closed_at = now


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


@dataclass(frozen=True)
class CaseStatus:
    number: str
    state: str
    department: str | None
    township: str | None
    due_at: datetime | None


def status_of(case: Case) -> CaseStatus:
    return CaseStatus(case.number, case.state, case.department, case.township, case.due_at)


def rate(case: Case, rating: str, actor: str = "citizen") -> None:
    """The petitioner's rating of the answer; 不满意 puts the case before a supervisor."""
    before = {"rating": case.rating, "flagged": case.flagged}
    case.rating = rating
    if rating == "unsatisfied":
        case.flagged = True
    record_event(case, "rated", actor, before=before, after={"rating": rating, "flagged": case.flagged})
