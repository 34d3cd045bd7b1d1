"""Every message we send goes through here: recorded as an outbound Message, then sent by
the send job (handlers.outbound) through the provider, or kept in the outbox."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from conversation.replies import Replies, segments
from core.extensions import db
from models import Case, Contact, Message, MessageState, utcnow


def queue_message(address: str, channel: str, body: str, kind: str, *, contact: Contact | None = None,
                  case: Case | None = None, unsolicited: bool = False) -> Message:
    """Record one outbound message. Unsolicited messages to an opted-out contact are kept
    but never sent. The caller commits, then enqueues handlers.outbound.send_message."""
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
    from handlers.outbound import send_message
    from handlers.queue import enqueue

    for message in messages:
        if message.state == MessageState.QUEUED:
            enqueue(send_message, message.id)


def retry_due(now: datetime | None = None, limit: int = 500) -> int:
    """Hand every queued message that is due to the send job: retries after temporary
    errors, and messages whose first hand-off was lost (a crash between commit and
    enqueue). Without Redis, run it every minute (`flask outbound retry`)."""
    from handlers.outbound import send_message
    from handlers.queue import enqueue

    now = now or utcnow()
    _release_lost_claims(now)
    due = or_(Message.next_attempt_at <= now,
              and_(Message.next_attempt_at.is_(None), Message.created_at <= now - timedelta(minutes=1)))
    ids = db.session.execute(select(Message.id).where(Message.direction == "out", Message.state == MessageState.QUEUED,
                                                      due).order_by(Message.id).limit(limit)).scalars().all()
    for message_id in ids:
        enqueue(send_message, message_id)
    return len(ids)


def _release_lost_claims(now: datetime) -> None:
    """A worker that died between claim and answer leaves its message "sending" past the
    lease: put it back in the queue (at-least-once, like an ambiguous network timeout)."""
    db.session.execute(update(Message).where(Message.state == MessageState.SENDING, Message.next_attempt_at <= now)
                       .values(state=MessageState.QUEUED, status_rank=0, next_attempt_at=None,
                               error="send interrupted; retried"))
    db.session.commit()
