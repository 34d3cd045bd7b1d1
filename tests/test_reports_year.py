"""Reports on a year: 10,000 cases received over 2025 (bulk-inserted, fixed seed) with
repeats and group petitions; every monthly report of the year, and a few weekly and daily
ones, match counts computed here from the inserted rows (test_reports._expected, the
definitions of docs/reports.md)."""
from __future__ import annotations

import os
import random
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert

from cases.reports import build
from models import Case, CaseGroup, CaseState
from models.db import db
from tests.test_reports import (CHANNELS, ISSUES, LOCAL, NOW, RATINGS, STATES, TOWNS, TZ, UNITS, UTC, _expected,
                                _local_month)

CASES = 10_000
GROUPS = 60


def _year(seed: int = 2025) -> list[dict]:
    """Rows as _expected reads them; ids given here, so links are set in the same insert."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=LOCAL)
    groups = []
    for g in range(1, GROUPS + 1):
        created = (start + timedelta(days=rng.uniform(0, 364))).astimezone(UTC).replace(tzinfo=None)
        groups.append({"id": g, "kind": rng.choice(["burst", "joint"]), "township": rng.choice(TOWNS[:-1]),
                       "issue_type": rng.choice(ISSUES[:-1]), "petitioners": rng.randint(5, 20),
                       "declared": rng.choice([None, None, 30, 50]), "created_at": created})
    rows = []
    for i in range(CASES):
        received = (start + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))).astimezone(UTC).replace(tzinfo=None)
        state = rng.choice(STATES)
        row = {"id": i + 1, "number": f"YR{i:08d}", "state": state, "channel": rng.choice(CHANNELS),
               "issue_type": rng.choice(ISSUES), "township": rng.choice(TOWNS), "department": rng.choice(UNITS),
               "urgent": rng.random() < 0.03, "received_at": received, "accepted_at": None, "answered_at": None,
               "closed_at": None, "extended": False, "rating": None, "repeat_of": None, "group": None}
        if state == CaseState.NOT_ACCEPTED:
            row["closed_at"] = received + timedelta(days=rng.uniform(1, 25))
        elif state != CaseState.REGISTERED:
            row["accepted_at"] = received + timedelta(days=rng.uniform(0.5, 22))
            row["extended"] = rng.random() < 0.2
            if state in (CaseState.ANSWERED, CaseState.CLOSED):
                row["answered_at"] = row["accepted_at"] + timedelta(days=rng.uniform(10, 100))
                row["rating"] = rng.choice(RATINGS)
        if i > 100 and rng.random() < 0.08:
            row["repeat_of"] = f"YR{rng.randrange(0, 100):08d}"
        if rng.random() < 0.02:
            group = rng.choice(groups)
            row["group"] = {"id": group["id"], "created_at": group["created_at"],
                            "size": max(group["petitioners"], group["declared"] or 0)}
        rows.append(row)
    totals = Counter(r["repeat_of"] for r in rows if r["repeat_of"])
    db.session.execute(insert(CaseGroup), groups)
    db.session.execute(insert(Case), [_db_row(r, totals) for r in rows])
    db.session.commit()
    return rows


def _db_row(row: dict, totals: Counter) -> dict:
    out = {k: v for k, v in row.items() if k not in ("repeat_of", "group")}
    root = row["repeat_of"]
    out.update(text="", repeat_of_id=int(root[2:]) + 1 if root else None,
               repeat_count=totals[root] if root else totals[row["number"]],
               group_id=row["group"]["id"] if row["group"] else None)
    return out


@pytest.fixture
def year(app):
    """Seeded once per backend run: on PostgreSQL (CI time; the short reports tests run on
    both). YEAR_ON_SQLITE=1 runs it on SQLite too."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql" and not os.environ.get("YEAR_ON_SQLITE"):
            pytest.skip("the year-long seed runs on PostgreSQL")
        return _year()


def test_a_year_of_10000_cases_matches_the_rows(app, year):
    assert len(year) == CASES
    _months_match(app, year)
    _weeks_and_days_match(app, year)


def _months_match(app, year: list[dict]) -> None:
    with app.app_context():
        reports = {m: build("monthly", date(2025, m, 10), TZ, NOW) for m in range(1, 13)}
    seen = Counter()
    for month, report in reports.items():
        want = _expected(year, (2025, month))
        figures = report.current
        assert figures.intake == want["intake"] > 500
        for key in ("by_channel", "by_issue", "by_township", "by_unit", "accept_due", "accept_late",
                    "answer_due", "answer_late", "hotspots"):
            assert +getattr(figures, key) == want[key], (month, key)
        assert (figures.answered, figures.rated, figures.satisfied) == (want["answered"], want["rated"],
                                                                       want["satisfied"]), month
        assert sorted(u[0] for u in figures.urgent) == want["urgent"]
        assert figures.repeat_matters and {r.first: r.in_period for r in figures.repeat_rows} == dict(want["repeats"])
        assert sorted((g.size, g.cases) for g in figures.groups) == want["groups"], month
        if month > 1:  # the previous period of each month is the month before, counted alike
            assert report.before.intake == reports[month - 1].current.intake
        seen["intake"] += figures.intake
    live = sum(r["state"] != CaseState.MERGED for r in year)
    assert seen["intake"] == live  # every live case counted in exactly one month of the year
    assert sum(len(r.current.groups) for r in reports.values()) == GROUPS


def _weeks_and_days_match(app, year: list[dict]) -> None:
    def received_between(first: date, last: date) -> int:
        return sum(first <= r["received_at"].replace(tzinfo=UTC).astimezone(LOCAL).date() <= last
                   and r["state"] != CaseState.MERGED for r in year)

    with app.app_context():
        for day in (date(2025, 1, 1), date(2025, 6, 30), date(2025, 12, 31)):
            weekly, daily = build("weekly", day, TZ, NOW), build("daily", day, TZ, NOW)
            assert weekly.current.intake == received_between(weekly.period.first, weekly.period.last) > 0
            assert daily.current.intake == received_between(day, day) > 0
            assert daily.before.intake == received_between(day - timedelta(days=1), day - timedelta(days=1))
    assert _local_month(datetime(2025, 12, 31, 17)) == (2026, 1)  # a UTC evening is the next local day
