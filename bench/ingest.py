"""Ingest benchmark: signed Twilio webhook requests against the gateway served by gunicorn
on PostgreSQL and Redis (jobs queued, no worker running, so the request path alone is
measured), and against a bare Flask app answering the same TwiML under the same gunicorn
settings, in the same run. Prints messages per second, p50/p99 latency, and the cases
created (must equal the unique messages sent).

Needs DATABASE_URL (PostgreSQL, or SQLite for comparison) and REDIS_URL; `bin/bench` starts
both and runs this. `--rate 200` (the default) then sends as many again at a steady 200 msg/s
for the latency a steady load gets (p99 counted from when each request was due)."""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token"
BASE = "https://gateway.bench.example"
TEXTS = ["东屯镇拖欠农民工工资三个月了", "马庄乡小周庄村村务不公开", "文岩街道小区门口烧烤油烟太大",
         "胙城乡学校乱收费每个学生多收三百", "榆林乡低保被取消了没人说为啥", "塔铺街道排水沟堵了臭得很"]


def serve(app: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
           "--log-level", "warning", app]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{app} did not start")


def forms(n: int) -> list[dict]:
    """n new petitions, each from a phone never used before (a phone seen again would join
    its earlier case, and the count of cases would no longer equal the messages)."""
    run_id = uuid.uuid4().int % 10**6
    return [{"MessageSid": f"SM{uuid.uuid4().hex}", "AccountSid": "AC" + "0" * 32,
             "From": f"+861{run_id:06d}{i:05d}", "To": "+15005550006", "NumMedia": "0",
             "Body": f"我叫张{i % 97}，{TEXTS[i % len(TEXTS)]}，第{i}号"} for i in range(n)]


def run(port: int | list[int], batch: list[dict], concurrency: int,
        rate: float | None = None) -> tuple[float, list[float], int]:
    """Send the batch (round robin over the ports): closed loop with `concurrency` clients, or
    open loop at `rate` messages a second, where a request's latency counts from the moment
    it was due (a slow server cannot hide its queue by slowing the client down)."""
    validator = RequestValidator(TOKEN)
    ports = port if isinstance(port, list) else [port]
    urls = [f"http://127.0.0.1:{p}/webhooks/twilio" for p in ports]
    signed = [(f, validator.compute_signature(BASE + "/webhooks/twilio", f)) for f in batch]
    workers = concurrency if rate is None else max(concurrency, 64)
    sessions = [requests.Session() for _ in range(workers)]
    local = threading.local()
    errors = 0
    start = time.perf_counter()

    def one(i: int) -> float:
        nonlocal errors
        form, signature = signed[i]
        due = start + i / rate if rate else time.perf_counter()
        if rate:
            time.sleep(max(0.0, due - time.perf_counter()))
        if not hasattr(local, "session"):
            local.session = sessions.pop()
        response = local.session.post(urls[i % len(urls)], data=form, headers={"X-Twilio-Signature": signature})
        if response.status_code != 200 or "<Message>" not in response.text:
            errors += 1
        return time.perf_counter() - due

    with ThreadPoolExecutor(workers) as pool:
        latencies = list(pool.map(one, range(len(signed))))
    return len(signed) / (time.perf_counter() - start), latencies, errors


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="unique messages per target")
    parser.add_argument("-c", type=int, default=8, help="concurrent clients")
    parser.add_argument("-w", type=int, default=4, help="gunicorn workers (both targets)")
    parser.add_argument("--rate", type=float, default=200,
                        help="then send as many again to the gateway at this steady rate (msg/s) for its p99; 0: skip")
    args = parser.parse_args()
    database_url, redis_url = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
    env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE, SECRET_KEY="bench",
               FLOOD_LIMIT="1000000")
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    # SQLite (sqlite:////abs/path.db) too, to measure where the embedded default stops
    engine = create_engine(database_url if database_url.startswith("sqlite") else
                           "postgresql+psycopg://" + database_url.split("://", 1)[1])
    with engine.begin() as conn:
        before = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()
    results = {}
    for name, app, port in (("baseline (bare Flask)", "bench.baseline:app", 8601), ("gateway", "wsgi:app", 8602)):
        proc = serve(app, port, env, args.w)
        try:
            run(port, forms(50), args.c)  # warm-up: imports, connections, first model of nothing
            results[name] = run(port, forms(args.n), args.c)
            if args.rate and name == "gateway":
                results[f"gateway at {args.rate:.0f}/s"] = run(port, forms(args.n), args.c, rate=args.rate)
        finally:
            proc.terminate()
            proc.wait()
    with engine.begin() as conn:
        created = conn.execute(text("SELECT count(*) FROM cases")).scalar_one() - before
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; gunicorn -w {args.w} sync; {args.c} clients; n={args.n}")
    print(f"{'target':<24}{'msg/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, (rate, latencies, errors) in results.items():
        print(f"{name:<24}{rate:>8.0f}{pct(latencies, 50):>9.1f}{pct(latencies, 99):>9.1f}{errors:>8}")
    base, gateway = results["baseline (bare Flask)"][0], results["gateway"][0]
    print(f"gateway / baseline throughput: {gateway / base:.2f}")
    sent = args.n + 50 + (args.n if args.rate else 0)  # to the gateway: warm-up, closed loop, steady rate
    print(f"cases created: {created} (unique messages sent: {sent})")


if __name__ == "__main__":
    main()
