"""Tables behind the security controls (docs/security.md): signed requests already seen
(replay guard without Redis) and failed sign-ins per account and client address."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.db import db


class SeenRequest(db.Model):
    """A provider signature seen within its freshness window, with the hash of the body it
    signed for: the same key with another body is a replay (used when there is no Redis)."""
    __tablename__ = "seen_requests"
    __table_args__ = (Index("ix_seen_requests_expires_at", "expires_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class LoginThrottle(db.Model):
    """Failed sign-ins of one key ("acct:<name>|<address>" or "addr:<address>") since
    window_start, and until when that key is locked."""
    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
