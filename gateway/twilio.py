"""Twilio Messaging: SMS, MMS, WhatsApp and Messenger share one webhook."""
from __future__ import annotations

from flask import Request, Response
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse

from gateway.base import BadPayload, InboundEvent
from gateway.status import StatusEvent

MAX_MEDIA = 10  # Twilio sends at most 10 media items per MMS


def public_url(request: Request, config: dict) -> str:
    """The URL Twilio signed: behind a proxy the app sees another host and scheme,
    so PUBLIC_BASE_URL (when set) replaces them."""
    base = config.get("PUBLIC_BASE_URL")
    if not base:
        return request.url
    query = request.query_string.decode("latin-1")
    return base + request.path + (f"?{query}" if query else "")


def channel_of(address: str) -> str:
    prefix, sep, _ = address.partition(":")
    return prefix if sep and prefix in ("whatsapp", "messenger") else "sms"


class TwilioChannel:
    name = "twilio"

    def verify(self, request: Request, config: dict) -> bool:
        token = config.get("TWILIO_AUTH_TOKEN")
        if not token:
            # Development without an account: nothing to check against. Production never
            # starts without a token (config.settings.check_production); fail closed anyway.
            return config.get("APP_ENV") != "production"
        signature = request.headers.get("X-Twilio-Signature", "")
        algorithm = get_signature_algorithm(request.headers.get("X-Twilio-Webhooks-Signature-Settings"))
        validator = RequestValidator(token)
        # request.form is a MultiDict: repeated keys are signed as Twilio sends them.
        return bool(signature) and validator.validate(public_url(request, config), request.form, signature, algorithm)

    def parse(self, request: Request, config: dict) -> list[InboundEvent]:
        form = request.form
        sid, sender = form.get("MessageSid") or form.get("SmsSid"), form.get("From")
        if not sid or not sender:
            raise BadPayload("MessageSid and From are required")
        if len(sid) > 64 or len(sender) > 128:
            raise BadPayload("MessageSid or From too long")
        return [InboundEvent(channel=channel_of(sender), provider_id=sid, address=sender,
                             body=form.get("Body", ""), to=form.get("To"), media=_media(form))]

    def acknowledge(self, replies: list[str]) -> Response:
        twiml = MessagingResponse()
        for text in replies:
            twiml.message(text)
        return Response(str(twiml), mimetype="application/xml")

    def parse_status(self, request: Request, config: dict) -> list[StatusEvent]:
        """A status callback: MessageSid, MessageStatus, ErrorCode; ?m= names our message."""
        form = request.form
        sid, status = form.get("MessageSid") or form.get("SmsSid"), form.get("MessageStatus") or form.get("SmsStatus")
        if not sid or not status or len(sid) > 64 or len(status) > 32:
            raise BadPayload("MessageSid and MessageStatus are required")
        ours = request.args.get("m", "")
        return [StatusEvent(provider_id=sid, status=status.lower(), error_code=form.get("ErrorCode", "")[:16] or None,
                            message_id=int(ours) if ours.isdigit() and len(ours) < 12 else None)]


def _media(form) -> list[dict]:
    try:
        count = min(int(form.get("NumMedia", "0") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    return [{"url": form.get(f"MediaUrl{i}"), "content_type": form.get(f"MediaContentType{i}")}
            for i in range(count) if form.get(f"MediaUrl{i}")]

