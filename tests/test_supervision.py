"""催办 and 督办 by the daily run, with a frozen clock across every legal deadline: reminders
before, escalations after, an event on the case for each, and nothing sent twice."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from cases import services, workflow
from models import Case, CaseState, Message, Supervision
from models.db import db
from tests.conftest import _empty_tables
from tests.console.console_helpers import make_case

UNIT, HEAD, BUREAU = "+8613900000011", "+8613900000012", "+8613900000013"
T0 = datetime(2026, 3, 2, 1, 0)  # 09:00 in the county


@pytest.fixture
def app(make_app):
    app = make_app(UNIT_PHONES={"hrss": [UNIT]}, UNIT_HEAD_PHONES={"hrss": [HEAD]}, BUREAU_PHONES=[BUREAU])
    with app.app_context():
        _empty_tables()
    return app


class Clock:
    """Runs `flask supervise run` at a given moment and reports what it sent to whom."""

    def __init__(self, app):
        self.app, self.runner = app, app.test_cli_runner()

    def run(self, at: datetime) -> dict[str, list[str]]:
        with self.app.app_context():
            before = db.session.execute(select(func.max(Message.id))).scalar() or 0
        with time_machine.travel(at, tick=False):
            result = self.runner.invoke(args=["supervise", "run"])
        assert result.exit_code == 0, result.output
        with self.app.app_context():
            rows = db.session.execute(select(Message.address, Message.body).where(Message.id > before)
                                      .order_by(Message.id)).all()
        sent: dict[str, list[str]] = {}
        for address, body in rows:
            sent.setdefault(address, []).append(body)
        return sent

    def twice(self, at: datetime) -> dict[str, list[str]]:
        """The run, then the same day's second run: which must send nothing."""
        sent = self.run(at)
        assert self.run(at + timedelta(hours=3)) == {}
        return sent


def _change(app, case_id: int, at: datetime, fn) -> None:
    with app.app_context(), time_machine.travel(at, tick=False):
        case = db.session.get(Case, case_id)
        fn(case)
        db.session.commit()


def _events(app, case_id: int, kind: str) -> list[dict]:
    with app.app_context():
        return [e.after for e in db.session.get(Case, case_id).events if e.kind == kind]


def test_reminders_and_escalations_across_every_deadline(app):
    clock = Clock(app)
    case_id = make_case(app, "YJ2603020001", received_at=T0, needs_triage=False)  # decide by T0+15d

    assert clock.twice(T0 + timedelta(days=11)) == {}  # outside the 3-day window
    sent = clock.twice(T0 + timedelta(days=12, hours=1))
    assert list(sent) == [BUREAU] and "受理告知期限3月17日" in sent[BUREAU][0]  # no unit holds it yet
    sent = clock.twice(T0 + timedelta(days=15, hours=1))
    assert set(sent) == {HEAD, BUREAU} and "受理告知已超期" in sent[HEAD][0]

    _change(app, case_id, T0 + timedelta(days=16), lambda c: services.transition(c, CaseState.ACCEPTED, "user:o"))
    assert clock.twice(T0 + timedelta(days=18)) == {}  # within the 签收 limit
    sent = clock.twice(T0 + timedelta(days=19, hours=1))
    assert set(sent) == {HEAD, BUREAU} and "超时未签收" in sent[BUREAU][0]
    _change(app, case_id, T0 + timedelta(days=19, hours=2), lambda c: workflow.sign_for(c, "user:h"))

    accepted = T0 + timedelta(days=16)  # answer due accepted+60d
    assert clock.twice(accepted + timedelta(days=56)) == {}
    sent = clock.twice(accepted + timedelta(days=57, hours=1))
    assert list(sent) == [UNIT] and "办理答复期限" in sent[UNIT][0]  # the unit's handlers now
    sent = clock.twice(accepted + timedelta(days=60, hours=1))
    assert set(sent) == {HEAD, BUREAU} and "办理答复已超期" in sent[HEAD][0]

    # An extension is a new deadline: it earns its own reminder and escalation.
    _change(app, case_id, accepted + timedelta(days=61),
            lambda c: services.transition(c, CaseState.EXTENDED, "user:h", reason="需现场核查"))
    sent = clock.twice(accepted + timedelta(days=87, hours=1))
    assert list(sent) == [UNIT]
    assert set(clock.twice(accepted + timedelta(days=90, hours=1))) == {HEAD, BUREAU}

    answered = accepted + timedelta(days=91)
    _change(app, case_id, answered, lambda c: services.transition(c, CaseState.ANSWERED, "user:h", answer="已发放"))
    assert clock.twice(answered + timedelta(days=28)) == {}  # the review window is the citizen's clock
    _change(app, case_id, answered + timedelta(days=29),
            lambda c: services.transition(c, CaseState.REVIEW, "citizen"))
    review = answered + timedelta(days=29)
    # A 复查 leaves the unit for the body above it (Art. 35, config/review.yaml); that body has
    # no phones configured here, so the bureau is reminded and told when it is late.
    assert list(clock.twice(review + timedelta(days=27, hours=1))) == [BUREAU]
    sent = clock.twice(review + timedelta(days=30, hours=1))
    assert "复查意见已超期" in sent[BUREAU][0]

    reminded = _events(app, case_id, "reminded")
    escalated = _events(app, case_id, "escalated")
    assert [e["stage"] for e in reminded] == ["受理告知", "办理答复", "办理答复", "复查意见"]
    # the body that reviews signs for the case like any unit (its 签收 was late too)
    assert [e["stage"] for e in escalated] == ["受理告知", "签收", "办理答复", "办理答复", "签收", "复查意见"]
    assert all(e["sms"] >= 1 for e in reminded + escalated)


