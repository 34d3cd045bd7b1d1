"""Notices the law requires when a case changes state (受理告知, 不予受理告知, 延期告知,
答复), rendered from config/templates.yaml and queued as outbound messages."""
from __future__ import annotations

from flask import current_app

from cases.outbox import queue_message
from cases.replies import Replies, ucs2_units
from models import Case, CaseState, Message

MAX_UNITS = 3 * 67  # never more than three concatenated UCS-2 segments
ANSWER_KEYS = ("notice_answered", "notice_review_answered", "notice_reexamine_answered")  # by review round
_END_PUNCT = "。.！!；;，,、 \n\t"


def clause(text: str | None) -> str:
    """Staff text placed before the template's own punctuation: no '。。'."""
    return (text or "").strip().rstrip(_END_PUNCT)


def notice_for(case: Case, state: str, *, reason: str | None, answer: str | None,
               route: str | None) -> list[Message]:
    """The notice the law requires for this state, to every address the citizen has: the
    case's own channel, and by SMS the phone a web chat citizen verified."""
    if case.contact is None or state not in (CaseState.ACCEPTED, CaseState.NOT_ACCEPTED, CaseState.EXTENDED,
                                             CaseState.ANSWERED):
        return []
    reason, answer = clause(reason), clause(answer)
    return [queue_message(address, channel, _notice_body(case, state, replies, reason, answer, route),
                          f"notice_{state}", contact=case.contact, case=case, unsolicited=True)
            for address, channel, replies in citizen_addresses(case)]


def citizen_addresses(case: Case) -> list[tuple[str, str, Replies]]:
    """Where the citizen hears from us: the case's channel, and a web citizen's verified phone."""
    templates, contact = current_app.extensions["templates"], case.contact
    # the contact's channel, not the case's: a letter or visit registered by staff is
    # answered by SMS to the phone the petitioner gave
    out = [(contact.address, contact.channel, Replies(templates, contact.language, contact.channel))]
    if contact.channel == "web" and contact.phone:
        out.append((contact.phone, "sms", Replies(templates, contact.language, "sms")))
    return out


def _notice_body(case: Case, state: str, replies: Replies, reason: str, answer: str, route: str | None) -> str:
    taxonomy = current_app.extensions["taxonomy"]
    tz = current_app.config["TIMEZONE"]
    if state == CaseState.ACCEPTED:
        return replies.render("notice_accepted", number=case.number, deadline=replies.date(case.due_at, tz),
                              unit=taxonomy.department_name(case.department, case.township))
    if state == CaseState.NOT_ACCEPTED:
        routes = replies.table["routes"]
        return replies.render("notice_not_accepted", number=case.number,
                              route=routes.get(route, routes["other"]).format(reason=reason))
    if state == CaseState.EXTENDED:
        return replies.render("notice_extended", number=case.number, deadline=replies.date(case.due_at, tz),
                              reason=reason)
    return _fit(replies, ANSWER_KEYS[min(case.review_round, 2)], answer, number=case.number)


def _fit(replies: Replies, key: str, answer: str, **values: str) -> str:
    """The answer shortened (with …) so the whole notice fits three segments."""
    body = replies.render(key, answer=answer, **values)
    while ucs2_units(body) > MAX_UNITS and answer:
        answer = answer[: max(0, len(answer) - max(1, ucs2_units(body) - MAX_UNITS) - 1)]
        body = replies.render(key, answer=answer + "…", **values)
    return body


def message_to_citizen(case: Case, text: str, kind: str) -> list[Message]:
    """A staff message, to every address the citizen has (see notice_for)."""
    if case.contact is None:
        return []
    return [queue_message(address, channel, replies.table["signature"] + text, kind, contact=case.contact,
                          case=case, unsolicited=True) for address, channel, replies in citizen_addresses(case)]
