"""Web chat: a JSON API and a small page for citizens without SMS or WeChat.

Each browser gets an anonymous identity: a random secret in an HttpOnly, SameSite=Strict
cookie. The contact's address is a hash of it, so a leaked database cannot be used to
speak as anyone. Writes need a JSON body (a cross-site form cannot send one) and the page
runs under a CSP without inline script; the script writes citizen text with textContent."""
from __future__ import annotations

import hashlib
import re
import secrets
import uuid

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from sqlalchemy import select

from cases.replies import Replies
from models.db import db
from gateway.base import InboundEvent
from gateway.inbound import receive
from models import Case, Contact, Message, MessageState

bp = Blueprint("webchat", __name__, template_folder="templates", static_folder="static",
               static_url_path="/chat/static")
COOKIE = "chat_id"
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,48}$")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


@bp.after_request
def secure_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/chat")
def page():
    return render_template("webchat.html")


@bp.post("/api/chat/messages")
def send():
    payload = request.get_json(silent=True) if request.is_json else abort(415, "send application/json")
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str):
        abort(400, description="text (a string) is required")
    if len(text) > current_app.config["MAX_BODY_CHARS"]:
        abort(400, description=f"text is limited to {current_app.config['MAX_BODY_CHARS']} characters")
    client_id = payload.get("client_id") or uuid.uuid4().hex
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        abort(400, description="client_id must be 1-48 letters, digits, - or _")
    secret, fresh = _identity()
    event = InboundEvent(channel="web", provider_id=f"{_address(secret)[4:18]}-{client_id}",
                         address=_address(secret), body=text)
    replies = receive(event, request.get_data(as_text=True)[:20000])
    return _with_cookie(jsonify(replies=replies, client_id=client_id), secret if fresh else None)


@bp.get("/api/chat/messages")
def thread():
    contact = _contact()
    after = request.args.get("after", "0")
    if not after.isdigit() or len(after) > 12:
        abort(400, description="after must be a message id")
    if contact is None:
        return jsonify(messages=[])
    rows = db.session.execute(select(Message).where(Message.contact_id == contact.id, Message.id > int(after))
                              .order_by(Message.id).limit(200)).scalars().all()
    return jsonify(messages=[item for row in rows for item in _items(row)])


@bp.get("/api/chat/cases")
def cases():
    contact = _contact()
    if contact is None:
        return jsonify(cases=[])
    replies = Replies(current_app.extensions["templates"], contact.language)
    taxonomy = current_app.extensions["taxonomy"]
    rows = db.session.execute(select(Case).where(Case.contact_id == contact.id).order_by(Case.id.desc())
                              .limit(50)).scalars().all()
    return jsonify(cases=[{
        "number": c.number, "state": c.state, "state_name": replies.state_name(c.state),
        "unit": taxonomy.department_name(c.department, c.township) if c.accepted_at else None,
        "due_at": c.due_at.isoformat(timespec="seconds") + "Z" if c.due_at else None,
    } for c in rows])


def _items(message: Message) -> list[dict]:
    at = message.created_at.isoformat(timespec="seconds") + "Z"
    if message.direction == "out":
        if message.state in (MessageState.SUPPRESSED,):
            return []
        return [{"id": message.id, "from": "bureau", "text": message.body, "at": at}]
    mine = {"id": message.id, "from": "me", "text": message.body, "at": at}
    return [mine] + [{"id": message.id, "from": "bureau", "text": reply, "at": at} for reply in message.replies or []]


def _identity() -> tuple[str, bool]:
    secret = request.cookies.get(COOKIE, "")
    if re.fullmatch(r"[A-Za-z0-9_-]{43}", secret):
        return secret, False
    return secrets.token_urlsafe(32), True


def _address(secret: str) -> str:
    return "web:" + hashlib.sha256(secret.encode()).hexdigest()[:40]


def _contact() -> Contact | None:
    secret, fresh = _identity()
    if fresh:
        return None
    return db.session.execute(select(Contact).where(Contact.channel == "web", Contact.address == _address(secret))
                              ).scalar_one_or_none()


def _with_cookie(response: Response, secret: str | None) -> Response:
    if secret:
        secure = (current_app.config.get("PUBLIC_BASE_URL") or "").startswith("https://")
        response.set_cookie(COOKIE, secret, max_age=365 * 24 * 3600, httponly=True, samesite="Strict",
                            secure=secure, path="/")
    return response
