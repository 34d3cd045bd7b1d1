"""交办 and 签收, 退回, 督办, 包案 and 回访: the bureau's work around a case's lifecycle.

Like cases.services (whose ``record_event`` writes every change into the case's history),
nothing here commits; messages to staff phones are outbox rows the caller dispatches after
its commit. The lifecycle itself (states and clocks) stays in cases.services."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from cases import documents
from cases.outbox import queue_message
from cases.replies import Replies
from cases.records import TransitionError, record_event
from models import CallBack, Case, CaseState, CaseWorkflow, Message, Supervision, utcnow
from models.db import db

CALLBACK_RESULTS = ("satisfied", "unsatisfied", "unreachable")
# A 交办 goes out when a unit becomes responsible for a case it must act on.
HANDED_STATES = (CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.EXTENDED, CaseState.REVIEW)


class WorkflowError(TransitionError):
    """The workflow does not allow this step now (already signed, nothing to answer...)."""


def unit_key(case: Case) -> str | None:
    """The responsible unit as UNIT_PHONES names it: a department, or township_gov:<township>."""
    if not case.department:
        return None
    if case.department == "township_gov" and case.township:
        return f"township_gov:{case.township}"
    return case.department


def workflow_of(case: Case) -> CaseWorkflow:
    if case.workflow is None:
        case.workflow = CaseWorkflow(case_id=case.id)
        db.session.add(case.workflow)
    return case.workflow


def staff_replies() -> Replies:
    return Replies(current_app.extensions["templates"], current_app.config["LANGUAGE"])


def _date(moment: datetime) -> str:
    return staff_replies().date(moment, current_app.config["TIMEZONE"])


def unit_name(case: Case) -> str:
    return current_app.extensions["taxonomy"].department_name(case.department, case.township)


def tell_staff(phones: list[str], body: str) -> list[Message]:
    """SMS to staff phones, through the outbox. Not linked to the case: the case's thread
    shows what the citizen received; staff messages show as the event that caused them."""
    return [queue_message(phone, "sms", body, "staff") for phone in dict.fromkeys(phones)]


def unit_phones(case: Case, book: str = "UNIT_PHONES") -> list[str]:
    key = unit_key(case)
    return list(current_app.config[book].get(key, [])) if key else []


def hand_over(case: Case, actor: str, *, user_id: int | None = None, now: datetime | None = None) -> list[Message]:
    """交办: the case goes to its responsible unit, which must sign for it within SIGN_FOR_DAYS.
    The unit's handlers are told by SMS when UNIT_PHONES names them."""
    if not case.department:
        raise WorkflowError("交办 needs a responsible unit")
    now = now or utcnow()
    flow = workflow_of(case)
    flow.handed_to, flow.handed_at = unit_key(case), now
    flow.sign_due_at = now + timedelta(days=current_app.config["SIGN_FOR_DAYS"])
    flow.signed_at = flow.signed_by = flow.returned_at = flow.return_reason = None
    taxonomy = current_app.extensions["taxonomy"]
    body = staff_replies().render("staff_handover", number=case.number, issue=taxonomy.issue_type_name(case.issue_type),
                             unit=unit_name(case), deadline=_date(flow.sign_due_at))
    outbound = tell_staff(unit_phones(case), body)
    # Keys the console already shows in Chinese: department by name, due_at in local time.
    record_event(case, "handed", actor, after={"department": case.department, "due_at": _iso(flow.sign_due_at),
                                               "sms": len(outbound)}, user_id=user_id)
    documents.on_handover(case, actor, flow.sign_due_at, now)  # 交办单
    return outbound


def hand_over_if_due(case: Case, actor: str, *, user_id: int | None = None) -> list[Message]:
    """After acceptance or a change of unit: a 交办 unless this unit already holds the case."""
    if case.state not in HANDED_STATES or not case.department:
        return []
    flow = case.workflow
    if flow is not None and flow.handed_to == unit_key(case) and flow.returned_at is None:
        return []
    return hand_over(case, actor, user_id=user_id)


