"""Notices the law requires when a case changes state (受理告知, 不予受理告知, 延期告知,
答复), rendered from config/templates.yaml and queued as outbound messages."""
from __future__ import annotations

from flask import current_app

from cases.outbox import queue_message
from cases.replies import Replies, ucs2_units
from models import Case, CaseState, Message

MAX_UNITS = 3 * 67  # never more than three concatenated UCS-2 segments


def notice_for(case: Case, state: str, *, reason: str | None, answer: str | None,
               route: str | None) -> Message | None:
    if case.contact is None:
        return None
    replies = Replies(current_app.extensions["templates"], case.contact.language)
    taxonomy = current_app.extensions["taxonomy"]
    tz = current_app.config["TIMEZONE"]
    if state == CaseState.ACCEPTED:
        body = replies.render("notice_accepted", number=case.number, deadline=replies.date(case.due_at, tz),
                              unit=taxonomy.department_name(case.department, case.township))
    elif state == CaseState.NOT_ACCEPTED:
        routes = replies.table["routes"]
        body = replies.render("notice_not_accepted", number=case.number,
                              route=routes.get(route, routes["other"]).format(reason=reason or ""))
    elif state == CaseState.EXTENDED:
        body = replies.render("notice_extended", number=case.number, deadline=replies.date(case.due_at, tz),
                              reason=reason)
    elif state == CaseState.ANSWERED:
        body = _fit(replies, "notice_answered", answer or "", number=case.number)
    else:
        return None
    # The contact's channel, not the case's: a letter or visit registered by staff is
    # answered by SMS to the phone the petitioner gave.
    return queue_message(case.contact.address, case.contact.channel, body, f"notice_{state}", contact=case.contact,
                         case=case, unsolicited=True)


def _fit(replies: Replies, key: str, answer: str, **values: str) -> str:
    """The answer shortened (with …) so the whole notice fits three segments."""
    body = replies.render(key, answer=answer, **values)
    while ucs2_units(body) > MAX_UNITS and answer:
        answer = answer[: max(0, len(answer) - max(1, ucs2_units(body) - MAX_UNITS) - 1)]
        body = replies.render(key, answer=answer + "…", **values)
    return body


def message_to_citizen(case: Case, text: str, kind: str) -> Message | None:
    if case.contact is None:
        return None
    replies = Replies(current_app.extensions["templates"], case.contact.language)
    body = replies.table["signature"] + text
    return queue_message(case.contact.address, case.contact.channel, body, kind, contact=case.contact, case=case,
                         unsolicited=True)
