"""What is left to do, read from the database (the record) and the queues (delivery):
the figures behind /metrics, the console dashboard, /readyz and the backlog alert."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import func, select

from gateway import spool
from models import Case, Message, MessageState, utcnow
from models.db import db
from models.heartbeat import last

PENDING_OUT = (MessageState.QUEUED, MessageState.SENDING)
FAILED_OUT = (MessageState.FAILED, MessageState.UNDELIVERED)


@dataclass
class Backlog:
    pending_inbound: int                  # received, not yet processed, plus cases awaiting the classifier
    oldest_pending_inbound: float | None  # seconds
    failed_inbound: int                   # processing raised: `flask messages retry-failed`
    pending_outbound: int                 # queued or sending
    overdue_outbound: float | None        # seconds the most overdue queued message is late
    failed_outbound: int
    queue_depth: dict[str, int] | None    # None without Redis, or when it is unreachable
    last_sweep: datetime | None
    spooled: int                          # waiting in the spool for the database

    @property
    def oldest_pending(self) -> float:
        """The age that the alert watches: inbound pending, or outbound overdue."""
        return max(self.oldest_pending_inbound or 0.0, self.overdue_outbound or 0.0)


def backlog(now: datetime | None = None) -> Backlog:
    now = now or utcnow()
    received = _inbound(MessageState.RECEIVED)
    cases = db.session.execute(select(func.count(), func.min(Case.classify_pending_since))
                               .where(Case.classify_pending_since.is_not(None))).one()
    outbound = db.session.execute(select(func.count()).where(
        Message.direction == "out", Message.state.in_(PENDING_OUT))).scalar_one()
    overdue = db.session.execute(select(func.min(func.coalesce(Message.next_attempt_at, Message.created_at))).where(
        Message.direction == "out", Message.state == MessageState.QUEUED)).scalar_one()
    failed_out = db.session.execute(select(func.count()).where(
        Message.direction == "out", Message.state.in_(FAILED_OUT))).scalar_one()
    oldest = min([t for t in (received[1], cases[1]) if t is not None], default=None)
    return Backlog(pending_inbound=received[0] + cases[0], oldest_pending_inbound=_age(now, oldest),
                   failed_inbound=_inbound(MessageState.FAILED)[0], pending_outbound=outbound,
                   overdue_outbound=_age(now, overdue), failed_outbound=failed_out,
                   queue_depth=queue_depth(), last_sweep=last("sweep"), spooled=spool.count())


def queue_depth() -> dict[str, int] | None:
    names = ("rq_urgent", "rq_queue")
    queues = [current_app.extensions[n] for n in names if n in current_app.extensions]
    if not queues:
        return None
    try:
        return {queue.name: queue.count for queue in queues}
    except RedisError:
        return None


def _inbound(state: str) -> tuple[int, datetime | None]:
    row = db.session.execute(select(func.count(), func.min(Message.created_at)).where(
        Message.direction == "in", Message.state == state)).one()
    return row[0], row[1]


def _age(now: datetime, since: datetime | None) -> float | None:
    return None if since is None else max(0.0, (now - since).total_seconds())
