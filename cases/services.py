"""The one module where cases change. Every change writes a CaseEvent.

Callers (views, jobs, the conversation) commit once at the end; nothing here commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from cases.clocks import due_after, local_day_code
from cases.numbering import next_case_number
from models.db import db
from models import Case, CaseEvent, CaseState, Contact, Message, TrainingExample, utcnow

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


def open_case(contact: Contact | None, message: Message, now: datetime | None = None, actor: str = "citizen",
              user_id: int | None = None) -> Case:
    """A new registered case for an inbound petition message, with its number and clock
    (staff registering a letter, visit or call pass themselves as the actor)."""
    now = now or utcnow()
    taxonomy = current_app.extensions["taxonomy"]
    number = next_case_number(taxonomy.case_prefix, local_day_code(now, current_app.config["TIMEZONE"]))
    case = Case(number=number, state=CaseState.REGISTERED, channel=message.channel,
                contact=contact, text=message.body, received_at=now,
                due_at=due_after(CaseState.REGISTERED, now), needs_triage=True)
    db.session.add(case)
    db.session.flush()
    message.case_id = case.id
    record_event(case, "created", actor, after={"state": case.state, "number": number}, user_id=user_id)
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


def transition(case: Case, new_state: str, actor: str, *, note: str | None = None, reason: str | None = None,
               answer: str | None = None, route: str | None = None, user_id: int | None = None,
               now: datetime | None = None) -> list[Message]:
    """Move a case along the lifecycle, setting its clock and queuing the notice the law
    requires (returned: the caller commits, then cases.outbox.dispatch). Illegal moves
    and moves without what their notice needs raise TransitionError."""
    if new_state not in TRANSITIONS.get(case.state, ()):
        raise TransitionError(f"{case.state} → {new_state} is not allowed")
    _check_requirements(case, new_state, note=note, reason=reason, answer=answer, route=route)
    now = now or utcnow()
    before = {"state": case.state, "due_at": _iso(case.due_at)}
    case.due_at = due_after(new_state, now, case.due_at)
    _stamp(case, new_state, now)
    case.state = new_state
    details = {k: v for k, v in {"reason": reason, "route": route, "answer": answer}.items() if v}
    record_event(case, "state", actor, before=before, after={"state": new_state, "due_at": _iso(case.due_at),
                                                            **details}, note=note, user_id=user_id)
    from cases.notices import notice_for
    from cases import workflow

    notice = notice_for(case, new_state, reason=reason, answer=answer, route=route)
    outbound = [notice] if notice is not None else []
    if new_state == CaseState.CLOSED:
        workflow.schedule_callback(case, now)  # 回访
    return outbound + workflow.hand_over_if_due(case, actor, user_id=user_id)  # 交办 on acceptance


def _check_requirements(case: Case, new_state: str, **given: str | None) -> None:
    if new_state == CaseState.EXTENDED and case.extended:
        raise TransitionError("a case may be extended only once (Art. 34)")
    if new_state == CaseState.ACCEPTED and not case.department:
        raise TransitionError("accepting needs a responsible unit")
    needs = {CaseState.NOT_ACCEPTED: "route", CaseState.EXTENDED: "reason", CaseState.ANSWERED: "answer",
             CaseState.CLOSED: "note"}
    field = needs.get(new_state)
    if field and not (given.get(field) or "").strip():
        raise TransitionError(f"{new_state} needs a {field}")  # 不化解不销号: closing needs a resolution note


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


def correct(case: Case, changes: dict[str, Any], actor: str, user_id: int | None = None) -> TrainingExample | None:
    """Staff fix the labels: the case leaves triage, and the corrected labels become a
    training example for `nlp train`. Returns None when nothing changed."""
    changes = {k: v for k, v in changes.items() if k in CLASSIFIED_FIELDS and getattr(case, k) != v}
    if not changes:
        return None
    before = {name: getattr(case, name) for name in changes}
    for name, value in changes.items():
        setattr(case, name, value)
        if name != "urgent":
            setattr(case, f"{name}_confidence", 1.0)
    case.needs_triage = False
    record_event(case, "corrected", actor, before=before, after=changes, user_id=user_id)
    example = TrainingExample(text=case.text, issue_type=case.issue_type, department=case.department,
                              township=case.township, urgent=bool(case.urgent), case_id=case.id, user_id=user_id)
    db.session.add(example)
    return example


def confirm(case: Case, actor: str, user_id: int | None = None) -> None:
    """An officer agrees with the machine: the case leaves triage unchanged."""
    if case.needs_triage:
        case.needs_triage = False
        record_event(case, "confirmed", actor, before={"needs_triage": True}, after={"needs_triage": False},
                     user_id=user_id)


def assign(case: Case, actor: str, *, department: str | None = None, assignee: str | None = None,
           user_id: int | None = None) -> list[Message]:
    """A responsible unit and person; a new unit on a case in hand gets a 交办 (returned:
    the SMS to its handlers, for the caller to dispatch after its commit)."""
    from cases import workflow

    before = {"department": case.department, "assignee": case.assignee}
    if department:
        case.department = department
    if assignee is not None:
        case.assignee = assignee or None
    record_event(case, "assigned", actor, before=before,
                 after={"department": case.department, "assignee": case.assignee}, user_id=user_id)
    return workflow.hand_over_if_due(case, actor, user_id=user_id)


def add_note(case: Case, text: str, actor: str, user_id: int | None = None) -> None:
    """An internal note: staff only, never sent to the citizen."""
    record_event(case, "note", actor, note=text, user_id=user_id)


def merge(case: Case, into: Case, actor: str, user_id: int | None = None) -> None:
    """A duplicate joins another case: its text is appended there, and it ends as merged."""
    if case.id == into.id or into.state not in CaseState.OPEN:
        raise TransitionError("merge into another open case")
    transition(case, CaseState.MERGED, actor, note=f"并入 {into.number}", user_id=user_id)
    case.merged_into_id = into.id
    into.text = f"{into.text}\n[{case.number}] {case.text}"
    record_event(into, "merged", actor, after={"merged": case.number}, user_id=user_id)


def staff_reply(case: Case, text: str, actor: str, user_id: int | None = None) -> list[Message]:
    """A message from staff to the petitioner, through the outbound queue."""
    from cases.notices import message_to_citizen

    record_event(case, "reply", actor, note=text, user_id=user_id)
    message = message_to_citizen(case, text, "staff_reply")
    return [message] if message is not None else []
