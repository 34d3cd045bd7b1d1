"""The information officers' monthly reminder as a job: run by the worker's daily
scheduled run (handlers.supervision.run_daily, at SUPERVISE_HOUR local time) or by
`flask informants remind` from cron. It sends only from INFORMANT_REMIND_DAY on, and
never twice a month to one officer (cases.informant_month.remind)."""
from __future__ import annotations

import logging
from datetime import datetime

from cases import informant_month
from cases.outbox import dispatch
from models import utcnow
from models.db import db

log = logging.getLogger(__name__)


def remind_if_due(now: datetime | None = None, month: str | None = None) -> int | None:
    """The number of reminders queued, or None when the day has not come (and no month
    was named). Commits, then hands the messages to the send job."""
    now = now or utcnow()
    if month is None and not informant_month.due(now):
        return None
    messages = informant_month.remind(month, now)
    db.session.commit()
    dispatch(messages)
    if messages:
        log.info("information officers reminded: %d", len(messages))
    return len(messages)
