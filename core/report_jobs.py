"""Periodic reports on schedule: every local day at REPORTS_HOUR the daily report of
yesterday, on Mondays also last week's, on the 1st also last month's, archived where the
console lists them. On rq's scheduler when Redis is present (the worker schedules the first
run, each run the next; the job id names the day, so two workers never build a day twice);
without Redis, `flask --app wsgi reports due` from cron does the same (docs/reports.md).

In core: it names codes through the console's names (channels, states), and only the
composition root may import both the console and the handlers' job runner."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from flask import current_app
from rq import Queue

from cases.report_store import archive
from cases.reports import build
from console.report_archive import names_for, report_folder
from handlers.queue import job
from handlers.supervision import next_run_at
from models import utcnow

log = logging.getLogger(__name__)
REPORTS_HOUR = 1  # local time: after midnight, before anyone reads yesterday's report


def local_today(now: datetime, tz: str) -> date:
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(tz)).date()


def due_kinds(today: date) -> list[str]:
    """The reports whose period ended yesterday."""
    return ["daily"] + (["weekly"] if today.weekday() == 0 else []) + (["monthly"] if today.day == 1 else [])


def build_due(now: datetime | None = None, step: Callable[[str], None] | None = None) -> list[Path]:
    """Build and archive every report whose period ended yesterday (local); the paths written."""
    app = current_app
    now = now or utcnow()
    tz = app.config["TIMEZONE"]
    today = local_today(now, tz)
    paths: list[Path] = []
    for kind in due_kinds(today):
        report = build(kind, today - timedelta(days=1), tz, now)
        paths += archive(report, names_for(app), app.extensions["taxonomy"].county, report_folder(app))
        if step is not None:
            step(kind)
    return paths


@job
def run_reports() -> None:
    """The scheduled job: the reports due today, then tomorrow's run on the queue."""
    try:
        log.info("reports built: %s", [p.name for p in build_due()])
    finally:
        queue = current_app.extensions.get("rq_queue")
        if queue is not None:
            schedule_reports(queue)


def schedule_reports(queue: Queue, now: datetime | None = None) -> str:
    """Schedule the next run at REPORTS_HOUR local; idempotent per day (the job id)."""
    tz = current_app.config["TIMEZONE"]
    at = next_run_at(now or utcnow(), REPORTS_HOUR, tz)
    job_id = f"reports-{at.astimezone(ZoneInfo(tz)).date().isoformat()}"
    queue.enqueue_at(at, run_reports, job_id=job_id)
    return job_id
