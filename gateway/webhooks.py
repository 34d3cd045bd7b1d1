"""The shared webhook path: content type, size, signature, parsing, storage, answer,
logging and metrics, once for every channel."""
from __future__ import annotations

import logging
from typing import NoReturn

from flask import Blueprint, Response, abort, current_app, request

from models.db import db
from gateway import CHANNELS, metrics
from gateway.base import BadPayload, Channel, Forged
from gateway.events import receive_event
from gateway.inbound import receive
from gateway.status import apply_status

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
WEBHOOK = "gateway_webhook_requests_total"


@bp.get("/<name>")
def echo(name: str):
    """A provider's check that the URL is ours (WeChat's echostr)."""
    channel = CHANNELS.get(name) or abort(404)
    if not hasattr(channel, "echo"):
        abort(405)
    _verify(name, channel)
    metrics.count(WEBHOOK, name, "echo")
    return channel.echo(request, current_app.config)


@bp.post("/<name>")
def inbound(name: str):
    channel = _checked(name)
    raw = request.get_data(cache=True).decode("utf-8", errors="replace")  # kept verbatim on the message
    events = _parsed(name, lambda: channel.parse(request, current_app.config))
    replies = [reply for event in events
               for reply in (receive if event.kind == "text" else receive_event)(event, raw)]
    metrics.count(WEBHOOK, name, "accepted")
    log.debug("%s webhook: %d event(s), %d repl(ies)", name, len(events), len(replies))
    return channel.acknowledge(replies)


@bp.post("/<name>/status")
def status(name: str):
    """Delivery status callbacks of messages we sent."""
    channel = _checked(name, needs="parse_status")
    events = _parsed(name, lambda: channel.parse_status(request, current_app.config))
    for event in events:
        outcome = apply_status(event)
        metrics.count("gateway_status_callbacks_total", name, outcome)
    db.session.commit()
    return Response(status=204)


def _checked(name: str, needs: str = "parse") -> Channel:
    channel = CHANNELS.get(name)
    if channel is None or not hasattr(channel, needs):
        abort(404)
    if request.mimetype not in getattr(channel, "content_types", FORM_TYPES):
        _reject(name, 415, "unsupported", f"unsupported content type {request.mimetype or 'none'}")
    request.get_data(cache=True)  # read once, before form parsing consumes the stream
    _verify(name, channel)
    return channel


def _verify(name: str, channel: Channel) -> None:
    if not channel.verify(request, current_app.config):
        _reject(name, 403, "forbidden", "invalid signature")


def _parsed(name: str, parse):
    try:
        return parse()
    except BadPayload as exc:
        _reject(name, 400, "bad_request", str(exc))
    except Forged as exc:
        _reject(name, 403, "forbidden", str(exc))


def _reject(name: str, code: int, outcome: str, description: str) -> NoReturn:
    log.warning("rejected %s webhook (%s): %s", name, code, description)
    metrics.count(WEBHOOK, name, outcome)
    abort(code, description=description)
