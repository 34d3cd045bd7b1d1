"""Reports on schedule: what is due on which local day, one rq run per day whatever the
number of workers, and `flask reports due` (cron without Redis) building those files."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from core.report_jobs import build_due, due_kinds, schedule_reports
from tests.conftest import _empty_tables
from tests.test_reports import _seed


@pytest.fixture
def app(make_app, tmp_path):
    app = make_app(REPORTS_DIR=tmp_path / "reports")
    with app.app_context():
        _empty_tables()
    return app


def test_what_is_due_follows_the_local_calendar():
    assert due_kinds(date(2025, 11, 19)) == ["daily"]                          # a Wednesday
    assert due_kinds(date(2025, 11, 17)) == ["daily", "weekly"]                # a Monday
    assert due_kinds(date(2025, 10, 1)) == ["daily", "monthly"]                # a Wednesday, the 1st
    assert due_kinds(date(2025, 12, 1)) == ["daily", "weekly", "monthly"]      # a Monday, the 1st


def test_on_monday_the_first_the_day_week_and_month_are_built(app, tmp_path):
    with app.app_context():
        _seed(120, seed=5)
        # 2025-12-01 02:00 in the county (18:00 UTC the day before)
        paths = build_due(datetime(2025, 11, 30, 18, 0))
    assert sorted(p.name for p in paths) == sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "daily-2025-11-30.pdf", "daily-2025-11-30.xlsx", "monthly-2025-11.pdf", "monthly-2025-11.xlsx",
        "weekly-2025-W48.pdf", "weekly-2025-W48.xlsx"]


def test_one_scheduled_run_per_day_however_many_workers_start(make_app, redis_url):
    from rq.registry import ScheduledJobRegistry

    app = make_app(REDIS_URL=redis_url)
    with app.app_context():
        queue = app.extensions["rq_queue"]
        first = schedule_reports(queue, datetime(2026, 3, 2, 1, 0))    # 09:00 local: tomorrow 01:00
        again = schedule_reports(queue, datetime(2026, 3, 2, 2, 0))
        assert first == again == "reports-2026-03-03"
        registry = ScheduledJobRegistry(queue=queue)
        assert [i for i in registry.get_job_ids() if i.startswith("reports-")] == ["reports-2026-03-03"]
        when = registry.get_scheduled_time(queue.fetch_job(first))
        assert when.replace(tzinfo=timezone.utc) == datetime(2026, 3, 2, 17, 0, tzinfo=timezone.utc)


def test_cli_builds_what_is_due_today(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["reports", "due"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert written and all(name in result.output for name in written)
    assert any(name.startswith("daily-") and name.endswith(".pdf") for name in written)
