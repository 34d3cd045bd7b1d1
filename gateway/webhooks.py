"""The shared webhook path: content type, size, signature, parsing, storage, answer,
logging and metrics, once for every channel."""
from __future__ import annotations

import logging
from typing import NoReturn

from flask import Blueprint, Response, abort, current_app, g, request

from sqlalchemy.exc import InterfaceError, OperationalError, TimeoutError as PoolTimeout

from cases.replies import Replies
from models.db import db
from gateway import CHANNELS, metrics, spool
from gateway.base import BadPayload, Channel, Forged
from gateway.events import receive_event
from gateway.inbound import receive
from gateway.status import apply_status

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
WEBHOOK = "gateway_webhook_requests_total"
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)


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
@bp.post("/<name>/<secret>")  # providers that sign nothing prove themselves by a secret path
def inbound(name: str, secret: str | None = None):
    channel = _checked(name)
    raw = request.get_data(cache=True).decode("utf-8", errors="replace")  # kept verbatim on the message
    events = _parsed(name, lambda: channel.parse(request, current_app.config))
    deliver = getattr(channel, "deliver_replies", False)
    try:
        replies = _received(events, raw, deliver)
    except DATABASE_DOWN as exc:
        if not _reconnected(exc):
            return channel.acknowledge(_spooled(name, events, raw, exc))
        try:  # the pool held connections from before a database restart: once more, afresh
            replies = _received(events, raw, deliver)
        except DATABASE_DOWN as again:
            return channel.acknowledge(_spooled(name, events, raw, again))
    g.webhook_accepted = True  # counted with the answer's status, in one round trip
    log.debug("%s webhook: %d event(s), %d repl(ies)", name, len(events), len(replies))
    return channel.acknowledge(replies)


def _received(events, raw: str, deliver: bool) -> list[str]:
    return [reply for event in events
            for reply in (receive(event, raw, deliver) if event.kind == "text" else receive_event(event, raw))]


def _reconnected(exc: Exception) -> bool:
    """The error was a connection that died under us (SQLAlchemy then invalidated the pool),
    and the session is clean for a retry. Safe to retry: a message that did commit is found
    again by its provider id and answered as before."""
    if not getattr(exc, "connection_invalidated", False):
        return False
    try:
        db.session.rollback()
    except DATABASE_DOWN:
        return False
    log.warning("webhook: the database connection was dead; retrying on a new one")
    return True


def _spooled(name: str, events, raw: str, exc: Exception) -> list[str]:
    """The database cannot store the message: spool it (fsync'd) before answering, and
    acknowledge without a case number; the sweeper loads it when the database is back."""
    log.error("%s webhook: database unreachable (%s); spooling", name, type(exc).__name__)
    try:
        db.session.rollback()
    except DATABASE_DOWN:
        pass
    texts = [event for event in events if event.kind == "text"]
    if len(texts) < len(events):  # subscribe, location...: no petition to keep
        log.warning("%s webhook: %d non-text event(s) not stored during the outage", name, len(events) - len(texts))
    try:
        for event in texts:
            spool.write(event, raw)
    except OSError:
        log.exception("%s webhook: spooling failed too", name)
        abort(503, description="storage unavailable; retry later")
    metrics.count(WEBHOOK, name, "spooled")
    return [Replies(current_app.extensions["templates"]).render("error")] if texts else []


@bp.after_request
def _count_status(response: Response) -> Response:
    """Every answer by status, 5xx included (Flask runs this after an error page too)."""
    name = (request.view_args or {}).get("name", "unknown")
    accepted = [(WEBHOOK, name, "accepted")] if g.pop("webhook_accepted", False) else []
    metrics.count("gateway_webhook_responses_total", name if name in CHANNELS else "unknown",
                  str(response.status_code), *accepted)
    return response


@bp.post("/<name>/status")
@bp.post("/<name>/<secret>/status")
def status(name: str, secret: str | None = None):
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
