"""Web chat: an optional phone number, proven by an SMS code, so that notices also reach the
citizen by SMS and the cases survive a cleared browser.

The code is 6 digits, kept only as an HMAC (keyed with SECRET_KEY, bound to the contact and
the phone) on the contact's dialogue state, valid 10 minutes, 5 attempts; a browser may ask
for a code once a minute and 5 times a day. The SMS goes through the outbox like any other."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from flask import abort, current_app, jsonify, request
from sqlalchemy import select

from api.webchat import bp, identity_contact, with_cookie
from cases import services
from cases.outbox import dispatch, queue_message
from cases.replies import Replies
from models import Case, Contact, Message, utcnow
from models.contact import mask_address
from models.db import db

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_GAP = timedelta(seconds=60)
MAX_SENDS_PER_DAY = 5
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")


@bp.post("/api/chat/phone")
def ask_code():
    """Send a code to the phone the citizen typed. 429 when asked too often."""
    phone = _phone(_json().get("phone"))
    contact, secret = identity_contact(create=True)
    state = dict(contact.dialogue or {})
    pending = dict(state.get("phone_code") or {})
    now = utcnow()
    sends = [s for s in pending.get("sends", []) if datetime.fromisoformat(s) > now - timedelta(days=1)]
    if sends and datetime.fromisoformat(sends[-1]) > now - RESEND_GAP or len(sends) >= MAX_SENDS_PER_DAY:
        abort(429, description="too many codes asked; wait a minute (at most 5 a day)")
    code = f"{secrets.randbelow(10 ** 6):06d}"
    state["phone_code"] = {"phone": phone, "digest": _digest(contact.id, phone, code), "attempts": 0,
                           "expires": (now + CODE_TTL).isoformat(), "sends": [*sends, now.isoformat()]}
    contact.dialogue = state
    body = Replies(current_app.extensions["templates"], contact.language, "sms").render("verify_code", code=code)
    message = queue_message(phone, "sms", body, "verify_code")
    db.session.commit()
    dispatch([message])
    return with_cookie(jsonify(sent=True, phone=mask_address(phone), expires_in=int(CODE_TTL.total_seconds())),
                       secret)


@bp.post("/api/chat/phone/verify")
def verify_code():
    """Check the code. Right: the phone is this browser's, and the cases of an earlier
    browser verified with the same phone come here. 400 wrong or expired, 429 too many tries."""
    code = _json().get("code")
    contact, _ = identity_contact(create=False)
    pending = dict(((contact.dialogue or {}).get("phone_code") or {}) if contact else {})
    if not isinstance(code, str) or not re.fullmatch(r"\d{6}", code) or not pending.get("digest"):
        abort(400, description="ask for a code first, then send its 6 digits")
    if pending["attempts"] >= MAX_ATTEMPTS:
        abort(429, description="too many wrong codes; ask for a new one")
    if datetime.fromisoformat(pending["expires"]) < utcnow():
        abort(400, description="the code has expired; ask for a new one")
    if not hmac.compare_digest(pending["digest"], _digest(contact.id, pending["phone"], code)):
        _save(contact, dict(pending, attempts=pending["attempts"] + 1))
        db.session.commit()
        abort(400, description="wrong code")
    _bind(contact, pending["phone"])
    _save(contact, None)
    db.session.commit()
    return jsonify(verified=True, phone=mask_address(contact.phone))


def _bind(contact: Contact, phone: str) -> None:
    """One web contact per phone: an earlier browser's cases and thread move here."""
    earlier = db.session.execute(select(Contact).where(Contact.channel == "web", Contact.phone == phone,
                                                       Contact.id != contact.id)).scalars().all()
    for old in earlier:
        for case in db.session.execute(select(Case).where(Case.contact_id == old.id)).scalars():
            services.move_to_contact(case, contact, "citizen")
        db.session.execute(Message.__table__.update().where(Message.contact_id == old.id)
                           .values(contact_id=contact.id))
        old.phone = None
    contact.phone = phone


def _save(contact: Contact, pending: dict | None) -> None:
    state = dict(contact.dialogue or {})
    if pending is None:
        state.pop("phone_code", None)
    else:
        state["phone_code"] = pending
    contact.dialogue = state


def _digest(contact_id: int, phone: str, code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{contact_id}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _json() -> dict:
    payload = request.get_json(silent=True) if request.is_json else abort(415, "send application/json")
    return payload if isinstance(payload, dict) else abort(400, description="a JSON object is required")


def _phone(raw) -> str:
    match = _MOBILE.match(re.sub(r"[\s-]", "", raw)) if isinstance(raw, str) and len(raw) < 32 else None
    if not match:
        abort(400, description="phone must be a mainland mobile number (11 digits starting with 1)")
    return "+86" + match.group(1)
