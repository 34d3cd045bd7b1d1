"""Nothing lost, nothing stuck: the database says what is left to do. A request whose
queue is down still answers with the stored reply (urgent work runs inline); the sweeper
hands pending work over again, and running a job twice does nothing twice."""
from __future__ import annotations

from datetime import timedelta

from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select, update

from handlers import queues
from handlers.inbound import classify_case
from handlers.outbound import send_message
from handlers.sweeper import schedule_sweep, sweep
from models import Case, Message, utcnow
from models.db import db
from tests.conftest import Phone, _empty_tables

URGENT = "拆迁款不给，俺明天就去县政府门口喝药，不想活了"
PLAIN = "我叫李明，文岩街道小区门口烧烤油烟太大，晚上吵得睡不着"
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there: connection refused at once


def fresh(make_app, **extra):
    app = make_app(**extra)
    with app.app_context():
        _empty_tables()
    return app


def work(app) -> None:
    with app.app_context():
        listened = queues(app)
        SimpleWorker(listened, connection=listened[0].connection).work(burst=True)


def counts(app) -> dict[str, int]:
    with app.app_context():
        db.session.expire_all()
        def n(*where):
            return db.session.execute(select(func.count()).select_from(Message).where(*where)).scalar_one()
        return {"cases": db.session.execute(select(func.count()).select_from(Case)).scalar_one(),
                "classified": db.session.execute(select(func.count()).select_from(Case)
                                                 .where(Case.classified_at.is_not(None))).scalar_one(),
                "pending": db.session.execute(select(func.count()).select_from(Case)
                                              .where(Case.classify_pending_since.is_not(None))).scalar_one(),
                "pages": n(Message.kind == "page"), "safety": n(Message.kind == "safety"),
                "replies": n(Message.kind == "reply")}


def test_redis_down_the_webhook_answers_and_urgent_work_runs_inline(make_app):
    app = fresh(make_app, REDIS_URL=DEAD_REDIS)
    replies = Phone(app.test_client()).send(URGENT)
    assert "YJ" in replies[0]
    after = counts(app)
    assert after["classified"] == 1 and after["pending"] == 0   # classified in the request
    assert after["pages"] == 1 and after["safety"] == 1          # the officer is paged at once


def test_a_job_lost_with_redis_is_found_again_by_the_sweeper(make_app, redis_url):
    app = fresh(make_app, REDIS_URL=redis_url, RQ_QUEUE="test-rel", SWEEP_GRACE_SECONDS=0)
    Phone(app.test_client()).send(URGENT)
    with app.app_context():
        app.extensions["rq_queue"].connection.flushdb()          # Redis killed: the job is gone
        assert counts(app)["pending"] == 1
        report = sweep()
    assert report.cases == 1
    work(app)
    assert counts(app) == dict(counts(app), classified=1, pending=0, pages=1, safety=1)
    with app.app_context():                                      # the job again, and the sweep again
        db.session.execute(update(Case).values(classify_pending_since=utcnow() - timedelta(minutes=5)))
        db.session.commit()
        classify_case(db.session.execute(select(Case.id)).scalar_one())
        sweep()
    work(app)
    assert counts(app)["pages"] == 1 and counts(app)["safety"] == 1  # nothing twice


def test_a_rerun_classification_job_changes_nothing(make_app, redis_url):
    app = fresh(make_app, REDIS_URL=redis_url, RQ_QUEUE="test-rel-twice")
    Phone(app.test_client()).send(URGENT)
    with app.app_context():
        case_id = db.session.execute(select(Case.id)).scalar_one()
        classify_case(case_id)
        classify_case(case_id)
    work(app)                                                    # and the queued one after them
    assert counts(app)["pages"] == 1 and counts(app)["pending"] == 0


def test_sweep_from_cron_without_redis(make_app):
    app = fresh(make_app, SWEEP_GRACE_SECONDS=0)
    with app.app_context():
        # A case stored with its classification still pending (a crash after the commit).
        Phone(app.test_client()).send(PLAIN)
        db.session.execute(update(Case).values(classified_at=None, issue_type=None,
                                               classify_pending_since=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert "cases 1" in result.output, result.output
    assert counts(app)["classified"] == 1 and counts(app)["pending"] == 0


def test_an_early_retry_goes_back_to_sleep(make_app, redis_url):
    app = fresh(make_app, REDIS_URL=redis_url, RQ_QUEUE="test-rel-early")
    with app.app_context():
        from cases.outbox import queue_message

        message = queue_message("+8613800000000", "sms", "【延津信访】通知", "notice")
        message.next_attempt_at = utcnow() + timedelta(seconds=1.5)
        db.session.commit()
        send_message(message.id)                                 # rq woke it up a moment early
        db.session.refresh(message)
        assert message.state == "queued"
        registry = ScheduledJobRegistry(queue=app.extensions["rq_queue"])
        [job_id] = registry.get_job_ids()
        when = registry.get_scheduled_time(job_id).replace(tzinfo=None)
        assert when >= message.next_attempt_at                   # never early again


def test_the_sweep_reschedules_itself_once(make_app, redis_url):
    app = fresh(make_app, REDIS_URL=redis_url, RQ_QUEUE="test-rel-sweep")
    with app.app_context():
        assert schedule_sweep() is True
        assert schedule_sweep() is False                         # one scheduled sweep, not a pile
        assert len(ScheduledJobRegistry(queue=app.extensions["rq_urgent"])) == 1


def test_classification_goes_to_the_urgent_queue(make_app, redis_url):
    app = fresh(make_app, REDIS_URL=redis_url, RQ_QUEUE="test-rel-urgent")
    Phone(app.test_client()).send(PLAIN)
    with app.app_context():
        assert app.extensions["rq_urgent"].count == 1 and app.extensions["rq_queue"].count == 0


def test_a_redis_that_just_failed_is_not_asked_again_at_once(make_app, monkeypatch):
    from rq import Queue

    app = fresh(make_app, REDIS_URL=DEAD_REDIS)
    calls = []
    original = Queue.enqueue
    monkeypatch.setattr(Queue, "enqueue", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    Phone(app.test_client(), "+8613800000001").send(PLAIN)
    Phone(app.test_client(), "+8613800000002").send(PLAIN)
    assert len(calls) == 1                                       # the second went straight to inline
    assert counts(app)["classified"] == 2


def test_the_worker_schedules_the_sweep_at_maintenance(make_app, redis_url):
    from handlers.worker import GatewayWorker

    app = fresh(make_app, REDIS_URL=redis_url, RQ_QUEUE="test-rel-maint", SWEEP_INTERVAL_SECONDS=10)
    worker = GatewayWorker(queues(app), app, connection=app.extensions["rq_queue"].connection)
    assert worker.maintenance_interval == 10 and worker.dequeue_timeout == 10
    worker.run_maintenance_tasks()
    registry = ScheduledJobRegistry(queue=app.extensions["rq_urgent"])
    [job_id] = registry.get_job_ids()
    with app.app_context():
        from rq.job import Job

        assert Job.fetch(job_id, connection=app.extensions["rq_queue"].connection).func_name.endswith("sweep_job")
