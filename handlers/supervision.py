"""The daily supervision run: `flask supervise run` from cron, or the worker's scheduler
(rq's enqueue_at, one job per local day, each run scheduling the next)."""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from rq import Queue
from sqlalchemy.exc import IntegrityError

from cases.documents import render_pending
from cases.outbox import dispatch
from cases.supervision import case_ids_to_check, supervise_case
from handlers.informants import remind_if_due
from handlers.queue import job
from models import Case, utcnow
from models.db import db

log = logging.getLogger(__name__)


def supervise_all(now: datetime | None = None) -> dict[str, int]:
    """One pass over every case with something due; commits case by case, so one failure
    (or a concurrent run that got there first) costs only that case."""
    now = now or utcnow()
    counts = {"cases": 0, "messages": 0}
    for case_id in case_ids_to_check(now):
        case = db.session.get(Case, case_id)
        outbound = supervise_case(case, now)
        try:
            db.session.commit()
        except IntegrityError:  # another run recorded the same reminder first: it sent it
            db.session.rollback()
            continue
        dispatch(outbound)
        counts["cases"] += 1
        counts["messages"] += len(outbound)
    counts["documents"] = render_pending()  # the written documents whose PDF failed at the state change
    db.session.commit()
    return counts


@job
def run_daily() -> None:
    """The scheduled job: today's pass (and the information officers' monthly reminder,
    once its day has come), then tomorrow's run on the queue."""
    counts = supervise_all()
    log.info("supervision run: %s", counts)
    remind_if_due()
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        schedule_next(queue)


def next_run_at(now: datetime, hour: int, tz: str) -> datetime:
    """The next SUPERVISE_HOUR o'clock, local time, as an aware UTC datetime."""
    local_now = now.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz))
    run = datetime.combine(local_now.date(), time(hour), tzinfo=ZoneInfo(tz))
    if run <= local_now:
        run = datetime.combine(local_now.date() + timedelta(days=1), time(hour), tzinfo=ZoneInfo(tz))
    return run.astimezone(timezone.utc)


def schedule_next(queue: Queue, now: datetime | None = None) -> str:
    """Schedule the next daily run. The job id names the local day, so workers starting or
    runs rescheduling themselves never put two runs on one day."""
    config = current_app.config
    at = next_run_at(now or utcnow(), config["SUPERVISE_HOUR"], config["TIMEZONE"])
    job_id = f"supervise-{at.astimezone(ZoneInfo(config['TIMEZONE'])).date().isoformat()}"
    queue.enqueue_at(at, run_daily, job_id=job_id)
    return job_id
