"""Play a citizen's phone: post one inbound SMS exactly as the configured provider would
(Twilio signed with its own validator; Tencent or Alibaba JSON to the secret callback path)
through the real webhook, and return what the citizen receives."""
from __future__ import annotations

import time
import uuid
from xml.etree import ElementTree

from flask import Flask
from sqlalchemy import func, select

from models import Contact, Message
from models.db import db


def post_sms(app: Flask, sender: str, recipient: str, text: str) -> list[str]:
    """The replies to TEXT from SENDER; ValueError when the webhook refuses it."""
    provider = app.config.get("SMS_PROVIDER", "twilio")
    if provider == "twilio":
        return _twilio(app, sender, recipient, text)
    secret = app.config.get("SMS_CALLBACK_SECRET")
    if not secret:
        raise ValueError(f"SMS_PROVIDER={provider} needs SMS_CALLBACK_SECRET for its callback path")
    before = db.session.execute(select(func.max(Message.id))).scalar() or 0
    number = sender[3:] if sender.startswith("+86") else sender
    if provider == "tencent":
        payload = {"mobile": number, "nationcode": "86", "text": text, "sign": "", "time": int(time.time()),
                   "extend": ""}
    else:
        payload = [{"phone_number": number, "content": text, "send_time": time.strftime("%Y-%m-%d %H:%M:%S"),
                    "sign_name": "", "dest_code": recipient.lstrip("+"), "sequence_id": uuid.uuid4().int % 10**15}]
    response = app.test_client().post(f"/webhooks/{provider}/{secret}", json=payload)
    if response.status_code != 200:
        raise ValueError(f"webhook answered {response.status_code}: {response.get_data(as_text=True)}")
    db.session.expire_all()
    sent = select(Message.body).join(Contact, Message.contact_id == Contact.id).where(
        Message.direction == "out", Message.id > before, Contact.channel == "sms", Contact.address == sender
    ).order_by(Message.id)
    return list(db.session.execute(sent).scalars())


def _twilio(app: Flask, sender: str, recipient: str, text: str) -> list[str]:
    from twilio.request_validator import RequestValidator

    form = {"MessageSid": f"SMsim{uuid.uuid4().hex}", "AccountSid": "ACsimulator", "From": sender,
            "To": recipient, "Body": text, "NumMedia": "0"}
    headers = {}
    token = app.config.get("TWILIO_AUTH_TOKEN")
    base = app.config.get("PUBLIC_BASE_URL") or "http://localhost"
    if token:
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(base + "/webhooks/twilio", form)
    response = app.test_client().post("/webhooks/twilio", data=form, headers=headers, base_url=base)
    if response.status_code != 200:
        raise ValueError(f"webhook answered {response.status_code}: {response.get_data(as_text=True)}")
    return [m.text or "" for m in ElementTree.fromstring(response.data).iter("Message")]
