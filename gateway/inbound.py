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
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from cases.jobs import jobs
from cases.outbox import dispatch, queue_message
from cases.replies import Replies
from conversation.dialogue import Outcome, respond
from gateway.base import InboundEvent
from models import Case, Contact, Message, MessageState, utcnow
from models.base import attach_loaded, dialect_insert
from models.db import db

log = logging.getLogger(__name__)
PENDING = (MessageState.RECEIVED, MessageState.FAILED)  # stored, not yet acted on


def receive(event: InboundEvent, raw: str, deliver: bool = False) -> list[str]:
    """The immediate replies to one event. A retried delivery gets the first answer again
    and changes nothing. ``deliver``: the channel cannot carry replies in its answer (the
    domestic SMS callbacks), so they are queued in the outbox in the same transaction and
    nothing is returned."""
    event = cleaned(event)
    raw = clean_text(raw)
    now = utcnow()
    contact = upsert_contact(event, now)
    message = insert_message(event, contact, raw)
    if message is None:
        replies = replay(event)
        return [] if deliver else replies
    try:
        # created by this very upsert: no earlier case to join, repeat or count
        outcome = respond(message, contact, first_contact=contact.created_at == now)
    except Exception:
        db.session.rollback()
        log.exception("processing inbound %s message failed", event.channel)
        return _store_failed(event, raw, deliver)
    if deliver:
        outcome.outbound += [queue_message(contact.address, message.channel, text, "reply", contact=contact)
                             for text in outcome.replies]
    _finish(message, contact, outcome)
    dispatch(outcome.outbound)
    for case_id in outcome.classify_case_ids:
        jobs().classify_case(case_id)
    for message_id in outcome.check_message_ids:
        jobs().check_message(message_id)
    return [] if deliver else outcome.replies


def clean_text(text: str) -> str:
    """PostgreSQL text cannot hold NUL: keep its place visible as U+FFFD."""
    return text.replace("\x00", "\ufffd")


def cleaned(event: InboundEvent) -> InboundEvent:
    return replace(event, provider_id=clean_text(event.provider_id), address=clean_text(event.address),
                   body=clean_text(event.body))


def upsert_contact(event: InboundEvent, now: datetime | None = None) -> Contact:
    """The sender's contact, created on first contact (then its created_at is `now`); its
    row stays locked until commit."""
    now = now or utcnow()
    table = Contact.__table__
    stmt = (dialect_insert(table, db.session)
            .values(channel=event.channel, address=event.address, dialogue={},
                    language=current_app.config["LANGUAGE"], opted_out=False, created_at=now,
                    last_inbound_at=now))
    stmt = stmt.on_conflict_do_update(index_elements=["channel", "address"],
                                      set_={"last_inbound_at": now}).returning(*table.c)
    return attach_loaded(db.session, Contact, dict(db.session.execute(stmt).one()._mapping))


def insert_message(event: InboundEvent, contact: Contact, raw: str,
                    state: str = MessageState.RECEIVED, created_at: datetime | None = None) -> Message | None:
    """The message as received, or None when this provider id was stored before."""
    table = Message.__table__
    stmt = dialect_insert(table, db.session).values(
        direction="in", channel=event.channel, provider_id=event.provider_id, contact_id=contact.id,
        address=event.address, body=event.body, media=event.media, raw=raw, state=state,
        replies=[], segments=0, attempts=0, status_rank=0, created_at=created_at or utcnow(),
    ).on_conflict_do_nothing(index_elements=["channel", "provider_id"]).returning(*table.c)
    row = db.session.execute(stmt).first()
    return None if row is None else attach_loaded(db.session, Message, dict(row._mapping))


def replay(event: InboundEvent) -> list[str]:
    replies = db.session.execute(
        select(Message.replies).where(Message.channel == event.channel, Message.provider_id == event.provider_id)
    ).scalar_one_or_none()
    db.session.commit()
    log.info("duplicate delivery %s on %s ignored", event.provider_id, event.channel)
    return list(replies or [])


def _finish(message: Message, contact: Contact, outcome: Outcome) -> None:
    """One commit: the message processed, and the work left to do written down with it
    (cases waiting for the classifier), so a lost job is found again by the sweeper."""
    now = utcnow()
    message.intent, message.replies = outcome.intent, outcome.replies
    message.state, message.processed_at = MessageState.PROCESSED, now
    pending = outcome.classify_case_ids
    # The conversation just opened or grew these cases, so they are in the session: their
    # rows are written by the commit's flush, no statement of their own.
    held = {case.id: case for case in list(db.session.new) + list(db.session.identity_map.values())
            if isinstance(case, Case) and case.id in pending}
    for case in held.values():
        case.classify_pending_since = now
    if set(pending) - set(held):
        db.session.execute(update(Case).where(Case.id.in_(set(pending) - set(held))).values(classify_pending_since=now))
    db.session.commit()


def _store_failed(event: InboundEvent, raw: str, deliver: bool = False) -> list[str]:
    reply = Replies(current_app.extensions["templates"]).render("error")
    contact = upsert_contact(event)
    message = insert_message(event, contact, raw, state=MessageState.FAILED)
    if message is None:  # stored by a concurrent delivery meanwhile
        replies = replay(event)
        return [] if deliver else replies
    message.replies = [reply]
    sent = [queue_message(contact.address, message.channel, reply, "reply", contact=contact)] if deliver else []
    db.session.commit()
    dispatch(sent)
    return [] if deliver else [reply]


def reprocess(message_id: int) -> list[Message]:
    """Act on an inbound message that was stored but not processed: its processing failed,
    or it came from the spool after a database outage (received). The provider's request
    is long answered, so the replies go through the outbound queue. Returns them.

    Idempotent: the message row is locked and only a pending one is processed, so two
    sweepers, or a sweeper and an operator, never open two cases for it."""
    message = db.session.execute(select(Message).where(Message.id == message_id).with_for_update()).scalar_one_or_none()
    if message is None or message.direction != "in" or message.state not in PENDING:
        db.session.rollback()
        return []
    contact = db.session.execute(select(Contact).where(Contact.id == message.contact_id).with_for_update()).scalar_one()
    outcome = respond(message, contact)
    sent = [queue_message(contact.address, message.channel, text, "reply", contact=contact) for text in outcome.replies]
    _finish(message, contact, outcome)
    dispatch(outcome.outbound + sent)
    for case_id in outcome.classify_case_ids:
        jobs().classify_case(case_id)
    for message_id in outcome.check_message_ids:
        jobs().check_message(message_id)
    return sent
