"""Console benchmark: the triage queue page (and a few others) on 10,000 cases.

Runs the real app through Flask's test client (no network), on DATABASE_URL when set
(`bin/services` gives a throwaway PostgreSQL), else on a temporary SQLite file. Prints the
median and worst time per page over several requests, after one warm-up."""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/console/?queue=triage", "/console/?queue=all&page=150", "/console/?queue=overdue",
         "/console/?queue=all&q=工资", "/console/?queue=all&township=dongtun&issue_type=labor",
         "/console/cases/5000", "/console/dashboard"]


def make_app(url: str, reset: bool = True):
    from core.app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "REDIS_URL": None})
    with app.app_context():
        from models.db import db

        if reset and db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
    return app


def seed(app, n: int) -> None:
    from models.db import db
    from models import Case, User, utcnow

    taxonomy = app.extensions["taxonomy"]
    issues, towns = list(taxonomy.issue_types), list(taxonomy.townships)
    states = ["registered"] * 5 + ["accepted", "in_progress", "answered", "closed"]
    rng, now = random.Random(7), utcnow()
    rows = []
    for i in range(n):
        received = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        issue = rng.choice(issues)
        rows.append(dict(
            number=f"YJ{i:010d}", state=rng.choice(states), channel=rng.choice(["sms", "sms", "wechat", "web"]),
            text=f"第{i}号 {taxonomy.township_name(rng.choice(towns))}反映拖欠工资和低保问题" * 2,
            issue_type=issue, department=taxonomy.issue_types[issue]["department"], township=rng.choice(towns),
            urgent=rng.random() < 0.02, issue_type_confidence=rng.random(), department_confidence=rng.random(),
            keywords=["工资"], needs_triage=rng.random() < 0.4, received_at=received,
            due_at=received + timedelta(days=15), extended=False, flagged=False, created_at=received,
            updated_at=received))
    with app.app_context():
        db.session.execute(insert(Case), rows)
        user = User(username="bench", role="officer")
        user.set_password("bench-password")
        db.session.add(user)
        db.session.commit()


def login(client) -> None:
    page = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/console/login", data={"username": "bench", "password": "bench-password",
                                                   "csrf_token": token})
    assert response.status_code == 302, "login failed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000, help="cases to create")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = make_app(url)
    seed(app, args.n)
    client = app.test_client()
    login(client)
    print(f"{args.n} cases on {url.split(':', 1)[0]}; {args.repeat} requests per page")
    for page in PAGES:
        assert client.get(page).status_code == 200, page  # warm-up
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(page)
            times.append((time.perf_counter() - start) * 1000)
        print(f"  {page:<55} p50 {statistics.median(times):6.1f} ms   max {max(times):6.1f} ms")


if __name__ == "__main__":
    main()
