"""Chaos run: PostgreSQL, Redis, gunicorn and two rq workers on this machine (loopback
only), a steady stream of signed Twilio messages (some urgent, some delivered twice, as
Twilio redelivers), and the faults of an operator's bad day in turn: a worker killed with
SIGKILL, a gunicorn worker killed, Redis restarted and killed, PostgreSQL stopped. After
each fault it waits, typing no command, until every message sent in that phase is stored,
has its case classified, its urgent case paged and its reply, and prints per fault: sent,
stored, cases, classified, urgent paged, replies, duplicates, and seconds to recover.

Pass: 0 lost, 0 duplicated, every urgent message paged, each recovery under 120 s.
Needs DATABASE_URL, REDIS_URL and SERVICES_DIR from bin/services; `bin/chaos` sets them up."""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from urllib.parse import urlparse

import requests
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "chaos-auth-token"
BASE = "https://gateway.chaos.example"
ONDUTY = ["+8613900000001"]
PLAIN = ["东屯镇拖欠农民工工资三个月了", "马庄乡小周庄村村务不公开", "文岩街道小区门口烧烤油烟太大",
         "胙城乡学校乱收费每个学生多收三百", "榆林乡低保被取消了没人说为啥", "塔铺街道排水沟堵了臭得很"]
URGENT = ["拆迁款不给，俺明天就去县政府门口喝药，不想活了", "他拿着刀说今晚要杀了我们全家",
          "工资不给俺就从楼顶跳下去，不想活了"]
RECOVERY_LIMIT = 120
_numbers = itertools.count(1)


@dataclass
class Phase:
    name: str
    sids: list[str] = field(default_factory=list)
    urgent: set[str] = field(default_factory=set)
    duplicates: int = 0
    answers: dict[int, int] = field(default_factory=dict)   # HTTP status -> count (0: no answer)
    recover: float | None = None


class Services:
    """The throwaway PostgreSQL and Redis of bin/services, stopped and started again."""

    def __init__(self, services_dir: str, database_url: str, redis_url: str) -> None:
        self.dir, self.pg_port = Path(services_dir), urlparse(database_url).port
        self.redis_port = urlparse(redis_url).port
        self.pg_ctl = shutil.which("pg_ctl") or sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def postgres(self, action: str) -> None:
        options = (f"-p {self.pg_port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c max_connections=200")
        cmd = [self.pg_ctl, "-D", str(self.dir / "pg"), "-w"]
        cmd += ["-m", "fast", "stop"] if action == "stop" else ["-l", str(self.dir / "pg.log"), "-o", options, "start"]
        subprocess.run(self.as_pg + cmd, check=True, capture_output=True)

    def redis_stop(self, hard: bool) -> None:
        if hard:
            os.kill(int((self.dir / "redis.pid").read_text()), signal.SIGKILL)
        else:
            subprocess.run(["redis-cli", "-p", str(self.redis_port), "shutdown", "nosave"], capture_output=True)
        time.sleep(0.5)

    def redis_start(self) -> None:
        subprocess.run(["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--daemonize", "yes", "--pidfile", str(self.dir / "redis.pid"),
                        "--logfile", str(self.dir / "redis.log"), "--dir", str(self.dir)], check=True)


