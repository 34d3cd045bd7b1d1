from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db import db
from models.base import utcnow


class CaseState:
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    IN_PROGRESS = "in_progress"
    EXTENDED = "extended"
    ANSWERED = "answered"
    REVIEW = "review"
    CLOSED = "closed"
    MERGED = "merged"

    ALL = (REGISTERED, ACCEPTED, NOT_ACCEPTED, IN_PROGRESS, EXTENDED, ANSWERED, REVIEW,
           CLOSED, MERGED)
    OPEN = (REGISTERED, ACCEPTED, IN_PROGRESS, EXTENDED, ANSWERED, REVIEW)


class Case(db.Model):
    """One petition (一案一册). State changes go through cases.services only."""
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_state_due", "state", "due_at"),
        Index("ix_cases_department_state", "department", "state"),
        Index("ix_cases_township", "township"),
        Index("ix_cases_issue_type", "issue_type"),
        Index("ix_cases_contact_id", "contact_id"),
        Index("ix_cases_received_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=CaseState.REGISTERED)
    channel: Mapped[str] = mapped_column(String(16))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    text: Mapped[str] = mapped_column(Text, default="")     # the petition, all parts joined
    citizen_name: Mapped[str | None] = mapped_column(String(64))
    village: Mapped[str | None] = mapped_column(String(64))
    # classification (None until the classifier ran)
    issue_type: Mapped[str | None] = mapped_column(String(24))
    department: Mapped[str | None] = mapped_column(String(32))
    township: Mapped[str | None] = mapped_column(String(24))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    issue_type_confidence: Mapped[float | None] = mapped_column(Float)
    department_confidence: Mapped[float | None] = mapped_column(Float)
    township_confidence: Mapped[float | None] = mapped_column(Float)
    urgent_confidence: Mapped[float | None] = mapped_column(Float)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    model_version: Mapped[str | None] = mapped_column(String(64))
    needs_triage: Mapped[bool] = mapped_column(Boolean, default=True)
    classified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # clocks (naive UTC)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)   # the next legal deadline
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[str | None] = mapped_column(String(16))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)  # back in front of a supervisor
    assignee: Mapped[str | None] = mapped_column(String(64))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    contact = relationship("Contact")
    events = relationship("CaseEvent", back_populates="case", order_by="CaseEvent.id")


class CaseEvent(db.Model):
    """The case's history: who, when, what changed (before and after)."""
    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))       # "system", "citizen", "user:<name>"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(24))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)

    case = relationship("Case", back_populates="events")


class CaseCounter(db.Model):
    """Daily sequence for case numbers: one row per local day, bumped atomically."""
    __tablename__ = "case_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
