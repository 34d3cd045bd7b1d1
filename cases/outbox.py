"""Every message we send is first a row here: an outbound Message in the outbox, written in
the caller's transaction. After the commit, ``dispatch`` hands the queued rows to the send
job (gateway's senders read them); the domain never calls a provider itself."""
from __future__ import annotations

from flask import current_app

from cases.jobs import jobs
from cases.replies import Replies, segments
from models import Case, Contact, Message, MessageState
from models.db import db


def queue_message(address: str, channel: str, body: str, kind: str, *, contact: Contact | None = None,
                  case: Case | None = None, unsolicited: bool = False) -> Message:
    """Record one outbound message. Unsolicited messages to an opted-out contact are kept
    but never sent. The caller commits, then calls ``dispatch``."""
    suppressed = unsolicited and contact is not None and contact.opted_out
    message = Message(direction="out", channel=channel, address=address, body=body, kind=kind,
                      contact=contact, case_id=case.id if case else None, segments=segments(body),
                      state=MessageState.SUPPRESSED if suppressed else MessageState.QUEUED)
    db.session.add(message)
    return message


def page_on_duty(case: Case) -> list[Message]:
    """Urgent case: one SMS to each on-duty officer's phone, at once."""
    replies = Replies(current_app.extensions["templates"])
    taxonomy = current_app.extensions["taxonomy"]
    body = replies.render("page", number=case.number, township=taxonomy.township_name(case.township),
                          issue=taxonomy.issue_type_name(case.issue_type))
    return [queue_message(phone, "sms", body, "page", case=case)
            for phone in current_app.config["ONDUTY_PHONES"]]


def dispatch(messages: list[Message]) -> None:
    """After the commit that recorded them: hand queued messages to the send job."""
    for message in messages:
        if message.state == MessageState.QUEUED:
            jobs().send_message(message.id)
