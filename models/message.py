from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db import db
from models.base import utcnow


class Direction:
    IN = "in"
    OUT = "out"


class MessageState:
    # inbound
    RECEIVED = "received"      # stored, not yet understood
    PROCESSED = "processed"    # intent handled, classification done or queued
    FAILED = "failed"          # processing raised; kept for reprocessing
    # outbound
    QUEUED = "queued"
    SENDING = "sending"        # claimed by a send job; the provider call is under way
    OUTBOX = "outbox"          # no provider configured: recorded instead of sent
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    SUPPRESSED = "suppressed"  # contact opted out of unsolicited messages


class Message(db.Model):
    """Every message in or out, with the provider's raw payload kept verbatim."""
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_id", name="uq_messages_channel_provider_id"),
        Index("ix_messages_contact_created", "contact_id", "created_at"),
        Index("ix_messages_case_id", "case_id"),
        Index("ix_messages_state", "state"),
        Index("ix_messages_kind_created", "kind", "created_at"),  # pages of the last hour
        Index("ix_messages_direction_state_created", "direction", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str | None] = mapped_column(String(64))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    address: Mapped[str] = mapped_column(String(128))     # the citizen's address (from/to)
    body: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list] = mapped_column(JSON, default=list)
    raw: Mapped[str | None] = mapped_column(Text)           # the request as received
    state: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(24))
    replies: Mapped[list] = mapped_column(JSON, default=list)  # the immediate answers (a retry gets them again)
    kind: Mapped[str | None] = mapped_column(String(24))    # outbound: ack, notice, page, staff_reply
    segments: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status_rank: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)  # outbound retry after a temporary error
    # outbound: the reply template and its values ({"key": ..., "values": {...}}), for
    # providers that send only approved templates (Tencent, Alibaba); None for free text
    template: Mapped[dict | None] = mapped_column(JSON)

    contact = relationship("Contact")
    # Set when the case may not be inserted yet (a case waits for the commit's flush on
    # PostgreSQL): the relationship orders the case's INSERT before this row's.
    case = relationship("Case")
