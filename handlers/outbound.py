"""The send job: one outbound message, through the provider or into the outbox."""
from __future__ import annotations

import logging

from flask import current_app

from core.extensions import db
from handlers.queue import job
from models import Message, MessageState

log = logging.getLogger(__name__)


@job
def send_message(message_id: int) -> None:
    message = db.session.get(Message, message_id)
    if message is None or message.state != MessageState.QUEUED:
        return  # already sent, suppressed or gone: sending twice is worse than not at all
    message.attempts += 1
    config = current_app.config
    if not (config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN") and config.get("TWILIO_FROM")):
        message.state = MessageState.OUTBOX  # embedded default: recorded, not sent
        db.session.commit()
        return
    from twilio.rest import Client

    client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"])
    sender = config["TWILIO_FROM"]
    if message.channel in ("whatsapp", "messenger") and ":" not in sender:
        sender = f"{message.channel}:{sender}"
    callback = f"{config['PUBLIC_BASE_URL']}/webhooks/twilio/status" if config.get("PUBLIC_BASE_URL") else None
    sent = client.messages.create(to=message.address, from_=sender, body=message.body, status_callback=callback)
    message.provider_id, message.state = sent.sid, MessageState.SENT
    db.session.commit()
