"""Delivery status of outbound messages: a status is never overwritten by an older one.

status_rank orders what we know: queued < sending < sent < delivered/undelivered/failed.
Every change is one guarded UPDATE (… WHERE status_rank < new), so two callbacks racing,
or a callback arriving before the send job recorded the provider's id, end the same way."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import or_, update

from models.db import db
from models import Contact, Message, MessageState

log = logging.getLogger(__name__)

RANK = {MessageState.QUEUED: 0, MessageState.OUTBOX: 0, MessageState.SUPPRESSED: 0, MessageState.SENDING: 1,
        MessageState.SENT: 2, MessageState.DELIVERED: 3, MessageState.UNDELIVERED: 3, MessageState.FAILED: 3}

# Twilio's MessageStatus values as our states (statuses of inbound messages are ignored).
TWILIO_STATES = {"accepted": "sent", "scheduled": "sent", "queued": "sent", "sending": "sent", "sent": "sent",
                 "delivered": "delivered", "read": "delivered", "undelivered": "undelivered",
                 "failed": "failed", "canceled": "failed"}
TWILIO_CHANNELS = ("sms", "whatsapp", "messenger")
OPTED_OUT = "21610"


@dataclass(frozen=True)
class StatusEvent:
    provider_id: str
    status: str
    error_code: str | None = None
    message_id: int | None = None   # ours, from the callback URL, when the provider echoes it


def advance(message_id: int, state: str, **values) -> bool:
    """Move one message to a later state; False (and nothing changed) when it already knows better."""
    rank = RANK[state]
    result = db.session.execute(update(Message).where(Message.id == message_id, Message.status_rank < rank)
                                .values(state=state, status_rank=rank, **values))
    return result.rowcount == 1


def apply_status(event: StatusEvent) -> str:
    """Record a provider's status callback; the outcome for logs and metrics. No commit."""
    state = TWILIO_STATES.get(event.status)
    if state is None:
        return "ignored"
    message = _find(event)
    if message is None:
        log.warning("status %s for unknown message %s", event.status, event.provider_id)
        return "unknown"
    if message.provider_id is None:
        message.provider_id = event.provider_id  # the callback beat the send job's commit
        db.session.flush()
    error = f"twilio {event.error_code}" if event.error_code else None
    changed = advance(message.id, state, **({"error": error} if error else {}))
    if event.error_code == OPTED_OUT and message.contact_id:
        db.session.execute(update(Contact).where(Contact.id == message.contact_id).values(opted_out=True))
    return "updated" if changed else "stale"


def _find(event: StatusEvent) -> Message | None:
    query = db.select(Message).where(Message.direction == "out", Message.channel.in_(TWILIO_CHANNELS))
    if event.message_id is not None:
        query = query.where(Message.id == event.message_id,
                            or_(Message.provider_id.is_(None), Message.provider_id == event.provider_id))
    else:
        query = query.where(Message.provider_id == event.provider_id)
    return db.session.execute(query.with_for_update()).scalars().first()
