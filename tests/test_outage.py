"""A database outage loses nothing (the spool), and health is visible: /readyz names what
is down, /metrics counts every webhook answer by status and shows the backlog."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from cases.outbox import dispatch, queue_message
from handlers.sweeper import sweep
from models import Case, Message, utcnow
from models.db import db
from tests.conftest import Phone, _empty_tables

DEAD_DB = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"
DEAD_REDIS = "redis://127.0.0.1:1/0"
TEXT = "我叫王芳，东屯镇建筑工地拖欠农民工工资三个月"


def test_database_down_the_message_is_spooled_and_loaded_later(make_app, tmp_path):
    down = make_app(SQLALCHEMY_DATABASE_URI=DEAD_DB, SPOOL_DIR=tmp_path,
                    SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    phone = Phone(down.test_client())
    form = phone.form(TEXT)
    answers = [phone.post(form), phone.post(form)]                 # Twilio delivers it twice
    assert [r.status_code for r in answers] == [200, 200]
    assert b"\xe5\xb7\xb2\xe6\x94\xb6\xe5\x88\xb0" in answers[0].data  # 已收到: saved, no number yet
    assert b"YJ" not in answers[0].data
    assert len(list(tmp_path.glob("*.json"))) == 2                 # on disk before the answer

    back = make_app(SPOOL_DIR=tmp_path, SWEEP_GRACE_SECONDS=60)    # the database answers again
    with back.app_context():
        _empty_tables()
        report = sweep()
        assert report.spooled == 2
        stored = db.session.execute(select(Message).where(Message.direction == "in")).scalars().all()
        assert [m.provider_id for m in stored] == [form["MessageSid"]]  # deduplicated by provider id
        assert stored[0].state == "processed"
        case = db.session.execute(select(Case)).scalar_one()
        [reply] = db.session.execute(select(Message).where(Message.kind == "reply")).scalars().all()
        assert case.number in reply.body and reply.address == phone.number  # the number follows by SMS
        assert sweep().spooled == 0 and list(tmp_path.glob("*.json")) == []


def test_readyz_names_what_is_down(make_app):
    ok = make_app().test_client().get("/readyz")
    assert ok.status_code == 200 and ok.json == {"status": "ok", "database": "ok"}
    redis_down = make_app(REDIS_URL=DEAD_REDIS).test_client().get("/readyz")
    assert redis_down.status_code == 503 and redis_down.json["redis"] == "unreachable"
    assert redis_down.json["database"] == "ok"
    health = make_app(REDIS_URL=DEAD_REDIS).test_client().get("/healthz")
    assert health.status_code == 200                                 # liveness stays cheap


def test_metrics_count_answers_by_status_and_show_the_backlog(make_app, monkeypatch):
    app = make_app(PROPAGATE_EXCEPTIONS=False, METRICS_TOKEN="m-token")   # a 500 as production answers it
    with app.app_context():
        _empty_tables()
    client = app.test_client()
    phone = Phone(client)
    auth = {"Authorization": "Bearer m-token"}
    before = client.get("/metrics", headers=auth).get_data(as_text=True)
    phone.send(TEXT)
    assert phone.post(phone.form("x"), signature="forged").status_code == 403

    def broken(*args):
        raise RuntimeError("bug")
    monkeypatch.setattr("gateway.webhooks.receive", broken)
    assert phone.post(phone.form("y")).status_code == 500
    text = client.get("/metrics", headers=auth).get_data(as_text=True)
    for status in ("200", "403", "500"):
        sample = f'gateway_webhook_responses_total{{channel="twilio",outcome="{status}"}}'
        assert value(text, sample) == value(before, sample) + 1
    assert "gateway_pending_inbound 0" in text and "gateway_failed_outbound 0" in text
    assert "gateway_last_sweep_timestamp_seconds 0" in text
    with app.app_context():
        sweep()
    assert "gateway_last_sweep_timestamp_seconds 0\n" not in client.get("/metrics", headers=auth).get_data(as_text=True)


def test_backlog_alert_pages_the_on_duty_officer_once(make_app):
    app = make_app(ALERT_PENDING_SECONDS=60, SWEEP_GRACE_SECONDS=3600)
    with app.app_context():
        _empty_tables()
        Phone(app.test_client()).send(TEXT)
        db.session.execute(Case.__table__.update().values(classify_pending_since=utcnow() - timedelta(minutes=10)))
        db.session.commit()
        assert sweep().alerted and not sweep().alerted               # once per ALERT_REPEAT_MINUTES
        [alert] = db.session.execute(select(Message).where(Message.kind == "alert")).scalars().all()
        assert alert.address == "+8613900000001" and "10分钟" in alert.body


def test_pages_are_not_held_back_by_the_citizens_rate_limit(make_app, fake, monkeypatch):
    import types

    minute = (int(time.time()) // 60 + 1) * 60.0                     # one minute for the whole test
    monkeypatch.setattr("gateway.ratelimit.time", types.SimpleNamespace(time=lambda: minute + 1))
    app = make_app(TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_FROM="+15005550006", TWILIO_API_BASE=fake.url,
                   OUTBOUND_SEGMENTS_PER_MINUTE={"sms": 1}, ONDUTY_PHONES=["+8613900000001", "+8613900000002"])
    with app.app_context():
        _empty_tables()
        notice = queue_message("+8613800000009", "sms", "【延津信访】您的信访件已受理。", "notice")
        db.session.commit()
        dispatch([notice])                                            # this minute's budget is spent
    Phone(app.test_client()).send("拆迁款不给，俺明天就去县政府门口喝药，不想活了")
    with app.app_context():
        later = queue_message("+8613800000008", "sms", "【延津信访】您的信访件已受理。", "notice")
        db.session.commit()
        dispatch([later])
        pages = db.session.execute(select(Message.state).where(Message.kind == "page")).scalars().all()
        held = db.session.get(Message, later.id)
        assert pages == ["sent", "sent"]                              # both officers, at once
        assert held.state == "queued" and held.error == "rate limited"  # a citizen's notice waits


def test_the_scheduler_child_dies_with_its_worker(tmp_path):
    """A forked child of a process that called die_with_parent is gone when that process
    is killed with SIGKILL (rq's scheduler is such a child)."""
    pidfile = tmp_path / "child"
    code = ("import os, time\nfrom handlers.worker import die_with_parent\ndie_with_parent()\n"
            f"pid = os.fork()\nif pid == 0:\n    time.sleep(60)\n    os._exit(0)\n"
            f"open({str(pidfile)!r}, 'w').write(str(pid))\ntime.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=os.getcwd())
    for _ in range(600):  # importing handlers takes a few seconds on a busy machine
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.05)
    child = int(pidfile.read_text())
    parent.kill()
    parent.wait()
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        raise AssertionError("the child outlived its parent")


def value(text: str, sample: str) -> float:
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0



def test_a_database_restart_costs_no_spooled_message(app, phone, tmp_path):
    """Without pre-ping the pool keeps connections the database has since closed (a restart):
    the webhook notices on the first statement and stores the message on a new connection."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("SQLite has no server to restart")
    app.config["SPOOL_DIR"] = tmp_path
    assert "YJ" in phone.send(TEXT)[0]                            # the pool now holds a connection
    killer = create_engine(url, poolclass=NullPool)
    with killer.begin() as conn:                                   # every other backend dies
        killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                                   "datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    killer.dispose()
    assert killed >= 1
    replies = Phone(app.test_client(), number="+8613800000077").send("我叫李军，马庄乡小周庄村村务不公开")
    assert "YJ" in replies[0]                                       # numbered: stored, not spooled
    assert list(tmp_path.glob("*.json")) == []
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 2
