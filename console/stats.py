"""Numbers for the dashboard, over the cases the user may see."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from cases.clocks import DECIDE_DAYS
from console.access import scope
from console.queries import queue_condition
from models.db import db
from models import Case, CaseState

SATISFIED = ("satisfied", "basically")


@dataclass
class Dashboard:
    days: list[date]
    per_day: dict[str, list[int]]      # channel -> count per day
    by_issue: list[tuple[str, int]]
    by_township: list[tuple[str, int]]
    total: int
    overdue: int
    on_time: tuple[int, int]           # decided within 15 days, decisions due
    satisfaction: tuple[int, int]      # satisfied or basically, rated


def _local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz).date()


def dashboard(user, now: datetime, tz_name: str, days: int = 30) -> Dashboard:
    tz = ZoneInfo(tz_name)
    today = _local_day(now, tz)
    day_list = [today - timedelta(days=i) for i in range(days - 1, -1, -1)]
    since = now - timedelta(days=days)
    rows = db.session.execute(
        select(Case.received_at, Case.channel, Case.issue_type, Case.township, Case.state, Case.accepted_at,
               Case.closed_at, Case.rating).where(scope(user), Case.received_at >= since)).all()
    per_day: dict[str, list[int]] = {}
    index = {day: i for i, day in enumerate(day_list)}
    for row in rows:
        i = index.get(_local_day(row.received_at, tz))
        if i is not None:
            per_day.setdefault(row.channel, [0] * days)[i] += 1
    overdue = db.session.execute(select(func.count()).select_from(Case)
                                 .where(scope(user), queue_condition("overdue", now))).scalar_one()
    return Dashboard(day_list, per_day, Counter(r.issue_type or "" for r in rows).most_common(),
                     Counter(r.township or "" for r in rows).most_common(), len(rows), overdue,
                     _on_time(rows, now), _satisfaction(rows))


def _on_time(rows, now: datetime) -> tuple[int, int]:
    """Art. 22-23: the acceptance decision within 15 days of receipt."""
    limit = timedelta(days=DECIDE_DAYS)
    on_time = due = 0
    for row in rows:
        decided = row.accepted_at or (row.closed_at if row.state == CaseState.NOT_ACCEPTED else None)
        if row.state == CaseState.MERGED or (decided is None and now - row.received_at < limit):
            continue  # merged away, or still within its 15 days
        due += 1
        on_time += decided is not None and decided - row.received_at <= limit
    return on_time, due


def _satisfaction(rows) -> tuple[int, int]:
    rated = [r.rating for r in rows if r.rating]
    return sum(r in SATISFIED for r in rated), len(rated)
