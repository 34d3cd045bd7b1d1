"""The sender's side of the outbox (cases.outbox): find queued messages that are due and
hand them to the send job again."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from cases.jobs import jobs
from models import Message, MessageState, utcnow
from models.db import db


def retry_due(now: datetime | None = None, limit: int = 500) -> int:
    """Hand every queued message that is due to the send job: retries after temporary
    errors, and messages whose first hand-off was lost (a crash between commit and
    enqueue). Without Redis, run it every minute (`flask outbound retry`)."""
    now = now or utcnow()
    _release_lost_claims(now)
    due = or_(Message.next_attempt_at <= now,
              and_(Message.next_attempt_at.is_(None), Message.created_at <= now - timedelta(minutes=1)))
    ids = db.session.execute(select(Message.id).where(Message.direction == "out", Message.state == MessageState.QUEUED,
                                                      due).order_by(Message.id).limit(limit)).scalars().all()
    for message_id in ids:
        jobs().send_message(message_id)
    return len(ids)


def _release_lost_claims(now: datetime) -> None:
    """A worker that died between claim and answer leaves its message "sending" past the
    lease: put it back in the queue (at-least-once, like an ambiguous network timeout)."""
    db.session.execute(update(Message).where(Message.state == MessageState.SENDING, Message.next_attempt_at <= now)
                       .values(state=MessageState.QUEUED, status_rank=0, next_attempt_at=None,
                               error="send interrupted; retried"))
    db.session.commit()
