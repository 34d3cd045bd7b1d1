"""Periodic reports benchmark: compute and write the daily, weekly and monthly report of a
database of 10,000 cases spread over a year (clocks and ratings filled in).

    .venv/bin/python bench/reports.py [-n 10000] [--repeat 3]

On DATABASE_URL when set (`bin/services` gives a throwaway PostgreSQL), else a temporary
SQLite file. Prints the median time to compute each report (both periods) and to write its
xlsx and PDF, and the PDF's size."""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.console import make_app  # noqa: E402


def seed(app, n: int) -> None:
    from models.db import db
    from models import Case, utcnow

    taxonomy = app.extensions["taxonomy"]
    issues, towns = list(taxonomy.issue_types), list(taxonomy.townships)
    rng, now = random.Random(15), utcnow()
    rows = []
    for i in range(n):
        received = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        issue = rng.choice(issues)
        accepted = received + timedelta(days=rng.uniform(0.5, 18)) if rng.random() < 0.8 else None
        answered = accepted + timedelta(days=rng.uniform(5, 80)) if accepted and rng.random() < 0.7 else None
        rows.append(dict(
            number=f"YJ{i:010d}", state="answered" if answered else "accepted" if accepted else "registered",
            channel=rng.choice(["sms", "wechat", "web", "visit"]), text="", issue_type=issue,
            department=taxonomy.issue_types[issue]["department"], township=rng.choice(towns),
            urgent=rng.random() < 0.02, received_at=received, accepted_at=accepted, answered_at=answered,
            extended=rng.random() < 0.1, rating=rng.choice([None, "satisfied", "basically", "unsatisfied"])
            if answered else None, keywords=[], created_at=received, updated_at=received))
    with app.app_context():
        db.session.execute(insert(Case), rows)
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000, help="cases to create")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = make_app(url)
    seed(app, args.n)
    from cases.report_files import to_xlsx
    from cases.report_pdf import to_pdf
    from cases.reports import build
    from console.report_archive import names_for
    from models import utcnow

    print(f"{args.n} cases over a year on {url.split(':', 1)[0]}; median of {args.repeat}")
    with app.app_context():
        names, tz, now = names_for(app), app.config["TIMEZONE"], utcnow()
        day = (now - timedelta(days=1)).date()
        for kind in ("daily", "weekly", "monthly"):
            compute, write = [], []
            for _ in range(args.repeat):
                start = time.perf_counter()
                report = build(kind, day, tz, now)
                middle = time.perf_counter()
                pdf = to_pdf(report, names, "延津县")
                to_xlsx(report, names)
                compute.append((middle - start) * 1000)
                write.append((time.perf_counter() - middle) * 1000)
            print(f"  {kind:<8} {report.current.intake:>5} cases  compute p50 {statistics.median(compute):7.1f} ms"
                  f"   xlsx+pdf p50 {statistics.median(write):7.1f} ms   pdf {len(pdf) // 1024} KB")


if __name__ == "__main__":
    main()
