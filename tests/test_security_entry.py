"""Security of the public entry points (docs/security.md): WeChat replays and downgrades,
fail-closed production start, /metrics behind a token, secrets kept out of logs, and the
security headers on every response. Each test plays the attack and shows it fails."""
from __future__ import annotations

import logging
import time
import uuid

import pytest
import xmltodict
from sqlalchemy import func, select

from config import ConfigError
from core.app import create_app
from core.logging import RedactingFilter
from gateway.wechat import signature
from models import Message
from models.db import db
from tests.conftest import Phone, _config, _empty_tables

TOKEN = "wechat-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OPENID = "oQ3bW5xY2mZ8n4K7pL1sT9vD6eRu"


def text_xml(content: str, msg_id: str | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_3f7e9b2c1a44]]></ToUserName><FromUserName><![CDATA[{OPENID}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id or uuid.uuid4().int % 10**18}</MsgId></xml>")


def signed_query(timestamp: int | None = None, **extra) -> dict:
    timestamp, nonce = str(timestamp or int(time.time())), uuid.uuid4().hex[:10]
    return {"signature": signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
            "openid": OPENID, **extra}


def post(client, body: str, query: dict):
    return client.post("/webhooks/wechat", query_string=query, data=body.encode(), content_type="text/xml")


@pytest.fixture(params=["database", "redis"])
def wx(request, make_app):
    extra = {"REDIS_URL": request.getfixturevalue("redis_url")} if request.param == "redis" else {}
    app = make_app(WECHAT_TOKEN=TOKEN, WECHAT_APP_ID="wx0123456789abcdef", **extra)
    with app.app_context():
        _empty_tables()
    return app


def stored(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(Message.body).where(Message.direction == "in")).scalars())


# --- 1. WeChat replay -----------------------------------------------------------------

def test_a_seen_signed_query_cannot_carry_another_body(wx):
    client, query = wx.test_client(), signed_query()
    assert post(client, text_xml("东屯镇拖欠工资三个月"), query).status_code == 200
    forged = post(client, text_xml("退订"), query)  # the query string copied from a log
    assert forged.status_code == 403
    assert stored(wx) == ["东屯镇拖欠工资三个月"]


def test_wechat_retry_of_the_same_body_with_the_same_signature_is_answered_again(wx):
    client, query, body = wx.test_client(), signed_query(), text_xml("东屯镇拖欠工资三个月", "6000000000000001")
    first, retry = post(client, body, query), post(client, body, query)
    assert first.status_code == retry.status_code == 200
    assert first.get_data() == retry.get_data() and len(stored(wx)) == 1


@pytest.mark.parametrize("skew", [-301, 301, 86400])
def test_stale_or_future_timestamps_are_refused(wx, skew):
    response = post(wx.test_client(), text_xml("查询"), signed_query(int(time.time()) + skew))
    assert response.status_code == 403 and stored(wx) == []


def test_with_an_aes_key_plaintext_is_a_refused_downgrade(make_app):
    app = make_app(WECHAT_TOKEN=TOKEN, WECHAT_AES_KEY=AES_KEY, WECHAT_APP_ID="wx0123456789abcdef")
    with app.app_context():
        _empty_tables()
    assert post(app.test_client(), text_xml("退订"), signed_query()).status_code == 403
    assert stored(app) == []


# --- 2. fail closed in production -------------------------------------------------------

def _production(model_dir, **extra):
    return create_app(_config("sqlite://", model_dir, APP_ENV="production", **extra))


def test_production_without_twilio_token_does_not_start(model_dir):
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):
        _production(model_dir, TWILIO_AUTH_TOKEN=None)


def test_production_with_wechat_enabled_needs_its_token(model_dir):
    with pytest.raises(ConfigError, match="WECHAT_TOKEN"):
        _production(model_dir, WECHAT_APP_ID="wx0123456789abcdef", WECHAT_TOKEN=None)
    assert _production(model_dir).config["APP_ENV"] == "production"  # token set, WeChat off: starts


def test_production_never_accepts_an_unsigned_post(make_app):
    from gateway.twilio import TwilioChannel

    app = make_app()
    with app.test_request_context("/webhooks/twilio", method="POST", data={"From": "+8613800000000"}):
        assert TwilioChannel().verify(__import__("flask").request, {"APP_ENV": "production"}) is False
        assert TwilioChannel().verify(__import__("flask").request, {"APP_ENV": "development"}) is True
    unsigned = app.test_client().post("/webhooks/twilio", data=Phone(None).form("退订"))
    assert unsigned.status_code == 403


# --- 11. logs and metrics -----------------------------------------------------------------

def _filtered(msg: str, args) -> str:
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, msg, args, None)
    RedactingFilter().filter(record)
    return record.getMessage()


def test_access_log_lines_lose_keys_signatures_and_openids():
    werkzeug_line = _filtered('%s - - "%s" %s', ("10.0.0.1", "POST /webhooks/wechat?signature=abc123&timestamp=1"
                                                 "&nonce=n1&openid=oQ3bW5&encrypt_type=aes&msg_signature=ff HTTP/1.1",
                                                 "200"))
    gunicorn_line = _filtered('%(h)s "%(r)s" %(s)s', {"h": "10.0.0.1", "s": "200",
                                                      "r": "GET /open311/v2/requests.json?api_key=SECRETKEY&x=1"})
    for secret in ("abc123", "oQ3bW5", "n1&", "SECRETKEY", "msg_signature=ff"):
        assert secret not in werkzeug_line + gunicorn_line
    assert "signature=[redacted]" in werkzeug_line and "api_key=[redacted]&x=1" in gunicorn_line
    assert "encrypt_type=aes" in werkzeug_line


def test_metrics_are_absent_without_a_token_and_closed_without_the_bearer(make_app):
    assert make_app().test_client().get("/metrics").status_code == 404
    client = make_app(METRICS_TOKEN="s3cret").test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200


# --- 12. headers on every response ----------------------------------------------------------

@pytest.mark.parametrize("path", ["/console/login", "/chat", "/healthz", "/nowhere", "/openapi.json",
                                  "/open311/v2/services.xml"])
def test_every_response_carries_the_security_headers(make_app, path):
    response = make_app().test_client().get(path)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_in_production(make_app):
    response = make_app(APP_ENV="production").test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_webhook_count_unchanged_by_refused_posts(wx):
    """Refusals store nothing (the count of inbound rows stays as it was)."""
    client = wx.test_client()
    post(client, text_xml("a"), {"signature": "0" * 40, "timestamp": str(int(time.time())), "nonce": "x"})
    with wx.app_context():
        assert db.session.execute(select(func.count()).select_from(Message)).scalar_one() == 0
