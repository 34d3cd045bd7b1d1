"""The queue path: with REDIS_URL the webhook answers without classifying, and a real rq
worker on a real Redis classifies the case afterwards."""
from __future__ import annotations

from rq import SimpleWorker
from sqlalchemy import select

from handlers import queues
from models.db import db
from models import Case, Message
from tests.conftest import Phone, _empty_tables


def test_webhook_enqueues_and_worker_classifies(make_app, redis_url, monkeypatch):
    app = make_app(REDIS_URL=redis_url, RQ_QUEUE="test-gateway")
    with app.app_context():
        _empty_tables()
    # No jieba work inside the request when a queue is configured.
    app.extensions.pop("classifier")
    phone = Phone(app.test_client())
    [reply] = phone.send("我叫李明，文岩街道小区门口烧烤油烟太大，晚上吵得睡不着")
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.number in reply
        assert case.classified_at is None and case.issue_type is None
        assert "classifier" not in app.extensions
        queue = app.extensions["rq_urgent"]  # classification goes ahead of outbound sends
        assert queue.count == 1
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        db.session.expire_all()
        case = db.session.execute(select(Case)).scalar_one()
        assert case.classified_at is not None and case.township == "wenyan"
        assert case.model_version
        assert queue.count == 0


def test_urgent_case_pages_on_duty_through_the_queue(make_app, redis_url):
    app = make_app(REDIS_URL=redis_url, RQ_QUEUE="test-gateway-urgent")
    with app.app_context():
        _empty_tables()
    Phone(app.test_client()).send("拆迁款不给，俺明天就去县政府门口喝药，不想活了")
    with app.app_context():
        listened = queues(app)
        SimpleWorker(listened, connection=listened[0].connection).work(burst=True)
        db.session.expire_all()
        case = db.session.execute(select(Case)).scalar_one()
        assert case.urgent
        page = db.session.execute(select(Message).where(Message.kind == "page")).scalar_one()
        assert page.address == "+8613900000001" and case.number in page.body
        assert page.state == "outbox"  # no provider credentials: recorded, not sent


def test_threat_in_a_supplement_is_checked_by_the_worker(make_app, redis_url):
    """Queued mode: the request does no jieba work; the worker's danger check of the 补充
    flags the accepted case, pages the on-duty officer and tells the citizen 110/120."""
    from cases import services

    app = make_app(REDIS_URL=redis_url, RQ_QUEUE="test-gateway-danger")
    with app.app_context():
        _empty_tables()
    phone = Phone(app.test_client())
    phone.send("我叫张三，东屯镇工地拖欠工资三个月")
    with app.app_context():
        listened = queues(app)   # urgent work (classification, the danger check) first
        SimpleWorker(listened, connection=listened[0].connection).work(burst=True)
        case = db.session.execute(select(Case)).scalar_one()
        case.department = "hrss"
        services.transition(case, "accepted", "user:o")
        db.session.commit()
        number = case.number
    app.extensions.pop("classifier")
    [reply] = phone.send(f"补充{number} 老板再不给钱我就去他家门口喝药")
    assert "已将补充内容加入" in reply
    with app.app_context():
        assert "classifier" not in app.extensions  # nothing heavy in the request
        assert app.extensions["rq_urgent"].count >= 1  # the danger check waits on the urgent queue
        SimpleWorker(listened, connection=listened[0].connection).work(burst=True)
        db.session.expire_all()
        case = db.session.execute(select(Case)).scalar_one()
        assert case.urgent and case.state == "accepted"
        kinds = [m.kind for m in db.session.execute(select(Message).where(Message.direction == "out")).scalars()]
        assert kinds.count("page") == 1 and kinds.count("safety") == 1
        safety = db.session.execute(select(Message).where(Message.kind == "safety")).scalar_one()
        assert "110" in safety.body and safety.address == "+8613800000000"
