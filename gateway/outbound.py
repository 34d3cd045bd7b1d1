"""The sender's side of the outbox (cases.outbox): find queued messages that are due and
hand them to the send job again."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from cases.jobs import jobs
from cases.outbox import URGENT_KINDS
from models import Message, MessageState, utcnow
from models.db import db

LOST_HANDOFF = timedelta(minutes=1)  # queued, never scheduled, and still here: its job was lost


def retry_due(now: datetime | None = None, limit: int = 500) -> int:
    """Hand every queued message that is due to the send job: retries after temporary
    errors, and messages whose first hand-off was lost (a crash between commit and
    enqueue). Without Redis, run it every minute (`flask outbound retry`)."""
    now = now or utcnow()
    release_lost_claims(now)
    due_messages = due(now, limit=limit)
    for message_id, kind in due_messages:
        jobs().send_message(message_id, urgent=kind in URGENT_KINDS)
    return len(due_messages)


def due(now: datetime, grace: timedelta = timedelta(0), limit: int = 500) -> list[tuple[int, str | None]]:
    """(id, kind) of queued outbound messages due for `grace` already, oldest first."""
    cutoff = now - grace
    condition = or_(Message.next_attempt_at <= cutoff,
                    and_(Message.next_attempt_at.is_(None), Message.created_at <= now - max(grace, LOST_HANDOFF)))
    rows = db.session.execute(select(Message.id, Message.kind).where(
        Message.direction == "out", Message.state == MessageState.QUEUED, condition)
        .order_by(Message.id).limit(limit)).all()
    return [(row.id, row.kind) for row in rows]


def release_lost_claims(now: datetime) -> int:
    """A worker that died between claim and answer leaves its message "sending" past the
    lease: put it back in the queue (at-least-once, like an ambiguous network timeout)."""
    result = db.session.execute(
        update(Message).where(Message.state == MessageState.SENDING, Message.next_attempt_at <= now)
        .values(state=MessageState.QUEUED, status_rank=0, next_attempt_at=None, error="send interrupted; retried"))
    db.session.commit()
    return result.rowcount
