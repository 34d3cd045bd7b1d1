"""A registered village information officer's message: a dispute report (矛盾纠纷排查) or a
零报告, never a petition. The officer gets a short reply of their own; a report that tells
of a danger still pages the on-duty officer, as any message would (product.md's first rule).

Keywords other than help (查询, 退订, 谢谢, …) keep their ordinary meaning."""
from __future__ import annotations

from cases import informants
from cases.classification import classify, is_urgent, raise_alarm, safety_text
from cases.jobs import queued
from conversation.turn import Outcome, Turn
from models import Informant, InformantReport
from nlp.informant import is_zero_report
from nlp.intent import Kind

REPORT_KINDS = (Kind.PETITION, Kind.SUPPLEMENT)


def handles(turn: Turn, informant: Informant | None) -> bool:
    """Whether this turn is the officer's (a report, a 零报告, or help) rather than a citizen's."""
    if informant is None:
        return False
    return turn.intent.kind in REPORT_KINDS + (Kind.HELP,) or is_zero_report(turn.message.body or "")


def respond(turn: Turn, informant: Informant) -> Outcome:
    if is_zero_report(turn.message.body or ""):
        report = informants.file_report(informant, turn.message, zero=True)
        return Outcome(turn.say("informant_zero", month=_month_name(report.month)), "informant_zero",
                       danger_checked=True)
    if turn.intent.kind == Kind.HELP:
        return Outcome(turn.say("informant_help"), Kind.HELP)
    ongoing = informants.ongoing_report(informant)
    if ongoing is not None:
        informants.append(ongoing, turn.message)
        outcome = Outcome(turn.say_if("continued", number=ongoing.number), "informant_report")
        return _danger(turn, ongoing, outcome)
    report = informants.file_report(informant, turn.message, zero=False)
    return _danger(turn, report, Outcome(turn.say("informant_ack", number=report.number), "informant_report"))


def _danger(turn: Turn, report: InformantReport, outcome: Outcome) -> Outcome:
    """Inline: judge the turn now, and an urgent one becomes an urgent case that pages the
    on-duty officer. Queued: the worker's danger check does the same (cases.classification)."""
    outcome.danger_checked = True
    if queued():
        outcome.check_message_ids.append(turn.message.id)
        return outcome
    if not is_urgent(turn.message.body):
        return outcome
    case = informants.escalate(report, turn.message)
    outcome.outbound += classify(case)
    if not any(m.kind.startswith("page") for m in outcome.outbound):
        outcome.outbound += raise_alarm(case, turn.message)
    paged = any(m.kind.startswith("page") for m in outcome.outbound)
    outcome.replies = [safety_text(turn.replies, case, paged=paged)] + outcome.replies
    outcome.urgent = True
    return outcome


def _month_name(month: str) -> str:
    return f"{int(month[5:])}月"
