"""The sweeper: the database says what is left to do, and this hands it to the jobs again.

Redis is only the delivery: a job lost with a killed Redis, a worker killed mid-job, an
enqueue that failed inside a request, a retry whose schedule vanished all leave their row
pending in the database. Every SWEEP_INTERVAL_SECONDS (rq's scheduler runs `sweep_job` in
the worker; `flask --app wsgi sweep` from cron does the same without Redis) anything
pending longer than SWEEP_GRACE_SECONDS is handed over again. Re-running is harmless: the
jobs are idempotent (a classified case is not classified again, a sent message not sent
again), and a re-queued item is not re-queued again within the grace period."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select, update

from cases.jobs import jobs
from cases.outbox import URGENT_KINDS, dispatch, queue_message
from cases.replies import Replies
from gateway import spool
from gateway.backlog import backlog
from gateway.inbound import reprocess
from gateway.outbound import due, release_lost_claims
from handlers.queue import job
from models import Case, Message, MessageState, utcnow
from models.db import db
from models.heartbeat import beat, last

log = logging.getLogger(__name__)
SCHEDULED = "gateway:sweep:scheduled"  # set while a sweep job waits in rq's scheduler
LIMIT = 500                            # per kind and round: a huge backlog drains over rounds


@dataclass
class SweepReport:
    spooled: int = 0    # loaded from the spool into the database
    inbound: int = 0    # received messages processed
    cases: int = 0      # cases handed to the classifier again
    outbound: int = 0   # queued messages handed to the send job again
    released: int = 0   # "sending" claims whose worker died, put back in the queue
    alerted: bool = False

    def __str__(self) -> str:
        return (f"spooled {self.spooled}, inbound {self.inbound}, cases {self.cases}, "
                f"outbound {self.outbound}, released {self.released}, alert {'sent' if self.alerted else 'no'}")


def sweep(now: datetime | None = None) -> SweepReport:
    """One round. Raises when the database is unreachable (the next round tries again)."""
    now = now or utcnow()
    grace = timedelta(seconds=current_app.config["SWEEP_GRACE_SECONDS"])
    report = SweepReport(spooled=spool.load(LIMIT))
    report.inbound = _received(now - grace)
    report.cases = _cases(now - grace, grace)
    report.released = release_lost_claims(now)
    report.outbound = _outbound(now, grace)
    report.alerted = _alert(now)
    beat("sweep", now)
    db.session.commit()
    return report


def _received(cutoff: datetime) -> int:
    """Inbound messages stored but never processed (from the spool, or a crash)."""
    ids = db.session.execute(select(Message.id).where(
        Message.direction == "in", Message.state == MessageState.RECEIVED, Message.created_at <= cutoff)
        .order_by(Message.id).limit(LIMIT)).scalars().all()
    for message_id in ids:
        try:
            reprocess(message_id)
        except Exception:  # a message that cannot be processed must not block the others
            db.session.rollback()
            log.exception("inbound message %s: processing failed; marked failed", message_id)
            db.session.execute(update(Message).where(Message.id == message_id, Message.state == MessageState.RECEIVED)
                               .values(state=MessageState.FAILED))
            db.session.commit()
    return len(ids)


def _cases(cutoff: datetime, grace: timedelta) -> int:
    ids = db.session.execute(select(Case.id).where(Case.classify_pending_since <= cutoff)
                             .order_by(Case.classify_pending_since).limit(LIMIT)).scalars().all()
    db.session.commit()
    handed = [case_id for case_id in ids if _once(f"classify:{case_id}", grace)]
    for case_id in handed:
        jobs().classify_case(case_id)
    return len(handed)


def _outbound(now: datetime, grace: timedelta) -> int:
    rows = [(i, kind) for i, kind in due(now, grace, LIMIT) if _once(f"send:{i}", grace)]
    db.session.commit()
    for message_id, kind in rows:
        jobs().send_message(message_id, urgent=kind in URGENT_KINDS)
    return len(rows)


def _once(item: str, grace: timedelta) -> bool:
    """True unless this item was handed over within the grace period (a long queue is
    not a lost job: no pile of duplicates behind it). Without Redis: always True."""
    queue = current_app.extensions.get("rq_queue")
    if queue is None:
        return True
    try:
        return bool(queue.connection.set(f"gateway:sweep:{item}", 1, nx=True,
                                         ex=max(1, int(grace.total_seconds()))))
    except RedisError:
        return True  # the hand-off falls back (inline or next round) by itself


def _alert(now: datetime) -> bool:
    """Page the on-duty officers when something has waited longer than the threshold,
    at most once per ALERT_REPEAT_MINUTES."""
    config = current_app.config
    oldest = backlog(now).oldest_pending
    if oldest < config["ALERT_PENDING_SECONDS"] or not config["ONDUTY_PHONES"]:
        return False
    previous = last("alert")
    if previous is not None and now - previous < timedelta(minutes=config["ALERT_REPEAT_MINUTES"]):
        return False
    body = Replies(current_app.extensions["templates"]).render("alert", minutes=int(oldest // 60))
    messages = [queue_message(phone, "sms", body, "alert") for phone in config["ONDUTY_PHONES"]]
    beat("alert", now)
    db.session.commit()
    log.warning("backlog alert: oldest pending work waited %ds", oldest)
    dispatch(messages)
    return True


@job
def sweep_job() -> None:
    """The sweep on rq's scheduler: one round, then the next one scheduled."""
    queue = current_app.extensions["rq_urgent"]
    queue.connection.delete(SCHEDULED)
    try:
        log.info("sweep: %s", sweep())
    finally:
        schedule_sweep()


def schedule_sweep() -> bool:
    """Schedule the next sweep unless one is scheduled (the worker calls this at start and
    at every maintenance round, so a sweep lost with Redis comes back by itself)."""
    queue = current_app.extensions.get("rq_urgent")
    if queue is None:
        return False
    interval = current_app.config["SWEEP_INTERVAL_SECONDS"]
    if not queue.connection.set(SCHEDULED, 1, nx=True, ex=3 * interval + 30):
        return False
    try:
        queue.enqueue_in(timedelta(seconds=interval), sweep_job)
    except RedisError:
        queue.connection.delete(SCHEDULED)
        raise
    return True
