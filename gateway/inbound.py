"""Store an inbound event and answer it: the shared path for every channel.

One transaction per message: the contact is upserted (its row lock serialises one
citizen's messages, so two parts of one story cannot open two cases), the message is
inserted unless its provider id was seen before, the conversation acts, and one commit
makes it all durable before the provider gets its answer. If the conversation fails, the
transaction is rolled back and the message is stored again, marked failed, with a polite
reply: a message is never lost, and a crash before the commit leaves the provider
unanswered, so it retries."""
from __future__ import annotations

import logging
from dataclasses import replace

from flask import current_app
from sqlalchemy import select

from cases.jobs import jobs
from cases.outbox import dispatch, queue_message
from cases.replies import Replies
from conversation.dialogue import Outcome, respond
from gateway.base import InboundEvent
from models import Contact, Message, MessageState, utcnow
from models.base import dialect_insert
from models.db import db

log = logging.getLogger(__name__)


def receive(event: InboundEvent, raw: str) -> list[str]:
    """The immediate replies to one event. A retried delivery gets the first answer again
    and changes nothing."""
    event = cleaned(event)
    raw = clean_text(raw)
    contact = upsert_contact(event)
    message = insert_message(event, contact, raw)
    if message is None:
        return replay(event)
    try:
        outcome = respond(message, contact)
    except Exception:
        db.session.rollback()
        log.exception("processing inbound %s message failed", event.channel)
        return _store_failed(event, raw)
    _finish(message, contact, outcome)
    dispatch(outcome.outbound)
    for case_id in outcome.classify_case_ids:
        jobs().classify_case(case_id)
    return outcome.replies


def clean_text(text: str) -> str:
    """PostgreSQL text cannot hold NUL: keep its place visible as U+FFFD."""
    return text.replace("\x00", "\ufffd")


def cleaned(event: InboundEvent) -> InboundEvent:
    return replace(event, provider_id=clean_text(event.provider_id), address=clean_text(event.address),
                   body=clean_text(event.body))


def upsert_contact(event: InboundEvent) -> Contact:
    """The sender's contact, created on first contact; its row stays locked until commit."""
    now = utcnow()
    stmt = (dialect_insert(Contact, db.session)
            .values(channel=event.channel, address=event.address, dialogue={},
                    language=current_app.config["LANGUAGE"], opted_out=False, created_at=now,
                    last_inbound_at=now))
    stmt = stmt.on_conflict_do_update(index_elements=["channel", "address"],
                                      set_={"last_inbound_at": now}).returning(Contact)
    return db.session.scalars(stmt, execution_options={"populate_existing": True}).one()


def insert_message(event: InboundEvent, contact: Contact, raw: str,
                    state: str = MessageState.RECEIVED) -> Message | None:
    """The message as received, or None when this provider id was stored before."""
    stmt = dialect_insert(Message, db.session).values(
        direction="in", channel=event.channel, provider_id=event.provider_id, contact_id=contact.id,
        address=event.address, body=event.body, media=event.media, raw=raw, state=state,
        replies=[], segments=0, attempts=0, status_rank=0, created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["channel", "provider_id"]).returning(Message)
    return db.session.scalars(stmt).first()


def replay(event: InboundEvent) -> list[str]:
    replies = db.session.execute(
        select(Message.replies).where(Message.channel == event.channel, Message.provider_id == event.provider_id)
    ).scalar_one_or_none()
    db.session.commit()
    log.info("duplicate delivery %s on %s ignored", event.provider_id, event.channel)
    return list(replies or [])


def _finish(message: Message, contact: Contact, outcome: Outcome) -> None:
    message.intent, message.replies = outcome.intent, outcome.replies
    message.state, message.processed_at = MessageState.PROCESSED, utcnow()
    db.session.commit()


def _store_failed(event: InboundEvent, raw: str) -> list[str]:
    reply = Replies(current_app.extensions["templates"]).render("error")
    contact = upsert_contact(event)
    message = insert_message(event, contact, raw, state=MessageState.FAILED)
    if message is None:  # stored by a concurrent delivery meanwhile
        return replay(event)
    message.replies = [reply]
    db.session.commit()
    return [reply]


def reprocess(message_id: int) -> list[Message]:
    """Act again on an inbound message whose processing failed. The provider's request is
    long answered, so the replies go through the outbound queue. Returns them."""
    message = db.session.get(Message, message_id)
    if message is None or message.direction != "in" or message.state != MessageState.FAILED:
        return []
    contact = db.session.execute(select(Contact).where(Contact.id == message.contact_id).with_for_update()).scalar_one()
    outcome = respond(message, contact)
    sent = [queue_message(contact.address, message.channel, text, "reply", contact=contact) for text in outcome.replies]
    _finish(message, contact, outcome)
    dispatch(outcome.outbound + sent)
    for case_id in outcome.classify_case_ids:
        jobs().classify_case(case_id)
    return sent
