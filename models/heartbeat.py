"""Heartbeats: when a periodic duty last ran (the sweeper, the backlog alert)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column

from models.base import dialect_insert, utcnow
from models.db import db


class Heartbeat(db.Model):
    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def beat(name: str, at: datetime | None = None) -> None:
    """Record that `name` ran now (upsert; the caller commits)."""
    at = at or utcnow()
    stmt = dialect_insert(Heartbeat, db.session).values(name=name, at=at)
    db.session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"at": at}))


def last(name: str) -> datetime | None:
    return db.session.execute(select(Heartbeat.at).where(Heartbeat.name == name)).scalar_one_or_none()
