"""A corpus of malformed, oversized, hostile and forged input: a clear 4xx or a polite
reply, never a 500, and the message kept whenever it was a real one."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.db import db
from models import Case, Message
from tests.conftest import BASE_URL, Phone, replies_of, sign

HOSTILE_BODIES = [
    "<script>alert(1)</script>东屯镇欠薪",
    "'; DROP TABLE cases; --",
    "{{7*7}} {% raw %} ${jndi:ldap://x}",
    "\x00\x01\x02 控制字符",
    "🙏🙏🙏 救救孩子吧 😭",
    "A" * 5000,
    "欠" * 5000,
    "\u202e\u200b零宽字符和反向",
    "%s%s%n%x",
    "../../etc/passwd",
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_hostile_bodies_are_stored_and_answered(app, phone, body):
    form = phone.form(body)
    response = phone.post(form)
    assert response.status_code == 200
    replies = replies_of(response)
    assert replies and all(r.startswith("【延津信访】") for r in replies)
    with app.app_context():
        message = db.session.execute(select(Message).where(Message.provider_id == form["MessageSid"])).scalar_one()
        assert message.body == body.replace("\x00", "\ufffd") or message.body == body
        assert message.raw


def test_empty_body_gets_polite_reply_and_is_kept(app, phone):
    [reply] = phone.send("")
    assert "为空" in reply
    [reply] = phone.send("   \n ")
    assert "为空" in reply
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Message)).scalar_one() == 2
        assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 0


@pytest.mark.parametrize("missing", ["MessageSid", "From"])
def test_missing_required_field_is_400(app, phone, missing):
    form = phone.form("东屯镇欠薪")
    del form[missing]
    response = phone.post(form)
    assert response.status_code == 400
    assert missing in response.json["message"]


def test_unknown_content_type_is_415(client):
    response = client.post("/webhooks/twilio", data='{"Body": "x"}', content_type="application/json",
                           headers={"X-Twilio-Signature": "x"})
    assert response.status_code == 415
    response = client.post("/webhooks/twilio", data=b"x", content_type="text/plain")
    assert response.status_code == 415


def test_unknown_channel_is_404(client):
    assert client.post("/webhooks/nosuch", data={"a": "b"}).status_code == 404


def test_oversized_request_is_413(client):
    response = client.post("/webhooks/twilio", data={"Body": "x" * (300 * 1024)})
    assert response.status_code == 413


def test_invalid_utf8_is_kept_and_answered(make_app):
    app = make_app(TWILIO_AUTH_TOKEN=None)
    with app.app_context():
        from tests.conftest import _empty_tables
        _empty_tables()
    client = app.test_client()
    raw = b"MessageSid=SMbadutf8&From=%2B8613800000000&Body=%E4%B8%9C%FF%FE%E5%B1%AF"
    response = client.post("/webhooks/twilio", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert replies_of(response)[0].startswith("【延津信访】")
    with app.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        # The undecodable bytes stay visible (werkzeug keeps them escaped); nothing is lost.
        assert message.body.startswith("东") and message.body.endswith("屯") and "%FF" in message.raw


def test_get_on_webhook_is_405(client):
    assert client.get("/webhooks/twilio").status_code == 405


def test_forged_replay_of_a_real_message_is_refused(app, phone):
    form = phone.form("东屯镇欠薪")
    good = sign(BASE_URL + "/webhooks/twilio", form)
    assert phone.post(form, signature=good).status_code == 200
    forged = dict(form, From="+8613999999999")
    assert phone.post(forged, signature=good).status_code == 403


def test_a_message_whose_processing_fails_is_kept_and_retried(app, phone, monkeypatch):
    """A bug in the conversation must not lose the message: it is stored as failed, the
    citizen gets a polite answer, and `messages retry-failed` handles it later."""
    import conversation.dialogue as dialogue
    import gateway.inbound as inbound

    real = dialogue.respond
    monkeypatch.setattr(inbound, "respond", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    [reply] = phone.send("我叫张三，东屯镇欠薪三个月")
    assert "已收到并保存" in reply
    with app.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        assert message.state == "failed" and message.body == "我叫张三，东屯镇欠薪三个月"
        assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 0
    monkeypatch.setattr(inbound, "respond", real)
    result = app.test_cli_runner().invoke(args=["messages", "retry-failed"])
    assert "reprocessed 1 of 1" in result.output, result.output
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        out = db.session.execute(select(Message).where(Message.direction == "out")).scalars().all()
        assert any(case.number in m.body for m in out) and all(m.state == "outbox" for m in out)
        assert db.session.execute(select(Message.state).where(Message.direction == "in")).scalar_one() == "processed"
