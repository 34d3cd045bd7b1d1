from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.db import db
from models.base import utcnow


class Contact(db.Model):
    """One citizen address on one channel (a phone number, a WeChat openid, a browser id)."""
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_contacts_channel_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    # Conversation state that must survive restarts and be shared by workers:
    # a pending follow-up question, the last flood notice, ...
    dialogue: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_inbound_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)


def mask_address(address: str) -> str:
    """+8613812345678 -> +86138****5678; keeps enough to tell contacts apart."""
    prefix, _, number = address.rpartition(":")
    head = f"{prefix}:" if prefix else ""
    if len(number) <= 7:
        return head + "*" * len(number)
    return head + number[:-8] + "****" + number[-4:]
