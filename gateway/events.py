"""Inbound events that carry no petition text: follow/unfollow, pictures, voice, places.

They are stored like any message (deduplicated on the provider's id, kept verbatim) and
answered politely; there is nothing for the conversation to understand. A picture or a
place sent while a story is being told joins that case, as MMS media does."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from cases.replies import Replies
from models.db import db
from gateway.base import InboundEvent
from gateway.inbound import cleaned, clean_text, insert_message, replay, upsert_contact
from models import Case, CaseState, Contact, Message, MessageState, utcnow

REPLY_KEYS = {"subscribe": "welcome", "media": "media_received", "location": "location_received"}


def receive_event(event: InboundEvent, raw: str) -> list[str]:
    """The immediate replies to one non-text event; a retried delivery changes nothing."""
    kind = event.kind
    event = cleaned(event)
    contact = upsert_contact(event)
    message = insert_message(event, contact, clean_text(raw))
    if message is None:
        return replay(event)
    if kind in ("subscribe", "unsubscribe"):
        contact.opted_out = kind == "unsubscribe"  # an unfollowed account cannot be messaged
    replies = _replies(kind, contact)
    _attach(message, contact)
    message.intent, message.replies = kind, replies
    message.state, message.processed_at = MessageState.PROCESSED, utcnow()
    db.session.commit()
    return replies


def _replies(kind: str, contact: Contact) -> list[str]:
    key = REPLY_KEYS.get(kind)
    if key is None:
        return []
    return [Replies(current_app.extensions["templates"], contact.language).render(key)]


def _attach(message: Message, contact: Contact) -> None:
    thread = (contact.dialogue or {}).get("thread")
    if not thread or message.media == []:
        return
    window = timedelta(minutes=current_app.config["THREAD_WINDOW_MINUTES"])
    if datetime.fromisoformat(thread["at"]) < utcnow() - window:
        return
    case = db.session.get(Case, thread["case_id"])
    if case is not None and case.state in CaseState.OPEN:
        message.case_id = case.id
