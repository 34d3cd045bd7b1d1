"""Flooding (issue 11): cookieless web-chat posts opening case after case, Open311 posts per
key, a phone opening dozens of cases a day, urgent posts paging the duty phone again and
again, and one identity growing one case without end. Each attack is replayed; what gets
through is bounded."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.keys import create_key
from models import Case, Message
from models.db import db
from tests.conftest import Phone, _empty_tables

URGENT = "东屯镇有人拿着刀说要杀人，就在集上，快来人"


@pytest.fixture
def fresh(make_app):
    """Factory: an app with extra settings on emptied tables."""
    def build(**extra):
        app = make_app(**extra)
        with app.app_context():
            _empty_tables()
        return app
    return build


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_cookieless_chat_posts_open_at_most_five_cases_per_address_an_hour(app):
    client = app.test_client()
    codes = []
    for i in range(12):
        client.delete_cookie("chat_id")  # a new anonymous identity every time
        codes.append(client.post("/api/chat/messages", json={"text": f"东屯镇第{i}号路灯坏了"}).status_code)
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
    assert count(app, Case) == 5
    refused = client.post("/api/chat/messages", json={"text": "再来一件"})
    assert refused.status_code == 429 and refused.json["message"] == "请求过于频繁，请稍后再试。"
    other = from_address(app, "192.0.2.44")
    assert other.post("/api/chat/messages", json={"text": "塔铺街道排水沟堵了"}).status_code == 200


def test_chat_replies_in_one_conversation_do_not_count_as_new_cases(fresh):
    app = fresh(WEBCHAT_CASES_PER_HOUR=1)
    client = app.test_client()
    assert client.post("/api/chat/messages", json={"text": "东屯镇建筑工地拖欠工资三个月"}).status_code == 200
    assert client.post("/api/chat/messages", json={"text": "我叫王五"}).status_code == 200  # answers our question


def test_open311_posts_are_limited_per_key(fresh):
    app = fresh(OPEN311_POST_RATE="2 per hour")
    with app.app_context():
        first, second = create_key("app-one"), create_key("app-two")
    client = app.test_client()
    form = {"service_code": "transport", "address_string": "东屯镇十字路口", "description": "红绿灯坏了"}
    codes = [client.post("/open311/v2/requests.json", data={**form, "api_key": first}).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    limited = client.post("/open311/v2/requests.json", data={**form, "api_key": first})
    assert limited.json[0]["code"] == 429 and "请求过于频繁" in limited.json[0]["description"]
    assert client.post("/open311/v2/requests.json", data={**form, "api_key": second}).status_code == 201


def test_a_phone_past_the_daily_cap_joins_its_latest_case(fresh):
    app = fresh(DAILY_CASE_LIMIT=3, THREAD_WINDOW_MINUTES=0)
    phone = Phone(app.test_client(), "+8613800008888")
    for i in range(6):
        phone.send(f"我叫李雷，东屯镇第{i}件事：路灯坏了")
    assert count(app, Case) == 3
    with app.app_context():
        latest = db.session.execute(select(Case).order_by(Case.id.desc())).scalars().first()
        assert "第5件事" in latest.text
    assert any("已并入" in reply for reply in phone.send("我叫李雷，东屯镇第7件事"))


def test_thirty_anonymous_urgent_posts_page_the_duty_phones_a_bounded_number_of_times(fresh):
    app = fresh(ONDUTY_PHONES=["+8613900000001", "+8613900000002"], PAGE_HOURLY_LIMIT=10)
    for i in range(30):
        client = from_address(app, f"198.51.100.{i}")
        assert client.post("/api/chat/messages", json={"text": URGENT}).status_code == 200
    assert count(app, Case, Case.urgent.is_(True)) == 30  # every case is kept, urgent on top of the queue
    pages = count(app, Message, Message.kind == "page")
    summaries = count(app, Message, Message.kind == "page_summary")
    assert pages == 20 and summaries == 2  # 10 cases x 2 phones, then one summary per phone


def test_one_sender_is_paged_for_once_an_hour(fresh):
    app = fresh(ONDUTY_PHONES=["+8613900000001"], THREAD_WINDOW_MINUTES=0)
    phone = Phone(app.test_client(), "+8613800009999")
    for _ in range(5):
        phone.send("我叫韩梅梅，" + URGENT)
    assert count(app, Message, Message.kind == "page") == 1


def test_a_case_does_not_grow_past_the_text_limit(fresh):
    app = fresh(CASE_TEXT_LIMIT=2000)
    phone = Phone(app.test_client(), "+8613800001234")
    phone.send("我叫李雷，东屯镇建筑工地拖欠工资三个月")
    with app.app_context():
        number = db.session.execute(select(Case.number)).scalar_one()
    replies = []
    for _ in range(5):
        replies += phone.send(f"补充 {number} " + "很长的补充" * 100)
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert len(case.text) <= 2000
        kept = db.session.execute(select(func.count()).select_from(Message).where(
            Message.case_id == case.id, Message.direction == "in")).scalar_one()
    assert kept == 6  # every supplement is stored and linked to the case
    assert any("内容已达上限" in reply for reply in replies)