def test_a_late_supervision_is_escalated_once_and_an_answer_stops_it(app):
    clock = Clock(app)
    case_id = make_case(app, "YJ2603020002", received_at=T0, needs_triage=False)
    other = make_case(app, "YJ2603020003", received_at=T0, needs_triage=False)
    for cid in (case_id, other):
        _change(app, cid, T0 + timedelta(hours=1), lambda c: services.transition(c, CaseState.ACCEPTED, "user:o"))
        _change(app, cid, T0 + timedelta(hours=2), lambda c: workflow.sign_for(c, "user:h"))
        _change(app, cid, T0 + timedelta(hours=3),
                lambda c: workflow.supervise(c, "请报告进展", (T0 + timedelta(days=5)).date(), "user:leader"))
    with app.app_context():
        supervision = db.session.execute(select(Supervision).where(Supervision.case_id == other)).scalar_one()
        workflow.answer_supervision(supervision, "已办结", "user:h")
        db.session.commit()
    assert clock.twice(T0 + timedelta(days=5, hours=1)) == {}  # due that day: not late yet
    sent = clock.twice(T0 + timedelta(days=6, hours=1))
    assert set(sent) == {HEAD, BUREAU} and "YJ2603020002" in sent[HEAD][0] and "尚未回复" in sent[HEAD][0]
    assert [e["stage"] for e in _events(app, case_id, "escalated")] == ["督办报告"]
    assert _events(app, other, "escalated") == []


def test_without_phones_configured_the_events_still_record_it(make_app):
    app = make_app()  # no UNIT_PHONES, no BUREAU_PHONES
    with app.app_context():
        _empty_tables()
    clock = Clock(app)
    case_id = make_case(app, "YJ2603020004", received_at=T0, needs_triage=False)
    assert clock.twice(T0 + timedelta(days=13)) == {}
    assert _events(app, case_id, "reminded") == [{"stage": "受理告知", "due_at": "2026-03-17T01:00:00", "sms": 0}]


def test_the_worker_schedules_one_daily_run_per_day(make_app, redis_url):
    from rq.registry import ScheduledJobRegistry

    from handlers.supervision import next_run_at, schedule_next

    app = make_app(REDIS_URL=redis_url, SUPERVISE_HOUR=8)
    with app.app_context():
        queue = app.extensions["rq_queue"]
        first = schedule_next(queue, datetime(2026, 3, 2, 1, 0))   # 09:00 local: tomorrow's 08:00
        again = schedule_next(queue, datetime(2026, 3, 2, 1, 30))  # a second worker starting
        assert first == again == "supervise-2026-03-03"
        assert ScheduledJobRegistry(queue=queue).get_job_ids() == ["supervise-2026-03-03"]
    # 23:00 UTC is 07:00 in the county: today's 08:00 local is still ahead.
    assert next_run_at(datetime(2026, 3, 2, 23, 0), 8, "Asia/Shanghai") == datetime(2026, 3, 3, 0, 0, tzinfo=timezone.utc)
