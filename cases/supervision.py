"""催办 and 督办 by the daily run: before each legal deadline the responsible handler is
reminded, after it the unit's head and the bureau are told; a unit that has not signed
for a 交办 in time, or not answered a 督办 by its date, is escalated the same way.

Each reminder is a ``ReminderSent`` row keyed by what it is about (kind, stage and the
deadline itself), so a second run sends nothing twice, and an extension (a new deadline)
earns a new reminder. Nothing here commits: the runner (handlers.supervision) commits
case by case and dispatches the SMS."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from cases.records import record_event
from cases.workflow import staff_replies, tell_staff, unit_name, unit_phones
from models import Case, CaseState, CaseWorkflow, Message, ReminderSent, Supervision
from models.db import db

# The deadline a case's due_at stands for, by state (answered: the citizen's window, not ours).
STAGES = {CaseState.REGISTERED: "accept", CaseState.ACCEPTED: "answer", CaseState.IN_PROGRESS: "answer",
          CaseState.EXTENDED: "answer", CaseState.REVIEW: "review"}


@dataclass(frozen=True)
class Action:
    key: str        # unique per case: what was sent, for which deadline
    kind: str       # reminded | escalated
    stage: str      # accept | answer | review | sign | supervision
    deadline: datetime | date


def case_ids_to_check(now: datetime) -> list[int]:
    """Cases with a deadline within the reminder window or past, an unsigned 交办 past its
    limit, or a 督办 past its date without an answer."""
    horizon = now + timedelta(days=current_app.config["REMIND_DAYS_BEFORE"])
    running = select(Case.id).where(Case.state.in_(STAGES), Case.due_at.is_not(None), Case.due_at <= horizon)
    unsigned = (select(CaseWorkflow.case_id).join(Case, Case.id == CaseWorkflow.case_id)
                .where(Case.state.in_(CaseState.OPEN), CaseWorkflow.handed_at.is_not(None),
                       CaseWorkflow.signed_at.is_(None), CaseWorkflow.returned_at.is_(None),
                       CaseWorkflow.sign_due_at < now))
    late = select(Supervision.case_id).where(Supervision.responded_at.is_(None), Supervision.due_date < now.date())
    ids: set[int] = set()
    for stmt in (running, unsigned, late):
        ids.update(db.session.execute(stmt).scalars())
    return sorted(ids)


def actions_for(case: Case, now: datetime) -> list[Action]:
    """Everything that is due for this case now, sent or not."""
    found: list[Action] = []
    stage = STAGES.get(case.state)
    if stage and case.due_at is not None:
        remind_from = case.due_at - timedelta(days=current_app.config["REMIND_DAYS_BEFORE"])
        if case.due_at <= now:
            found.append(Action(f"escalate:{stage}:{_key(case.due_at)}", "escalated", stage, case.due_at))
        elif remind_from <= now:
            found.append(Action(f"remind:{stage}:{_key(case.due_at)}", "reminded", stage, case.due_at))
    flow = case.workflow
    if (case.state in CaseState.OPEN and flow is not None and flow.handed_at and not flow.signed_at
            and not flow.returned_at and flow.sign_due_at and flow.sign_due_at < now):
        found.append(Action(f"unsigned:{_key(flow.sign_due_at)}", "escalated", "sign", flow.sign_due_at))
    for item in db.session.execute(select(Supervision).where(Supervision.case_id == case.id,
                                                             Supervision.responded_at.is_(None),
                                                             Supervision.due_date < now.date())).scalars():
        found.append(Action(f"supervision:{item.id}", "escalated", "supervision", item.due_date))
    return found


def supervise_case(case: Case, now: datetime) -> list[Message]:
    """Send what is due and not yet sent: a ReminderSent row, an event on the case and the
    SMS for each. Returns the SMS queued (the caller commits, then dispatches)."""
    sent = set(db.session.execute(select(ReminderSent.key).where(ReminderSent.case_id == case.id)).scalars())
    outbound: list[Message] = []
    for action in actions_for(case, now):
        if action.key in sent:
            continue
        db.session.add(ReminderSent(case_id=case.id, key=action.key, at=now))
        phones = _recipients(case, action)
        messages = tell_staff(phones, _body(case, action))
        when = "due_at" if isinstance(action.deadline, datetime) else "due_date"  # shown in local time
        record_event(case, action.kind, "system", after={"stage": _stage_name(action.stage),
                                                         when: _show(action.deadline), "sms": len(messages)})
        outbound += messages
    return outbound


def _recipients(case: Case, action: Action) -> list[str]:
    """Before a deadline: the handlers of the unit holding the case (the bureau while no unit
    does, or when the unit has no phones configured: a reminder never goes to nobody). After
    it: the unit's head and the bureau."""
    bureau = list(current_app.config["BUREAU_PHONES"])
    if action.kind == "reminded":
        held = case.workflow is not None and case.workflow.handed_at and not case.workflow.returned_at
        return (unit_phones(case) if held else []) or bureau
    return unit_phones(case, "UNIT_HEAD_PHONES") + bureau


def _body(case: Case, action: Action) -> str:
    replies = staff_replies()
    deadline = _short(action.deadline)
    if action.stage == "sign":
        return replies.render("staff_unsigned", number=case.number, unit=unit_name(case), deadline=deadline)
    if action.stage == "supervision":
        return replies.render("staff_supervise_late", number=case.number, unit=unit_name(case), deadline=deadline)
    key = "staff_remind" if action.kind == "reminded" else "staff_escalate"
    return replies.render(key, number=case.number, stage=_stage_name(action.stage), deadline=deadline,
                          unit=unit_name(case) or "未定")


def _stage_name(stage: str) -> str:
    return staff_replies().table["stages"].get(stage, stage)


def _short(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        return staff_replies().date(moment, current_app.config["TIMEZONE"])
    return staff_replies().table["date"].format(year=moment.year, month=moment.month, day=moment.day)


def _show(moment: datetime | date) -> str:
    return moment.isoformat(timespec="seconds") if isinstance(moment, datetime) else moment.isoformat()


def _key(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")
