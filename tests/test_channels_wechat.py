"""WeChat Official Account with real payload shapes, plain and AES mode: the echo check,
signatures (forged, tampered, replayed), MsgId dedupe of WeChat's retries, follow events,
non-text messages, and the customer-service API with one shared access token."""
from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import xmltodict
from sqlalchemy import func, select
from wechatpy.crypto import WeChatCrypto

from models.db import db
from cases.outbox import dispatch, queue_message
from gateway.wechat import signature
from models import Case, ChannelToken, Contact, Message, utcnow
from tests.conftest import _empty_tables

PAYLOADS = Path(__file__).parent / "payloads"
TOKEN = "wechat-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx0123456789abcdef"
OPENID = "oQ3bW5xY2mZ8n4K7pL1sT9vD6eRu"


def xml(name: str) -> str:
    return (PAYLOADS / name).read_text(encoding="utf-8")


@pytest.fixture
def wx_app(make_app, fake):
    app = make_app(WECHAT_TOKEN=TOKEN, WECHAT_AES_KEY=AES_KEY, WECHAT_APP_ID=APP_ID, WECHAT_APP_SECRET="secret",
                   WECHAT_API_BASE=fake.url)
    with app.app_context():
        _empty_tables()
    return app


class WeChatServer:
    """Plays WeChat's servers: signs (and in AES mode encrypts) what it posts."""

    def __init__(self, client, token: str = TOKEN) -> None:
        self.client, self.token = client, token

    def query(self, **extra) -> dict:
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
        return {"signature": signature(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, **extra}

    def post(self, body: str, query: dict | None = None):
        return self.client.post("/webhooks/wechat", query_string=query or self.query(openid=OPENID), data=body.encode(),
                                content_type="text/xml")

    def post_aes(self, body: str, crypto: WeChatCrypto | None = None, tamper=None):
        query = self.query(encrypt_type="aes", openid=OPENID)
        envelope = xmltodict.parse((crypto or aes()).encrypt_message(body, query["nonce"], query["timestamp"]))["xml"]
        query["msg_signature"] = envelope["MsgSignature"]
        encrypted = tamper(envelope["Encrypt"]) if tamper else envelope["Encrypt"]
        return self.post(f"<xml><ToUserName><![CDATA[gh_3f7e9b2c1a44]]></ToUserName>"
                         f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>", query), query


def aes(app_id: str = APP_ID) -> WeChatCrypto:
    return WeChatCrypto(TOKEN, AES_KEY, app_id)


def reply_of(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    return xmltodict.parse(response.get_data(as_text=True))["xml"]


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_echo_check(wx_app):
    server = WeChatServer(wx_app.test_client())
    response = server.client.get("/webhooks/wechat", query_string=server.query(echostr="5837397749328573"))
    assert response.status_code == 200 and response.get_data(as_text=True) == "5837397749328573"
    forged = dict(server.query(echostr="1"), signature="0" * 40)
    assert server.client.get("/webhooks/wechat", query_string=forged).status_code == 403
    assert server.client.get("/webhooks/wechat").status_code == 403


def test_without_a_token_nothing_is_accepted(app, client):
    server = WeChatServer(client)
    assert client.get("/webhooks/wechat", query_string=server.query(echostr="1")).status_code == 403
    assert server.post(xml("wechat_text.xml")).status_code == 403


def test_plain_text_message_gets_passive_reply_with_case_number(wx_app):
    reply = reply_of(WeChatServer(wx_app.test_client()).post(xml("wechat_text.xml")))
    assert reply["ToUserName"] == OPENID and reply["FromUserName"] == "gh_3f7e9b2c1a44"
    assert reply["MsgType"] == "text" and reply["Content"].startswith("【延津信访】")
    with wx_app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.number in reply["Content"] and case.channel == "wechat"
        message = db.session.execute(select(Message)).scalar_one()
        assert message.address == OPENID and message.provider_id == "24851761536918293"
        assert "<MsgId>" in message.raw


def test_wechat_retries_are_answered_alike_and_stored_once(wx_app):
    server = WeChatServer(wx_app.test_client())
    replies = [reply_of(server.post(xml("wechat_text.xml")))["Content"] for _ in range(4)]  # first + 3 retries
    assert len(set(replies)) == 1
    with wx_app.app_context():
        assert count(Message) == 1 and count(Case) == 1


def test_forged_signature_is_refused_and_nothing_stored(wx_app):
    server = WeChatServer(wx_app.test_client())
    assert server.post(xml("wechat_text.xml"), dict(server.query(), signature="f" * 40)).status_code == 403
    assert WeChatServer(wx_app.test_client(), token="other").post(xml("wechat_text.xml")).status_code == 403
    with wx_app.app_context():
        assert count(Message) == 0


def test_aes_mode_round_trip(wx_app):
    server = WeChatServer(wx_app.test_client())
    response, query = server.post_aes(xml("wechat_text.xml"))
    envelope = reply_of(response)
    assert "Encrypt" in envelope and "Content" not in envelope
    plain = aes().decrypt_message(response.get_data(as_text=True), envelope["MsgSignature"],
                                  envelope["TimeStamp"], envelope["Nonce"])
    reply = xmltodict.parse(plain)["xml"]
    assert reply["ToUserName"] == OPENID and "【延津信访】" in reply["Content"]
    with wx_app.app_context():
        assert db.session.execute(select(Message.body)).scalar_one().startswith("我叫李明")


@pytest.mark.parametrize("how", ["msg_signature", "tampered", "other_account"])
def test_aes_forgeries_are_403(wx_app, how):
    server = WeChatServer(wx_app.test_client())
    if how == "msg_signature":
        query = server.query(encrypt_type="aes", msg_signature="0" * 40)
        response = server.post("<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>", query)
    elif how == "tampered":
        response, _ = server.post_aes(xml("wechat_text.xml"), tamper=lambda e: e[:-8] + "AAAAAAA=")
    else:
        response, _ = server.post_aes(xml("wechat_text.xml"), crypto=aes("wxotheraccount00000"))
    assert response.status_code == 403
    with wx_app.app_context():
        assert count(Message) == 0


def test_subscribe_welcomes_and_unsubscribe_opts_out(wx_app):
    server = WeChatServer(wx_app.test_client())
    welcome = reply_of(server.post(xml("wechat_subscribe.xml")))
    assert "查询" in welcome["Content"] and welcome["Content"].startswith("【延津信访】")
    response = server.post(xml("wechat_unsubscribe.xml"))
    assert response.status_code == 200 and response.get_data(as_text=True) == "success"
    with wx_app.app_context():
        contact = db.session.execute(select(Contact)).scalar_one()
        assert contact.opted_out is True
        assert sorted(db.session.execute(select(Message.intent)).scalars()) == ["subscribe", "unsubscribe"]
        assert count(Case) == 0


@pytest.mark.parametrize("name, kind", [("wechat_image.xml", "image"), ("wechat_voice.xml", "voice"),
                                        ("wechat_location.xml", "location")])
def test_non_text_messages_are_stored_and_answered_politely(wx_app, name, kind):
    server = WeChatServer(wx_app.test_client())
    reply = reply_of(server.post(xml(name)))
    assert "文字" in reply["Content"]
    assert reply_of(server.post(xml(name)))["Content"] == reply["Content"]  # retry
    with wx_app.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        assert message.media[0]["type"] == kind and count(Case) == 0


def test_recognised_voice_is_read_as_text(wx_app):
    body = xml("wechat_voice.xml").replace("<Recognition><![CDATA[]]>", "<Recognition><![CDATA[东屯镇路灯坏了半个月]]>")
    reply = reply_of(WeChatServer(wx_app.test_client()).post(body))
    with wx_app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.number in reply["Content"] and "路灯" in case.text


@pytest.mark.parametrize("body", [
    "", "not xml", "<xml>", "<root><a>1</a></root>", "<xml><MsgType>text</MsgType></xml>",
    "<xml><FromUserName>o1</FromUserName><MsgType>text</MsgType></xml>",
    "<xml><FromUserName><a>1</a></FromUserName><MsgType>text</MsgType><MsgId>1</MsgId></xml>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>',
    "<xml><FromUserName>o1</FromUserName><MsgType>event</MsgType></xml>",
])
def test_malformed_xml_is_400(wx_app, body):
    assert WeChatServer(wx_app.test_client()).post(body).status_code == 400


def test_aes_without_encrypt_element_is_400(wx_app):
    server = WeChatServer(wx_app.test_client())
    assert server.post(xml("wechat_text.xml"), server.query(encrypt_type="aes", msg_signature="x")).status_code == 400


def test_wrong_content_type_is_415(wx_app):
    server = WeChatServer(wx_app.test_client())
    response = server.client.post("/webhooks/wechat", query_string=server.query(), data={"a": "b"})
    assert response.status_code == 415


def wechat_message(app, body: str = "【延津信访】您的信访件已受理。", hours_ago: float = 1) -> int:
    with app.app_context():
        contact = db.session.execute(select(Contact).where(Contact.address == OPENID)).scalar_one_or_none()
        if contact is None:
            contact = Contact(channel="wechat", address=OPENID, dialogue={}, opted_out=False)
            db.session.add(contact)
        contact.last_inbound_at = utcnow() - timedelta(hours=hours_ago)
        message = queue_message(OPENID, "wechat", body, "notice", contact=contact)
        db.session.commit()
        dispatch([message])
        return message.id


def state(app, message_id: int) -> tuple[str, str | None]:
    with app.app_context():
        message = db.session.get(Message, message_id)
        return message.state, message.error


def test_customer_service_messages_share_one_token(wx_app, fake):
    first, second = wechat_message(wx_app), wechat_message(wx_app, "【延津信访】第二条")
    assert state(wx_app, first) == ("sent", None) and state(wx_app, second)[0] == "sent"
    assert fake.token_count == 1
    sent = fake.wechat_sent()
    assert [m["text"]["content"] for m in sent] == ["【延津信访】您的信访件已受理。", "【延津信访】第二条"]
    assert sent[0]["touser"] == OPENID
    assert "延津".encode() in fake.requests[1]["raw"]  # characters, not \\u escapes
    with wx_app.app_context():
        assert db.session.get(ChannelToken, "wechat_access_token").value == "TOKEN1"


def test_revoked_token_is_refreshed_once(wx_app, fake):
    fake.wechat_script = [{"errcode": 40001, "errmsg": "invalid credential"}]
    message_id = wechat_message(wx_app)
    assert state(wx_app, message_id)[0] == "sent" and fake.token_count == 2


def test_customer_service_window_is_48_hours(wx_app, fake):
    message_id = wechat_message(wx_app, hours_ago=49)
    assert state(wx_app, message_id)[0] == "failed" and fake.requests == []


@pytest.mark.parametrize("errcode, expected", [(45015, "failed"), (-1, "queued"), (43004, "failed")])
def test_wechat_errors(wx_app, fake, errcode, expected):
    fake.wechat_script = [{"errcode": errcode, "errmsg": "x"}]
    message_id = wechat_message(wx_app)
    assert state(wx_app, message_id)[0] == expected
    if errcode == 43004:
        with wx_app.app_context():
            assert db.session.execute(select(Contact.opted_out)).scalar_one() is True


def test_token_is_shared_through_redis(make_app, fake, redis_url):
    from rq import SimpleWorker

    app = make_app(WECHAT_TOKEN=TOKEN, WECHAT_APP_ID=APP_ID, WECHAT_APP_SECRET="secret", WECHAT_API_BASE=fake.url,
                   REDIS_URL=redis_url, RQ_QUEUE="test-wechat")
    with app.app_context():
        _empty_tables()
    ids = [wechat_message(app, f"【延津信访】{i}") for i in range(3)]
    with app.app_context():
        queue = app.extensions["rq_queue"]
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert queue.connection.get("gateway:wechat_access_token") == b"TOKEN1"
    assert [state(app, i)[0] for i in ids] == ["sent"] * 3 and fake.token_count == 1
