"""Twilio channels with real payload shapes: SMS, MMS, WhatsApp, Messenger inbound, and
status callbacks in and out of order, forged, replayed, and before the send job's commit.
Signatures come from twilio's own RequestValidator."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from models.db import db
from cases.outbox import queue_message
from models import Contact, Message
from tests.conftest import BASE_URL, replies_of, sign

PAYLOADS = Path(__file__).parent / "payloads"
STATUS_URL = BASE_URL + "/webhooks/twilio/status"


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def post(client, url: str, form: dict, signature: str | None = None):
    signature = sign(url, form) if signature is None else signature
    return client.post(url[len(BASE_URL):], data=form, headers={"X-Twilio-Signature": signature})


@pytest.mark.parametrize("name, channel, media", [
    ("twilio_sms.json", "sms", 0), ("twilio_mms.json", "sms", 2),
    ("twilio_whatsapp.json", "whatsapp", 0), ("twilio_messenger.json", "messenger", 0),
])
def test_real_inbound_payloads(app, client, name, channel, media):
    form = payload(name)
    response = post(client, BASE_URL + "/webhooks/twilio", form)
    assert response.status_code == 200
    assert replies_of(response)[0].startswith("【延津信访】")
    again = post(client, BASE_URL + "/webhooks/twilio", form)   # Twilio's retry
    assert replies_of(again) == replies_of(response)
    with app.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        assert message.channel == channel and message.address == form["From"]
        assert len(message.media) == media and message.provider_id == form["MessageSid"]


def outbound(app, sid: str | None = "SM1f2e3d4c5b6a79881f2e3d4c5b6a7988", state: str = "sent") -> int:
    with app.app_context():
        contact = Contact(channel="sms", address="+8613800000000", dialogue={}, opted_out=False)
        db.session.add(contact)
        message = queue_message(contact.address, "sms", "【延津信访】通知", "notice", contact=contact)
        message.provider_id, message.state, message.status_rank = sid, state, {"sent": 2, "sending": 1}[state]
        db.session.commit()
        return message.id


def state_of(app, message_id: int) -> tuple[str, int, str | None]:
    with app.app_context():
        message = db.session.get(Message, message_id)
        return message.state, message.status_rank, message.error


def test_status_callbacks_in_order(app, client):
    message_id = outbound(app)
    for name in ("twilio_status_sent.json", "twilio_status_delivered.json"):
        assert post(client, f"{STATUS_URL}?m={message_id}", payload(name)).status_code == 204
    assert state_of(app, message_id) == ("delivered", 3, None)


def test_an_older_status_never_overwrites_a_newer_one(app, client):
    message_id = outbound(app)
    assert post(client, STATUS_URL, payload("twilio_status_delivered.json")).status_code == 204
    assert post(client, STATUS_URL, payload("twilio_status_sent.json")).status_code == 204
    assert post(client, STATUS_URL, payload("twilio_status_undelivered_21610.json")).status_code == 204
    assert state_of(app, message_id)[:2] == ("delivered", 3)


def test_status_before_the_send_job_recorded_the_sid(app, client):
    """Twilio may call back before messages.create() returned: ?m= names our message."""
    message_id = outbound(app, sid=None, state="sending")
    form = payload("twilio_status_delivered.json")
    assert post(client, f"{STATUS_URL}?m={message_id}", form).status_code == 204
    with app.app_context():
        message = db.session.get(Message, message_id)
        assert message.state == "delivered" and message.provider_id == form["MessageSid"]
    from handlers.outbound import _sent
    from gateway.sending import Sent

    with app.app_context():
        _sent(message_id, Sent(form["MessageSid"]), "sms")
        assert db.session.get(Message, message_id).state == "delivered"


def test_opt_out_error_in_a_callback_marks_the_contact(app, client):
    message_id = outbound(app)
    assert post(client, f"{STATUS_URL}?m={message_id}", payload("twilio_status_undelivered_21610.json")).status_code == 204
    assert state_of(app, message_id) == ("undelivered", 3, "twilio 21610")
    with app.app_context():
        assert db.session.execute(select(Contact.opted_out)).scalar_one() is True


def test_forged_status_callbacks_are_refused(app, client):
    message_id = outbound(app)
    form = payload("twilio_status_delivered.json")
    assert post(client, STATUS_URL, form, signature=sign(STATUS_URL, form, "wrong-token")).status_code == 403
    assert post(client, STATUS_URL, form, signature="").status_code == 403
    # A signature for one message replayed against another message id:
    good = sign(f"{STATUS_URL}?m={message_id}", form)
    assert post(client, f"{STATUS_URL}?m={message_id + 1}", form, signature=good).status_code == 403
    assert state_of(app, message_id)[0] == "sent"


def test_replayed_status_callback_changes_nothing(app, client):
    message_id = outbound(app)
    form = payload("twilio_status_delivered.json")
    for _ in range(3):
        assert post(client, STATUS_URL, form).status_code == 204
    assert state_of(app, message_id) == ("delivered", 3, None)


@pytest.mark.parametrize("form", [{"AccountSid": "AC1"}, {"MessageSid": "SMx"}, {"MessageStatus": "sent"},
                                  {"MessageSid": "S" * 100, "MessageStatus": "sent"}])
def test_malformed_status_callback_is_400(client, form):
    assert post(client, STATUS_URL, form).status_code == 400


def test_unknown_or_hostile_message_reference_is_harmless(app, client):
    form = payload("twilio_status_delivered.json")
    for query in ("", "?m=abc", "?m=99999999999999999999", "?m=-1"):
        assert post(client, STATUS_URL + query, form).status_code == 204


def test_status_route_for_a_channel_without_callbacks_is_404(client):
    assert client.post("/webhooks/wechat/status", data={"a": "b"}).status_code == 404


def test_metrics_count_outcomes(app, client):
    form = payload("twilio_sms.json")
    post(client, BASE_URL + "/webhooks/twilio", form)
    post(client, BASE_URL + "/webhooks/twilio", form, signature="forged")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'gateway_webhook_requests_total{channel="twilio",outcome="accepted"}' in text
    assert 'gateway_webhook_requests_total{channel="twilio",outcome="forbidden"}' in text
    assert "# TYPE gateway_webhook_requests_total counter" in text
