"""The queue path: with REDIS_URL the webhook answers without classifying, and a real rq
worker on a real Redis classifies the case afterwards."""
from __future__ import annotations

from rq import SimpleWorker
from sqlalchemy import select

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
        queue = app.extensions["rq_queue"]
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
        queue = app.extensions["rq_queue"]
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        db.session.expire_all()
        case = db.session.execute(select(Case)).scalar_one()
        assert case.urgent
        page = db.session.execute(select(Message).where(Message.kind == "page")).scalar_one()
        assert page.address == "+8613900000001" and case.number in page.body
        assert page.state == "outbox"  # no provider credentials: recorded, not sent
