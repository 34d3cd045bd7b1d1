"""The send job: one outbound message, through the provider or into the outbox.

Exactly once: the job claims the message (queued -> sending) in one guarded UPDATE and
commits before calling the provider, so a second job for the same id does nothing. A
temporary error puts it back in the queue with a later next_attempt_at (rq schedules the
retry; without Redis, or when Redis lost it, the sweeper does); a permanent one ends it as
failed. A retry that wakes before its next_attempt_at goes back to sleep for the rest."""
from __future__ import annotations

import logging
import math
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import update

from cases.outbox import STAFF_KINDS, URGENT_KINDS
from models.db import db
from gateway import metrics, ratelimit
from gateway.sending import PermanentError, Sent, TemporaryError, sender_for
from gateway.status import RANK, advance
from handlers.queue import job
from models import Contact, Message, MessageState, utcnow

log = logging.getLogger(__name__)

# A claim older than this, still "sending", lost its worker (a send takes at most
# SEND_TIMEOUT, a few seconds); the sweeper puts it back in the queue.
LEASE = timedelta(minutes=2)
# Free text is allowed only this long after the citizen's last message (provider rules).
WINDOWS = {"whatsapp": timedelta(hours=24), "wechat": timedelta(hours=48)}


@job
def send_message(message_id: int) -> None:
    message = db.session.get(Message, message_id)
    if message is None or message.state != MessageState.QUEUED:
        return  # already sent, suppressed or gone: sending twice is worse than not at all
    early = _seconds_early(message)
    if early:
        # rq keeps scheduled times in whole seconds, so a retry can wake a moment before
        # it is due: put it back to sleep for the rest instead of dropping it.
        _schedule(message.id, early, message.kind)
        return
    sender = sender_for(message.channel, current_app.config)
    if sender is None:
        _finish(message, MessageState.OUTBOX, "outbox")  # embedded default: recorded, not sent
        return
    if _outside_window(message):
        _fail(message.id, f"outside the {message.channel} reply window", message.channel)
        return
    # Pages to the on-duty officer are never held back by the citizens' budget.
    wait = 0 if message.kind in STAFF_KINDS else ratelimit.reserve(message.channel, message.segments)
    if wait:
        _later(message.id, wait, "rate limited", message.channel, kind=message.kind)
        return
    if _claim(message_id):
        _attempt(db.session.get(Message, message_id), sender)


def _seconds_early(message: Message) -> float:
    if message.next_attempt_at is None:
        return 0.0
    return max(0.0, (message.next_attempt_at - utcnow()).total_seconds())


def _attempt(message: Message, sender) -> None:
    channel, message_id, attempts, kind = message.channel, message.id, message.attempts, message.kind
    try:
        sent = sender.send(message, current_app.config)
    except TemporaryError as exc:
        db.session.rollback()
        _retry_or_fail(message_id, attempts, str(exc), channel, kind)
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


def _retry_or_fail(message_id: int, attempts: int, error: str, channel: str, kind: str | None) -> None:
    delays = current_app.config["OUTBOUND_RETRY_DELAYS"]
    if attempts > len(delays):
        _fail(message_id, f"{error} (gave up after {attempts} attempts)", channel)
        return
    log.warning("outbound message %s: %s; retry %s in %ss", message_id, error, attempts, delays[attempts - 1])
    _later(message_id, delays[attempts - 1], error, channel, MessageState.SENDING, kind)


def _later(message_id: int, seconds: float, error: str, channel: str,
           from_state: str = MessageState.QUEUED, kind: str | None = None) -> None:
    """Back to the queue, due in `seconds` (our own claim is the only one undone here)."""
    db.session.execute(
        update(Message).where(Message.id == message_id, Message.state == from_state)
        .values(state=MessageState.QUEUED, status_rank=RANK[MessageState.QUEUED], error=error[:255],
                next_attempt_at=utcnow() + timedelta(seconds=seconds)))
    db.session.commit()
    metrics.count("gateway_outbound_total", channel, "deferred")
    _schedule(message_id, seconds, kind)


def _schedule(message_id: int, seconds: float, kind: str | None = None) -> None:
    """rq runs it when due (the worker runs with its scheduler); without Redis, or when Redis
    is down, the sweeper (handlers.sweeper) finds it by its next_attempt_at."""
    queue = current_app.extensions.get("rq_urgent" if kind in URGENT_KINDS else "rq_queue")
    if queue is None:
        return
    try:
        # Whole seconds, rounded up and one more: rq truncates the due time to the second.
        queue.enqueue_in(timedelta(seconds=math.ceil(seconds) + 1), send_message, message_id)
    except RedisError as exc:
        log.warning("outbound message %s: scheduling failed (%s); left to the sweeper", message_id,
                    type(exc).__name__)


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
