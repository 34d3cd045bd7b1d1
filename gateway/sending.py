"""Senders: the outside world's side of the send job, one per provider family
(the contract, Sender and its errors, is in gateway.base)."""
from __future__ import annotations

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient

from gateway.base import PermanentError, Sender, Sent, TemporaryError
from models import Message

TWILIO_API = "https://api.twilio.com"
PULL_CHANNELS = ("web", "open311")  # the citizen reads these through our own API
OPTED_OUT = 21610                    # Twilio: the recipient replied STOP
TWILIO_TEMPORARY = {20429, 20500, 20503, 30001}  # too many requests, internal errors, queue overflow


class RoutedHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sent to TWILIO_API_BASE (an egress proxy, or a fake in tests)."""

    def __init__(self, base: str | None, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.base = base

    def request(self, method, url, *args, **kwargs):
        if self.base and url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


def status_callback_url(config: dict, message_id: int) -> str | None:
    """The callback names our message id: a status may arrive before create() returns."""
    base = config.get("PUBLIC_BASE_URL")
    return f"{base}/webhooks/twilio/status?m={message_id}" if base else None


class TwilioSender:
    def send(self, message: Message, config: dict) -> Sent:
        from twilio.rest import Client

        http = RoutedHttpClient(config.get("TWILIO_API_BASE"), config["SEND_TIMEOUT"])
        client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], http_client=http)
        sender = config["TWILIO_FROM"]
        if message.channel in ("whatsapp", "messenger") and ":" not in sender:
            sender = f"{message.channel}:{sender}"
        try:
            sent = client.messages.create(to=message.address, from_=sender, body=message.body,
                                          status_callback=status_callback_url(config, message.id))
        except TwilioRestException as exc:
            raise twilio_error(exc) from exc
        except requests.RequestException as exc:
            raise TemporaryError(f"twilio unreachable: {type(exc).__name__}") from exc
        return Sent(sent.sid)


def twilio_error(exc: TwilioRestException) -> Exception:
    reason = f"twilio {exc.code or exc.status}"
    if exc.code == OPTED_OUT:
        return PermanentError(reason, opt_out=True)
    if exc.status == 429 or exc.status >= 500 or exc.code in TWILIO_TEMPORARY:
        return TemporaryError(reason)
    return PermanentError(reason)


class PullSender:
    """Web chat and Open311: stored is delivered; the citizen's client reads it."""

    def send(self, message: Message, config: dict) -> Sent:
        return Sent(None)


def sender_for(channel: str, config: dict) -> Sender | None:
    """The channel's sender, or None when its provider is not configured (the outbox)."""
    if channel in PULL_CHANNELS:
        return PullSender()
    if channel == "wechat":
        from gateway.wechat_api import WeChatSender

        return WeChatSender() if config.get("WECHAT_APP_ID") and config.get("WECHAT_APP_SECRET") else None
    if config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN") and config.get("TWILIO_FROM"):
        return TwilioSender()
    return None
