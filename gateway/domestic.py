"""What the two mainland SMS providers (Tencent Cloud, Alibaba Cloud) share.

Neither signs its callbacks as Twilio does: a callback is ours when its URL carries
SMS_CALLBACK_SECRET (compared in constant time) and, when SMS_CALLBACK_ALLOW lists
addresses or networks, when it comes from one of them. Both send only approved templates:
an outbound row without a template (free text) cannot go out by them."""
from __future__ import annotations

import hmac
import ipaddress
import json
import re
from typing import Any

from flask import Request, current_app

from gateway.base import BadPayload, PermanentError
from models import Message

JSON_TYPES = ("application/json", "text/json", "text/plain")
_DIGITS = re.compile(r"^\+?\d{5,20}$")


def verify_callback(request: Request, config: dict) -> bool:
    secret = config.get("SMS_CALLBACK_SECRET")
    given = (request.view_args or {}).get("secret") or ""
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return False
    return allowed(request.remote_addr or "", config.get("SMS_CALLBACK_ALLOW") or [])


def allowed(address: str, networks: list[str]) -> bool:
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)


def json_body(request: Request) -> Any:
    try:
        return json.loads(request.get_data(cache=True).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadPayload("the body is not JSON") from exc


def items(payload: Any) -> list[dict]:
    """A callback carries one object or an array of them."""
    rows = payload if isinstance(payload, list) else [payload]
    if not rows or len(rows) > 1000 or not all(isinstance(r, dict) for r in rows):
        raise BadPayload("expected a JSON object or an array of objects")
    return rows


def phone(raw: Any, country: Any = "86") -> str:
    """+<country><number>: the address the rest of the gateway knows the citizen by."""
    number, country = str(raw or "").strip(), str(country or "86").strip().lstrip("+")
    if not number.startswith("+"):
        number = f"+{country}{number}"
    if not _DIGITS.match(number):
        raise BadPayload("a phone number is missing or malformed")
    return number


def template_of(message: Message, provider: str) -> tuple[str, str, list[str]]:
    """(template id, key, parameter values) for an outbound row, or PermanentError for free text."""
    catalogue = current_app.extensions["sms_catalogue"]
    template = catalogue.get((message.template or {}).get("key"))
    if template is None or provider not in template.ids:
        raise PermanentError(f"{provider}: free text cannot be sent by SMS, only approved templates")
    values = catalogue.values(template.key, message.template.get("values") or {}, provider)
    return template.ids[provider], template.key, values


def national(address: str) -> str:
    """13800000000 for +8613800000000: what mainland providers take for China."""
    return address[3:] if address.startswith("+86") else address
