"""The one module where cases change. Every change writes a CaseEvent.

Callers (views, jobs, the conversation) commit once at the end; nothing here commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from cases import documents
from cases.clocks import due_after, local_day_code
from cases.numbering import next_case_number_and_id
from cases.records import TransitionError, record_event  # noqa: F401  (part of this module's interface)
from cases.triage import routes_itself
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

FINAL_ROUND = 2  # 复核: its answer is final (Art. 36)
CLASSIFIED_FIELDS = ("issue_type", "department", "township", "urgent")


def open_case(contact: Contact | None, message: Message, now: datetime | None = None, actor: str = "citizen",
              user_id: int | None = None, defer_insert: bool = False) -> Case:
    """A new registered case for an inbound petition message, with its number and clock
    (staff registering a letter, visit or call pass themselves as the actor).

    `defer_insert`: on PostgreSQL the row waits for the next flush (the id is drawn with the
    number), so details filled in meanwhile go into the INSERT instead of an UPDATE. Only for
    callers whose rows refer to the case by relationship, never by ``case_id=case.id``: the
    flush orders rows by relationships only."""
    now = now or utcnow()
    taxonomy = current_app.extensions["taxonomy"]
    number, case_id = next_case_number_and_id(taxonomy.case_prefix,
                                              local_day_code(now, current_app.config["TIMEZONE"]))
    # Every default spelled out: the row may be inserted only at the commit's flush.
    case = Case(id=case_id, number=number, state=CaseState.REGISTERED, channel=message.channel,
                contact=contact, contact_id=contact.id if contact else None, text=message.body, received_at=now,
                due_at=due_after(CaseState.REGISTERED, now), needs_triage=True, urgent=False,
                extended=False, flagged=False, keywords=[], repeat_count=0, review_round=0,
                created_at=now, updated_at=now)
    db.session.add(case)
    if case_id is None or not defer_insert:  # SQLite: the id comes from the insert
        db.session.flush()
    message.case = case
    record_event(case, "created", actor, after={"state": case.state, "number": number}, user_id=user_id)
    return case


def append_message(case: Case, message: Message) -> bool:
    """A later part of the same story, or a supplement (补充): joins the case's text.
    Past CASE_TEXT_LIMIT characters the message stays linked to the case (staff see it in
    the thread) but is not appended: returns False, and the caller tells the citizen."""
    message.case_id = case.id
    joined = f"{case.text}\n{message.body}" if case.text else message.body
    if len(joined) > current_app.config["CASE_TEXT_LIMIT"]:
        record_event(case, "supplement", "citizen", after={"message_id": message.id, "appended": False})
        return False
    case.text = joined
    record_event(case, "supplement", "citizen", after={"message_id": message.id})
    return True


def latest_open_case_past_cap(contact: Contact, cap: int, now: datetime | None = None) -> Case | None:
    """When the contact opened `cap` cases or more in the last 24 hours: its latest open
    case (new petitions join it instead of opening more), else None."""
    since = (now or utcnow()) - timedelta(days=1)
    opened = db.session.execute(select(func.count()).select_from(Case).where(
        Case.contact_id == contact.id, Case.received_at >= since)).scalar_one()
    if opened < cap:
        return None
    return db.session.execute(select(Case).where(Case.contact_id == contact.id, Case.state.in_(CaseState.OPEN))
                              .order_by(Case.id.desc()).limit(1)).scalar_one_or_none()


def flag_urgent(case: Case, message_id: int | None = None) -> None:
    """A turn of the conversation carried a danger: the case is urgent from now on."""
    before = {"urgent": bool(case.urgent)}
    case.urgent = True
    record_event(case, "urgent", "system", before=before, after={"urgent": True, "message_id": message_id})


def move_to_contact(case: Case, contact: Contact, actor: str) -> None:
    """The citizen proved the case is theirs from another address (a web chat browser that
    verified the same phone): the case follows them."""
    before = {"contact_id": case.contact_id}
    case.contact = contact
    record_event(case, "contact", actor, before=before, after={"contact_id": contact.id})


def mark_repeat(case: Case, earlier: Case) -> None:
    """重复信访: the citizen raised again a matter an earlier case holds. Both cases say so."""
    case.repeat_of_id = earlier.id
    record_event(case, "repeat", "system", after={"repeat_of": earlier.number}, note="重复信访")
    record_event(earlier, "repeat", "system", after={"repeated_by": case.number}, note="重复信访")


def apply_classification(case: Case, result: Any, threshold: float) -> None:
    """Store the classifier's labels; below the threshold the case waits for triage."""
    before = {name: getattr(case, name) for name in CLASSIFIED_FIELDS}
    for name in CLASSIFIED_FIELDS:
        setattr(case, name, getattr(result, name))
    # Urgent is sticky for the machine: a threat in one turn is not undone by a later,
    # calmer reading of the whole text. Only staff (correct) clear it.
    case.urgent = bool(result.urgent or before["urgent"])
    for name in ("issue_type", "department", "township", "urgent"):
        setattr(case, f"{name}_confidence", float(getattr(result, f"{name}_confidence")))
    if getattr(result, "village", None) and not case.village:
        case.village = result.village
    case.keywords = list(result.keywords)[:12]
    case.model_version = result.model_version
    case.classified_at = utcnow()
    case.needs_triage = not routes_itself(result, threshold)
    after = {name: getattr(case, name) for name in CLASSIFIED_FIELDS}
    after.update(model_version=case.model_version, needs_triage=case.needs_triage)
    record_event(case, "classified", "system", before=before, after=after)


