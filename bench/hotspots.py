"""Time of one hotspot judgement (cases.hotspots.check) against a year of cases.

    .venv/bin/python -m bench.hotspots [--cases 10000] [--database-url URL]

Seeds a year of cases (tests/test_reports_year.py's generator) into a throwaway SQLite
database (or the URL given, emptied first), then judges 200 new cases received at the end of
the year, each one stored and judged as the classification job does. Prints the median and
95th percentile per case."""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    from flask_migrate import upgrade

    from cases import hotspots
    from core.app import create_app
    from models import Case
    from models.db import db
    from tests.conftest import _empty_tables
    from tests.test_reports_year import _year

    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None, "SECRET_KEY": "bench",
                      "ONDUTY_PHONES": ["+8613900000001"], "MODEL_DIR": folder})
    with app.app_context():
        upgrade(directory="migrations")
        _empty_tables()
        _year()
        times = []
        at = datetime(2025, 12, 30, 2, 0)
        for i in range(200):
            case = Case(number=f"B{i:07d}", channel="sms", text="", township="dongtun", issue_type="labor",
                        village="前屯村", received_at=at + timedelta(minutes=i), state="registered")
            db.session.add(case)
            db.session.flush()
            started = time.perf_counter()
            hotspots.check(case, now=case.received_at)
            times.append(time.perf_counter() - started)
            db.session.commit()
        times.sort()
        print(f"{db.engine.dialect.name}: check per case median {1000 * statistics.median(times):.1f} ms, "
              f"p95 {1000 * times[int(0.95 * len(times))]:.1f} ms")


if __name__ == "__main__":
    main()