def sign_for(case: Case, actor: str, *, user_id: int | None = None, now: datetime | None = None) -> None:
    """签收: the unit confirms it holds the case."""
    flow = case.workflow
    if flow is None or flow.handed_at is None or flow.signed_at or flow.returned_at:
        raise WorkflowError("nothing to sign for")
    now = now or utcnow()
    flow.signed_at, flow.signed_by = now, actor
    late = bool(flow.sign_due_at and now > flow.sign_due_at)
    record_event(case, "signed", actor, after={"department": case.department, "late": late}, user_id=user_id)


def give_back(case: Case, reason: str, actor: str, *, user_id: int | None = None,
              now: datetime | None = None) -> None:
    """退回: the unit says the case is not its own (wrong unit); the bureau hands it again."""
    flow = case.workflow
    if flow is None or flow.handed_at is None or flow.signed_at or flow.returned_at:
        raise WorkflowError("only a case handed over and not yet signed for can be returned")
    if not (reason or "").strip():
        raise WorkflowError("returning needs a reason")
    flow.returned_at, flow.return_reason = now or utcnow(), reason.strip()
    record_event(case, "returned", actor, after={"department": case.department}, note=flow.return_reason,
                 user_id=user_id)


def supervise(case: Case, note: str, due: date, actor: str, *, user_id: int | None = None) -> list[Message]:
    """督办: the bureau asks the unit for a report by a date; tracked until it answers."""
    if not (note or "").strip():
        raise WorkflowError("a 督办 needs a note")
    item = Supervision(case_id=case.id, note=note.strip(), due_date=due, issued_by=actor, issued_at=utcnow())
    db.session.add(item)
    replies = staff_replies()
    body = replies.render("staff_supervise", number=case.number, note=item.note[:40],
                          deadline=replies.table["date"].format(year=due.year, month=due.month, day=due.day))
    outbound = tell_staff(unit_phones(case), body)
    record_event(case, "supervised", actor, after={"due_date": due.isoformat(), "sms": len(outbound)},
                 note=item.note, user_id=user_id)
    documents.on_supervision(case, actor, item.note, due)  # 督办单
    return outbound


def answer_supervision(item: Supervision, text: str, actor: str, *, user_id: int | None = None) -> None:
    """The unit's report on a 督办: closes it."""
    if item.responded_at is not None:
        raise WorkflowError("this 督办 was already answered")
    if not (text or "").strip():
        raise WorkflowError("the report needs text")
    item.response, item.responded_by, item.responded_at = text.strip(), actor, utcnow()
    record_event(item.case, "supervision_answered", actor, after={"due_date": item.due_date.isoformat()},
                 note=item.response, user_id=user_id)


def open_supervisions(case: Case) -> list[Supervision]:
    return list(db.session.execute(select(Supervision).where(Supervision.case_id == case.id)
                                   .order_by(Supervision.id)).scalars())


def take_as_leader(case: Case, leader: str, actor: str, *, user_id: int | None = None) -> None:
    """包案: a leader takes personal charge of the case until it is resolved."""
    flow = workflow_of(case)
    if flow.leader == leader:
        raise WorkflowError("already taken by this leader")
    before = {"leader": flow.leader}
    flow.leader, flow.leader_since = leader, utcnow()
    record_event(case, "packaged", actor, before=before, after={"leader": leader}, user_id=user_id)


def schedule_callback(case: Case, now: datetime) -> CallBack:
    """回访 task after 办结: the handler calls the petitioner back within CALLBACK_DAYS."""
    if case.callback is not None:
        return case.callback
    task = CallBack(case_id=case.id, due_at=now + timedelta(days=current_app.config["CALLBACK_DAYS"]))
    db.session.add(task)
    case.callback = task  # shown on the case page and the board; the 办结 event already says when
    return task


def record_callback(case: Case, result: str, note: str, actor: str, *, user_id: int | None = None) -> None:
    """The call-back's result: satisfied, not satisfied or unreachable, with a note."""
    task = case.callback
    if task is None:
        raise WorkflowError("no call-back is due for this case")
    if result not in CALLBACK_RESULTS:
        raise WorkflowError("unknown call-back result")
    before = {"callback": task.result}
    task.result, task.note, task.done_by, task.done_at = result, (note or "").strip() or None, actor, utcnow()
    record_event(case, "callback", actor, before=before, after={"callback": result}, note=task.note,
                 user_id=user_id)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
