"""Several servers at once: N gunicorn instances on their own ports and one rq worker each,
sharing one PostgreSQL and Redis, take the ingest benchmark's signed messages round robin
(5% delivered a second time, to another server, as a provider retries), and a burst of
sign-ins split over the servers meets one shared rate limit.

Checks, and exits 1 if any fails: every message stored once, one case each (cases ==
unique messages), no case number twice, every case classified by the workers, and the
sign-in limit counted across servers (a limit counted per process would let it all through).

Needs DATABASE_URL (PostgreSQL), REDIS_URL and SERVICES_DIR from bin/services:
`set -a; . <(bin/services); set +a; DATABASE_URL=$TEST_POSTGRES_URL REDIS_URL=$TEST_REDIS_URL
.venv/bin/python -m bench.multi`."""
from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from bench.chaos import Gateway
from bench.ingest import BASE, ROOT, TOKEN, forms, pct, run

LOGIN_LIMIT = 10  # per minute, for the burst below


def check_shared_limit(ports: list[int]) -> tuple[int, int]:
    """LOGIN_LIMIT + 4 failed sign-ins from one address, alternating servers: the requests
    after the limit must be refused (429) whichever server they reach."""
    browser = requests.Session()  # one session cookie, valid on every server (same SECRET_KEY)
    page = browser.get(f"http://127.0.0.1:{ports[0]}/console/login", timeout=15).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    statuses = [browser.post(f"http://127.0.0.1:{ports[i % len(ports)]}/console/login", timeout=15,
                             data={"username": "nobody", "password": "wrong", "csrf_token": token}).status_code
                for i in range(LOGIN_LIMIT + 4)]
    return statuses.count(429), len(statuses)


def tally(engine, sids: list[str]) -> dict[str, int]:
    with engine.begin() as conn:
        row = conn.execute(text("""
            SELECT count(*), count(DISTINCT m.provider_id), count(DISTINCT m.case_id),
                   count(DISTINCT m.case_id) FILTER (WHERE c.classified_at IS NOT NULL
                                                     AND c.classify_pending_since IS NULL),
                   count(*) FILTER (WHERE CAST(m.replies AS text) <> '[]')
            FROM messages m LEFT JOIN cases c ON c.id = m.case_id
            WHERE m.direction = 'in' AND m.provider_id = ANY(:sids)"""), {"sids": sids}).one()
        twice = conn.execute(text("SELECT count(*) FROM (SELECT number FROM cases GROUP BY number "
                                  "HAVING count(*) > 1) d")).scalar_one()
    return {"rows": row[0], "stored": row[1], "cases": row[2], "classified": row[3], "answered": row[4],
            "numbers twice": twice}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="unique messages")
    parser.add_argument("-c", type=int, default=8, help="concurrent clients")
    parser.add_argument("--servers", type=int, default=2, help="gunicorn instances (2 workers each), one rq worker each")
    args = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    work = Path(tempfile.mkdtemp(prefix="multi-"))
    env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE, SECRET_KEY="multi",
               FLOOD_LIMIT="1000000", ONDUTY_PHONES="+8613900000001", SPOOL_DIR=str(work / "spool"),
               LOGIN_RATE=f"{LOGIN_LIMIT} per minute")
    for cmd in (["db", "upgrade"], ["nlp", "train", "--if-stale"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *cmd], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    engine = create_engine("postgresql+psycopg://" + database_url.split("://", 1)[1])
    ports = [8621 + i for i in range(args.servers)]
    gateways = [Gateway(env, port, workers=1) for port in ports]
    try:
        for gateway in gateways:
            gateway.wait_ready()
        batch = forms(args.n)
        again = random.Random(18).sample(batch, args.n // 20)
        rate, latencies, errors = run(ports, batch + again, args.c)
        limited, tried = check_shared_limit(ports)
        sids = [f["MessageSid"] for f in batch]
        deadline = time.monotonic() + 300
        while (t := tally(engine, sids))["classified"] < args.n and time.monotonic() < deadline:
            time.sleep(2)
    finally:
        for gateway in gateways:
            gateway.stop()
    print(f"{args.servers} gunicorn instances × 2 workers, {args.servers} rq workers, one PostgreSQL and Redis; "
          f"{os.cpu_count()} cores; {args.c} clients")
    print(f"sent {args.n} messages + {len(again)} second deliveries: {rate:.0f} msg/s, p50 {pct(latencies, 50):.1f} ms, "
          f"p99 {pct(latencies, 99):.1f} ms, errors {errors}")
    for name, value in t.items():
        print(f"  {name:<14}{value:>7}")
    print(f"  sign-ins refused by the shared limit: {limited} of {tried} (limit {LOGIN_LIMIT}/min)")
    passed = (t["rows"] == t["stored"] == t["cases"] == t["classified"] == t["answered"] == args.n
              and t["numbers twice"] == 0 and errors == 0 and limited == tried - LOGIN_LIMIT)
    print("PASS: every message stored once, one case each, numbers unique, all classified, limit shared"
          if passed else "FAIL")
    if not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
