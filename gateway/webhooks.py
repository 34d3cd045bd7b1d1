"""The shared webhook path: content type, size, signature, parsing, storage and answer,
once for every channel."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, request

from gateway import CHANNELS
from gateway.base import BadPayload
from gateway.inbound import receive

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@bp.post("/<name>")
def inbound(name: str):
    channel = CHANNELS.get(name) or abort(404)
    if request.mimetype not in getattr(channel, "content_types", FORM_TYPES):
        abort(415, description=f"unsupported content type {request.mimetype or 'none'}")
    raw = request.get_data(cache=True).decode("utf-8", errors="replace")  # kept verbatim on the message
    if not channel.verify(request, current_app.config):
        log.warning("rejected %s webhook: bad signature", name)
        abort(403, description="invalid signature")
    try:
        events = channel.parse(request, current_app.config)
    except BadPayload as exc:
        log.warning("rejected %s webhook: %s", name, exc)
        abort(400, description=str(exc))
    replies = [reply for event in events for reply in receive(event, raw)]
    return channel.acknowledge(replies)