def mark_conflict(case: Case, unit: str, level: str, route_to: str, evidence: str) -> None:
    """回避: the petition accuses (level "certain") or names (level "possible") staff of
    `unit`. That unit never sees the case (console.access.scope); a certain conflict goes to
    `route_to` (纪委监委); both wait for an intake officer. A mark is never lowered by the
    machine: only an officer clears it (clear_conflict)."""
    if case.conflict_level == "certain" and level == "possible":
        level, unit = "certain", case.conflict_unit or unit
    before = {"conflict_unit": case.conflict_unit, "department": case.department, "needs_triage": case.needs_triage}
    case.conflict_unit, case.conflict_level = unit, level
    if level == "certain":
        case.department = route_to
    case.needs_triage = True
    after = {"conflict_unit": unit, "department": case.department, "needs_triage": True}
    if after != before:
        record_event(case, "conflict", "system", before=before, after=after, note=evidence[:200])


def clear_conflict(case: Case, actor: str, user_id: int | None = None) -> None:
    """An officer finds the petition is not about the unit's own staff: the mark goes."""
    if case.conflict_unit:
        record_event(case, "conflict", actor, before={"conflict_unit": case.conflict_unit},
                     after={"conflict_unit": None}, user_id=user_id)
        case.conflict_unit = case.conflict_level = None


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
    final = new_state == CaseState.ANSWERED and case.review_round >= FINAL_ROUND
    case.due_at = None if final else due_after(new_state, now, case.due_at)  # a 复核 answer ends the chain
    _stamp(case, new_state, now)
    case.state = new_state
    details = {k: v for k, v in {"reason": reason, "route": route, "answer": answer}.items() if v}
    if new_state == CaseState.REVIEW:
        details.update(_to_reviewing_body(case, actor, user_id))
    record_event(case, "state", actor, before=before, after={"state": new_state, "due_at": _iso(case.due_at),
                                                            **details}, note=note, user_id=user_id)
    from cases.notices import notice_for
    from cases import workflow

    outbound = notice_for(case, new_state, reason=reason, answer=answer, route=route)
    documents.on_transition(case, new_state, actor, reason=reason, answer=answer, route=route, note=note, now=now)
    if new_state == CaseState.CLOSED:
        workflow.schedule_callback(case, now)  # 回访
    return outbound + workflow.hand_over_if_due(case, actor, user_id=user_id)  # 交办 on acceptance


def request_extension(case: Case, reason: str, actor: str, user_id: int | None = None) -> None:
    """A handler's 申请延期 (Art. 34): recorded for the unit's 负责人 to decide. The deadline
    and the citizen are untouched until the head approves (decide_extension)."""
    if CaseState.EXTENDED not in TRANSITIONS.get(case.state, ()):
        raise TransitionError(f"{case.state} → {CaseState.EXTENDED} is not allowed")
    _check_requirements(case, CaseState.EXTENDED, reason=reason)
    if case.extension_request:
        raise TransitionError("an extension request is already pending")
    case.extension_request = reason.strip()
    record_event(case, "extension_requested", actor, after={"reason": case.extension_request}, user_id=user_id)


def decide_extension(case: Case, approve: bool, actor: str, user_id: int | None = None) -> list[Message]:
    """The head's decision on the pending request. Approved: the case is extended by 30 days
    and the citizen told the reason (returned notice). Refused: the deadline stands."""
    reason = case.extension_request
    if not reason:
        raise TransitionError("no extension request is pending")
    case.extension_request = None
    record_event(case, "extension_approved" if approve else "extension_refused", actor,
                 before={"reason": reason}, user_id=user_id)
    if not approve:
        return []
    return transition(case, CaseState.EXTENDED, actor, reason=reason, note="单位负责人批准延期", user_id=user_id)


def _to_reviewing_body(case: Case, actor: str, user_id: int | None) -> dict:
    """复查 (Art. 35) goes to the body above the unit that answered, 复核 (Art. 36) to the
    body above the 复查 body: the case leaves the unit and its handler."""
    case.review_round += 1
    body = current_app.extensions["taxonomy"].review_body(case.department, case.review_round)
    before = {"department": case.department, "assignee": case.assignee}
    case.department, case.assignee = body, None
    record_event(case, "assigned", actor, before=before, after={"department": body, "assignee": None},
                 note="复查" if case.review_round == 1 else "复核", user_id=user_id)
    return {"review_round": case.review_round}


def _check_requirements(case: Case, new_state: str, **given: str | None) -> None:
    if new_state == CaseState.REVIEW and case.review_round >= FINAL_ROUND:
        raise TransitionError("the 复核 opinion is final (Art. 36)")
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
    """A duplicate joins another case by a link (merged_into_id), and it ends as merged. Its
    text is not copied: the target may belong to another unit (or be read through Open311
    by another client), and each citizen's words stay on their own case (issue 11)."""
    if case.id == into.id or into.state not in CaseState.OPEN:
        raise TransitionError("merge into another open case")
    transition(case, CaseState.MERGED, actor, note=f"并入 {into.number}", user_id=user_id)
    case.merged_into_id = into.id
    record_event(into, "merged", actor, after={"merged": case.number}, user_id=user_id)


def staff_reply(case: Case, text: str, actor: str, user_id: int | None = None) -> list[Message]:
    """A message from staff to the petitioner, through the outbound queue."""
    from cases.notices import message_to_citizen

    record_event(case, "reply", actor, note=text, user_id=user_id)
    return message_to_citizen(case, text, "staff_reply")
