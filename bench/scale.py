"""The read path at a city's volume (issue 18): SCALE_N cases (default 1,000,000) seeded
by `dev seed-cases` on DATABASE_URL (PostgreSQL), then p50/p95 of 50 warm requests each:
every console queue at its first, middle and last page with and without filters, Chinese
full-text search, the dashboard and the period reports, the server side of a status query
by SMS, and a 100,000-row ledger export (time and the peak of Python's memory while it
streams). A database already holding SCALE_N seeded cases is reused (SCALE_RESEED=1
empties it first)."""
from __future__ import annotations

import os
import statistics
import time
import tracemalloc
from datetime import timedelta

from sqlalchemy import func, select, text

from bench.console import login, make_app

REPEAT = int(os.environ.get("SCALE_REPEAT", "50"))
REPORT_REPEAT = int(os.environ.get("SCALE_REPORT_REPEAT", "10"))  # a period report is seconds, not ms
TARGETS = {"queue": 100, "search": 200, "report": 200, "status": 10}
SEARCHES = ["工资", "拖欠工资", "低保 补贴", "噪音扰民", "征地补偿款", "YJ", "%' OR 1=1 --"]
FILTERS = ["", "&township=dongtun", "&issue_type=labor&township=fengzhuang", "&channel=letter",
           "&date_from=2025-01-01&date_to=2025-03-31"]


def timed(fn, repeat: int = REPEAT) -> tuple[float, float]:
    fn()  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def report(kind: str, name: str, p50: float, p95: float, rows: list) -> None:
    ok = "ok" if p95 < TARGETS[kind] else "SLOW"
    rows.append((kind, name, p50, p95, ok))
    print(f"  {kind:<7} {name:<62} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {ok}", flush=True)


def seed(app, n: int) -> None:
    from models import Case
    from models.db import db

    with app.app_context():
        have = db.session.execute(select(func.count()).select_from(Case)).scalar_one()
    if have >= n and not os.environ.get("SCALE_RESEED"):
        print(f"reusing {have} seeded cases")
        return
    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["dev", "seed-cases", str(n - (0 if os.environ.get("SCALE_RESEED") else have))])
    assert result.exit_code == 0, result.output
    print(result.output.strip().splitlines()[-1], f"({time.perf_counter() - started:.0f} s with the index build)")


def bench_pages(client, rows: list) -> None:
    from console.queries import COUNT_CAP, PER_PAGE, QUEUES

    last = COUNT_CAP // PER_PAGE
    for queue in QUEUES:
        for page in (1, last // 2, last):
            url = f"/console/?queue={queue}&page={page}"
            assert client.get(url).status_code == 200, url
            report("queue", url, *timed(lambda: client.get(url)), rows)
    for extra in FILTERS[1:]:
        for page in (1, last):
            url = f"/console/?queue=all&page={page}{extra}"
            report("queue", url, *timed(lambda: client.get(url)), rows)
    for q in SEARCHES:
        url = f"/console/?queue=all&q={q}"
        response = client.get("/console/", query_string={"queue": "all", "q": q})
        assert response.status_code == 200, q
        report("search", url, *timed(lambda: client.get("/console/", query_string={"queue": "all", "q": q})), rows)
    report("report", "/console/dashboard", *timed(lambda: client.get("/console/dashboard")), rows)


def bench_reports(app, rows: list) -> None:
    from cases.reports import build
    from models import utcnow

    with app.app_context():
        now = utcnow()
        for kind in ("daily", "weekly", "monthly"):
            day = (now - timedelta(days=1)).date()
            report("report", f"cases.reports.build({kind!r})",
                   *timed(lambda: build(kind, day, app.config["TIMEZONE"], now), REPORT_REPEAT), rows)


def bench_status(app, rows: list) -> None:
    """What the conversation does for 查询 YJ...: the citizen's own case by number, its text."""
    from conversation.citizen import own_case, status_list
    from models import Case
    from models.db import db

    with app.app_context():
        sample = db.session.execute(select(Case.contact_id, Case.number).where(Case.contact_id.is_not(None))
                                    .order_by(Case.id.desc()).offset(5000).limit(1)).one()
        report("status", f"own_case(contact, {sample.number})",
               *timed(lambda: (own_case(sample.contact_id, sample.number), db.session.rollback())), rows)

        class _Turn:  # the parts of a Turn that status_list reads
            contact = type("C", (), {"id": sample.contact_id})
            replies = __import__("cases.replies", fromlist=["Replies"]).Replies(app.extensions["templates"])

            def say(self, key, **values):
                return [self.replies.render(key, **values)]

        report("status", "status_list (the contact's latest cases)",
               *timed(lambda: (status_list(_Turn()), db.session.rollback())), rows)


def bench_export(client, rows: list) -> None:
    url = "/console/export.csv?queue=all&date_from=2024-01-01&date_to=2024-06-30"  # about 100,000 rows
    tracemalloc.start()
    start = time.perf_counter()
    response = client.get(url, buffered=False)
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    print(f"  export  {url}: {lines - 1} rows, {size / 1e6:.1f} MB in {seconds:.1f} s, "
          f"peak Python memory {peak / 1e6:.1f} MB", flush=True)
    rows.append(("export", url, seconds * 1000, peak / 1e6, f"{lines - 1} rows"))


def main() -> None:
    n = int(os.environ.get("SCALE_N", "1000000"))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("bench.scale needs DATABASE_URL=postgresql://... (bin/bench sets it)")
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = make_app(url, reset=bool(os.environ.get("SCALE_RESEED")))
    seed(app, n)
    with app.app_context():
        from models.db import db
        from models import User

        if not db.session.execute(select(User).where(User.username == "bench")).scalar():
            user = User(username="bench", role="officer")
            user.set_password("bench-password")
            db.session.add(user)
            db.session.commit()
        load = os.getloadavg()
        print(f"{n} cases on PostgreSQL {db.session.execute(text('SHOW server_version')).scalar()}; "
              f"{REPEAT} warm requests each; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    client = app.test_client()
    login(client)
    rows: list = []
    bench_pages(client, rows)
    bench_reports(app, rows)
    bench_status(app, rows)
    bench_export(client, rows)
    slow = [r for r in rows if r[-1] == "SLOW"]
    print(f"{len(rows)} measures, {len(slow)} over target; load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
