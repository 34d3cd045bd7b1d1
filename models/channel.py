"""Storage for the channels and the open API: Open311 keys and requests, shared provider tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db import db
from models.base import utcnow


class ApiKey(db.Model):
    """An Open311 client. Only a SHA-256 hash of the key is stored."""
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ServiceRequest(db.Model):
    """An Open311 service request: the case it opened and what the client sent besides text."""
    __tablename__ = "service_requests"
    __table_args__ = (Index("ix_service_requests_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    service_code: Mapped[str] = mapped_column(String(24))
    lat: Mapped[float | None] = mapped_column(Float)
    long: Mapped[float | None] = mapped_column(Float)
    address_string: Mapped[str | None] = mapped_column(String(255))
    media_url: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case = relationship("Case")


class ChannelToken(db.Model):
    """A provider access token shared by every process (used when there is no Redis)."""
    __tablename__ = "channel_tokens"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(String(1024))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