class Gateway:
    """gunicorn and the rq workers; dead workers are started again after 2 s, as systemd's
    Restart=always does in production."""

    def __init__(self, env: dict, port: int, workers: int) -> None:
        self.env, self.port, self.stopping = env, port, False
        self.web = self._spawn([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                                "--timeout", "30", "--log-level", "warning", "wsgi:app"])
        self.workers = [self._worker() for _ in range(workers)]
        threading.Thread(target=self._supervise, daemon=True).start()

    def _spawn(self, cmd: list[str]) -> subprocess.Popen:
        log = open(Path(self.env["SPOOL_DIR"]).parent / "processes.log", "a")
        # Own process group each: the whole group is stopped at the end (the scheduler too).
        return subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)

    def _worker(self) -> subprocess.Popen:
        return self._spawn([sys.executable, "-m", "flask", "--app", "wsgi", "worker"])

    def _supervise(self) -> None:
        while not self.stopping:
            for i, proc in enumerate(self.workers):
                if proc.poll() is not None and not self.stopping:
                    time.sleep(2)
                    self.workers[i] = self._worker()
            time.sleep(0.5)

    def wait_ready(self) -> None:
        for _ in range(600):
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def kill_worker(self) -> None:
        self.workers[0].send_signal(signal.SIGKILL)

    def kill_web_worker(self) -> None:
        children = subprocess.run(["pgrep", "-P", str(self.web.pid)], capture_output=True, text=True).stdout.split()
        os.kill(int(children[0]), signal.SIGKILL)

    def stop(self) -> None:
        self.stopping = True
        for proc in [self.web, *self.workers]:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in [self.web, *self.workers]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


