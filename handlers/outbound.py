"""The send job: one outbound message, through the provider or into the outbox.

Exactly once: the job claims the message (queued -> sending) in one guarded UPDATE and
commits before calling the provider, so a second job for the same id does nothing. A
temporary error puts it back in the queue with a later next_attempt_at (rq schedules the
retry; without Redis `flask outbound retry` does); a permanent one ends it as failed."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from models.db import db
from gateway import metrics, ratelimit
from gateway.sending import PermanentError, Sent, TemporaryError, sender_for
from gateway.status import RANK, advance
from handlers.queue import job
from models import Contact, Message, MessageState, utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a claim older than this, still "sending", lost its worker
# Free text is allowed only this long after the citizen's last message (provider rules).
WINDOWS = {"whatsapp": timedelta(hours=24), "wechat": timedelta(hours=48)}


@job
def send_message(message_id: int) -> None:
    message = db.session.get(Message, message_id)
    if message is None or message.state != MessageState.QUEUED:
        return  # already sent, suppressed or gone: sending twice is worse than not at all
    if message.next_attempt_at and message.next_attempt_at > utcnow():
        return  # an early duplicate of a scheduled retry
    sender = sender_for(message.channel, current_app.config)
    if sender is None:
        _finish(message, MessageState.OUTBOX, "outbox")  # embedded default: recorded, not sent
        return
    if _outside_window(message):
        _fail(message.id, f"outside the {message.channel} reply window", message.channel)
        return
    wait = ratelimit.reserve(message.channel, message.segments)
    if wait:
        _later(message.id, wait, "rate limited", message.channel)
        return
    if _claim(message_id):
        _attempt(db.session.get(Message, message_id), sender)


def _attempt(message: Message, sender) -> None:
    channel, message_id, attempts = message.channel, message.id, message.attempts
    try:
        sent = sender.send(message, current_app.config)
    except TemporaryError as exc:
        db.session.rollback()
        _retry_or_fail(message_id, attempts, str(exc), channel)
    except PermanentError as exc:
        db.session.rollback()
        _fail(message_id, str(exc), channel, opt_out=exc.opt_out)
    else:
        _sent(message_id, sent, channel)


def _claim(message_id: int) -> bool:
    """queued -> sending, once: the winner of a race is the only one to call the provider."""
    result = db.session.execute(
        update(Message).where(Message.id == message_id, Message.state == MessageState.QUEUED)
        .values(state=MessageState.SENDING, status_rank=RANK[MessageState.SENDING],
                attempts=Message.attempts + 1, next_attempt_at=utcnow() + LEASE))
    db.session.commit()
    return result.rowcount == 1


def _sent(message_id: int, sent: Sent, channel: str) -> None:
    if sent.provider_id:
        db.session.execute(update(Message).where(Message.id == message_id, Message.provider_id.is_(None))
                           .values(provider_id=sent.provider_id))
    advance(message_id, MessageState.SENT, error=None)  # a fast status callback may have said more
    db.session.commit()
    metrics.count("gateway_outbound_total", channel, "sent")


def _retry_or_fail(message_id: int, attempts: int, error: str, channel: str) -> None:
    delays = current_app.config["OUTBOUND_RETRY_DELAYS"]
    if attempts > len(delays):
        _fail(message_id, f"{error} (gave up after {attempts} attempts)", channel)
        return
    log.warning("outbound message %s: %s; retry %s in %ss", message_id, error, attempts, delays[attempts - 1])
    _later(message_id, delays[attempts - 1], error, channel, MessageState.SENDING)


def _later(message_id: int, seconds: float, error: str, channel: str,
           from_state: str = MessageState.QUEUED) -> None:
    """Back to the queue, due in `seconds` (our own claim is the only one undone here)."""
    db.session.execute(
        update(Message).where(Message.id == message_id, Message.state == from_state)
        .values(state=MessageState.QUEUED, status_rank=RANK[MessageState.QUEUED], error=error[:255],
                next_attempt_at=utcnow() + timedelta(seconds=seconds)))
    db.session.commit()
    metrics.count("gateway_outbound_total", channel, "deferred")
    _schedule(message_id, seconds)


def _schedule(message_id: int, seconds: float) -> None:
    """rq runs it when due (the worker runs with its scheduler); without Redis, the
    `flask outbound retry` sweep (cron, every minute) does."""
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        queue.enqueue_in(timedelta(seconds=seconds), send_message, message_id)


def _fail(message_id: int, error: str, channel: str, opt_out: bool = False) -> None:
    advance(message_id, MessageState.FAILED, error=error[:255])
    if opt_out:
        contact_id = db.session.get(Message, message_id).contact_id
        db.session.execute(update(Contact).where(Contact.id == contact_id).values(opted_out=True))
    db.session.commit()
    log.warning("outbound message %s failed: %s", message_id, error)
    metrics.count("gateway_outbound_total", channel, "failed")


def _finish(message: Message, state: str, outcome: str) -> None:
    message.state = state
    db.session.commit()
    metrics.count("gateway_outbound_total", message.channel, outcome)


def _outside_window(message: Message) -> bool:
    window = WINDOWS.get(message.channel)
    contact = message.contact
    if window is None or contact is None:
        return False
    return contact.last_inbound_at is None or utcnow() - contact.last_inbound_at > window
