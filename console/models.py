"""The console's own table (the sign-in and export log) and the indexes its queues filter on."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.db import db
from models import Case, CaseEvent, utcnow


class AuditLog(db.Model):
    """Staff actions that belong to no case: sign-ins, failed sign-ins, lock-outs, exports.
    Actions on a case are CaseEvents (who, when, before, after)."""
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))        # login, login_failed, locked, logout, export
    username: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict | None] = mapped_column(JSON)


# Queue filters (migration 0002_console creates them; declared here so the metadata matches).
Index("ix_cases_triage", Case.__table__.c.needs_triage, Case.__table__.c.state)
Index("ix_cases_channel", Case.__table__.c.channel)
Index("ix_cases_flagged", Case.__table__.c.flagged)
Index("ix_cases_state_rating", Case.__table__.c.state, Case.__table__.c.rating)
Index("ix_case_events_user_id", CaseEvent.__table__.c.user_id, CaseEvent.__table__.c.at)