class Traffic:
    """Signed messages at a steady rate from distinct phones; every 6th urgent, every 5th
    delivered a second time. A request without an answer is sent again (a provider retries)."""

    def __init__(self, port: int, rate: float) -> None:
        self.url, self.rate = f"http://127.0.0.1:{port}/webhooks/twilio", rate
        self.validator, self.session = RequestValidator(TOKEN), requests.Session()

    def run(self, phase: Phase, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            n = next(_numbers)
            urgent = n % 6 == 0
            body = (URGENT if urgent else PLAIN)[n % 3 if urgent else n % len(PLAIN)] + f"（{n}号）"
            form = {"MessageSid": f"SM{uuid.uuid4().hex}", "AccountSid": "AC" + "0" * 32,
                    "From": f"+86137{n:08d}", "To": "+15005550006", "Body": body, "NumMedia": "0"}
            phase.sids.append(form["MessageSid"])
            if urgent:
                phase.urgent.add(form["MessageSid"])
            self._post(phase, form)
            if n % 5 == 0:
                phase.duplicates += 1
                self._post(phase, form)
            time.sleep(1 / self.rate)

    def _post(self, phase: Phase, form: dict) -> None:
        signature = self.validator.compute_signature(BASE + "/webhooks/twilio", form)
        for _ in range(5):
            try:
                status = self.session.post(self.url, data=form, headers={"X-Twilio-Signature": signature},
                                           timeout=15).status_code
            except requests.RequestException:
                status = 0
            phase.answers[status] = phase.answers.get(status, 0) + 1
            if status:
                return
            time.sleep(1)


def tally(engine, phase: Phase) -> dict[str, int]:
    query = text("""
        SELECT m.provider_id, m.case_id, c.classified_at IS NOT NULL AND c.classify_pending_since IS NULL,
               (SELECT count(*) FROM messages p WHERE p.case_id = m.case_id AND p.kind = 'page'),
               CAST(m.replies AS text) <> '[]'
        FROM messages m LEFT JOIN cases c ON c.id = m.case_id
        WHERE m.direction = 'in' AND m.provider_id = ANY(:sids)""")
    try:
        with engine.begin() as conn:
            rows = conn.execute(query, {"sids": phase.sids}).all()
    except Exception:  # the database is still coming back
        return {}
    by_sid = {r[0]: r for r in rows}
    cases = {r[1] for r in rows if r[1] is not None}
    pages = {r[1]: r[3] for r in rows}
    return {"sent": len(phase.sids), "stored": len(rows), "cases": len(cases),
            "classified": len({r[1] for r in rows if r[2]}),
            "urgent": len(phase.urgent),
            "paged": sum(1 for sid in phase.urgent if sid in by_sid and by_sid[sid][3] >= len(ONDUTY)),
            "replies": sum(1 for r in rows if r[4]),
            "extra": (len(rows) - len(cases)) + sum(max(0, n - len(ONDUTY)) for n in pages.values())}


def done(t: dict[str, int]) -> bool:
    return bool(t) and t["stored"] == t["sent"] == t["cases"] == t["classified"] == t["replies"] \
        and t["paged"] == t["urgent"]


def fault_phase(name: str, traffic: Traffic, engine, inject, restore, down: float) -> tuple[Phase, dict]:
    phase = Phase(name)
    traffic.run(phase, 5)
    inject()
    traffic.run(phase, down)
    restored = time.monotonic()
    restore()
    traffic.run(phase, 5)
    while time.monotonic() - restored < RECOVERY_LIMIT + 30:
        t = tally(engine, phase)
        if done(t):
            phase.recover = time.monotonic() - restored
            break
        time.sleep(1)
    return phase, tally(engine, phase)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=4.0, help="messages per second")
    parser.add_argument("--down", type=float, default=10.0, help="seconds each outage lasts")
    parser.add_argument("--only", help="run only the faults whose name contains this")
    args = parser.parse_args()
    database_url, redis_url = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
    services = Services(os.environ["SERVICES_DIR"], database_url, redis_url)
    work = Path(tempfile.mkdtemp(prefix="chaos-"))
    env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE, SECRET_KEY="chaos",
               FLOOD_LIMIT="1000000", ONDUTY_PHONES=",".join(ONDUTY), SPOOL_DIR=str(work / "spool"),
               SWEEP_GRACE_SECONDS="10", SWEEP_INTERVAL_SECONDS="5", ALERT_PENDING_SECONDS="600")
    for cmd in (["db", "upgrade"], ["nlp", "train", "--if-stale"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *cmd], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    engine = create_engine("postgresql+psycopg://" + database_url.split("://", 1)[1], pool_pre_ping=True)
    gateway = Gateway(env, 8611, workers=2)
    traffic = Traffic(8611, args.rate)
    faults = [
        ("worker kill -9", gateway.kill_worker, lambda: None),
        ("gunicorn worker kill -9", gateway.kill_web_worker, lambda: None),
        ("Redis restart", lambda: services.redis_stop(hard=False), services.redis_start),
        ("Redis kill -9", lambda: services.redis_stop(hard=True), services.redis_start),
        ("PostgreSQL stop", lambda: services.postgres("stop"), lambda: services.postgres("start")),
    ]
    results = []
    try:
        gateway.wait_ready()
        for name, inject, restore in faults:
            if args.only and args.only not in name:
                continue
            print(f"fault: {name} …", file=sys.stderr, flush=True)
            results.append(fault_phase(name, traffic, engine, inject, restore, args.down))
    finally:
        gateway.stop()
    report(results, args)
    shutil.rmtree(work, ignore_errors=True)


def report(results: list[tuple[Phase, dict]], args) -> None:
    print(f"chaos run: {args.rate:g} msg/s, outages {args.down:g} s, 2 gunicorn workers, 2 rq workers, "
          f"{os.cpu_count()} cores")
    print("| fault | sent | stored | cases | classified | urgent paged | replies | duplicate deliveries "
          "| extra cases/pages | answers | recovered in |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    passed = True
    for phase, t in results:
        answers = ", ".join(f"{'no answer' if k == 0 else k}×{v}" for k, v in sorted(phase.answers.items()))
        recover = f"{phase.recover:.0f} s" if phase.recover is not None else "NOT RECOVERED"
        print(f"| {phase.name} | {t.get('sent')} | {t.get('stored')} | {t.get('cases')} | {t.get('classified')} "
              f"| {t.get('paged')}/{t.get('urgent')} | {t.get('replies')} | {phase.duplicates} | {t.get('extra')} "
              f"| {answers} | {recover} |")
        passed &= done(t) and t["extra"] == 0 and phase.recover is not None and phase.recover <= RECOVERY_LIMIT
    print("PASS: 0 lost, 0 duplicated, every urgent paged, recovered within 2 minutes" if passed else "FAIL")
    if not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
