"""Store an inbound event durably, then answer it: the shared path for every channel."""
from __future__ import annotations

import logging

from sqlalchemy import select

from conversation.dialogue import Outcome, respond
from conversation.replies import Replies
from core.extensions import db
from flask import current_app
from gateway.base import InboundEvent
from gateway.outbound import dispatch
from handlers.inbound import classify_case
from handlers.queue import enqueue
from models import Contact, Message, MessageState, utcnow
from models.base import insert_ignore

log = logging.getLogger(__name__)


def receive(event: InboundEvent, raw: str) -> list[str]:
    """The immediate replies to one event. A retried delivery gets the first answer again
    and changes nothing."""
    message_id = _store(event, raw)
    if message_id is None:
        return _replay(_clean(event.provider_id), event.channel)
    message = db.session.get(Message, message_id)
    contact = _lock_contact(message.contact_id)
    try:
        outcome = respond(message, contact)
    except Exception:
        # The message is already stored: answer politely, keep it for reprocessing.
        db.session.rollback()
        log.exception("processing inbound message %s failed", message_id)
        return [_mark_failed(message_id)]
    _finish(message, contact, outcome)
    dispatch(outcome.outbound)
    for case_id in outcome.classify_case_ids:
        enqueue(classify_case, case_id)
    return outcome.replies


def _clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL: keep its place visible as U+FFFD."""
    return text.replace("\x00", "\ufffd")


def _store(event: InboundEvent, raw: str) -> int | None:
    """Insert the message (and its contact) and commit; None when it was seen before."""
    address = _clean(event.address)
    contact_id = _contact_id(event.channel, address)
    stmt = insert_ignore(Message, db.session).values(
        direction="in", channel=event.channel, provider_id=_clean(event.provider_id), contact_id=contact_id,
        address=address, body=_clean(event.body), media=event.media, raw=_clean(raw),
        state=MessageState.RECEIVED, created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["channel", "provider_id"]).returning(Message.id)
    message_id = db.session.execute(stmt).scalar_one_or_none()
    db.session.commit()
    return message_id


def _contact_id(channel: str, address: str) -> int:
    db.session.execute(
        insert_ignore(Contact, db.session).values(channel=channel, address=address, dialogue={},
                                                  language=current_app.config["LANGUAGE"])
        .on_conflict_do_nothing(index_elements=["channel", "address"])
    )
    return db.session.execute(
        select(Contact.id).where(Contact.channel == channel, Contact.address == address)
    ).scalar_one()


def _lock_contact(contact_id: int) -> Contact:
    """One message of a contact at a time (PostgreSQL row lock; SQLite locks the file), so
    two parts of one story processed at once cannot open two cases."""
    return db.session.execute(
        select(Contact).where(Contact.id == contact_id).with_for_update()
    ).scalar_one()


def _replay(provider_id: str, channel: str) -> list[str]:
    db.session.rollback()
    replies = db.session.execute(
        select(Message.replies).where(Message.channel == channel, Message.provider_id == provider_id)
    ).scalar_one_or_none()
    log.info("duplicate delivery %s on %s ignored", provider_id, channel)
    return list(replies or [])


def _finish(message: Message, contact: Contact, outcome: Outcome) -> None:
    now = utcnow()
    message.intent, message.replies = outcome.intent, outcome.replies
    message.state, message.processed_at = MessageState.PROCESSED, now
    contact.last_inbound_at = now
    db.session.commit()


def _mark_failed(message_id: int) -> str:
    message = db.session.get(Message, message_id)
    reply = Replies(current_app.extensions["templates"]).render("error")
    message.state, message.replies = MessageState.FAILED, [reply]
    db.session.commit()
    return reply
