from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text)
from sqlalchemy.dialects.postgresql import TSVECTOR
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
        Index("ix_cases_import_digest", "import_digest", unique=True),
        Index("ix_cases_repeat_of_id", "repeat_of_id"),
        Index("ix_cases_group_id", "group_id"),
        Index("ix_cases_id_digest", "id_digest"),
        Index("ix_cases_citizen_name", "citizen_name"),
        Index("ix_cases_classify_pending_since", "classify_pending_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=CaseState.REGISTERED)
    channel: Mapped[str] = mapped_column(String(16))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    text: Mapped[str] = mapped_column(Text, default="")     # the petition, all parts joined
    # jieba's words of the text with their positions (cases.search keeps it): a tsvector with
    # a GIN index on PostgreSQL; the same literal as text on SQLite (which searches with LIKE)
    search_vector: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
    citizen_name: Mapped[str | None] = mapped_column(String(64))
    village: Mapped[str | None] = mapped_column(String(64))
    # A case imported from a historical ledger has no contact (so nothing can ever be sent
    # about it); the petitioner's phone is kept here, as personal data, and the digest of its
    # ledger row makes a second import of the same file add nothing.
    citizen_phone: Mapped[str | None] = mapped_column(String(32))
    import_digest: Mapped[str | None] = mapped_column(String(64))
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
    # Work left to do, written in the transaction that stored the text: set when the case
    # (or a later part of it) waits for the classifier, cleared by the job that classified
    # it. The sweeper re-queues what stays set too long (the queue is not the record).
    classify_pending_since: Mapped[datetime | None] = mapped_column(DateTime)
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
    # 涉及本单位人员 (回避): the unit whose own staff the petition complains about; that
    # unit never sees the case (console.access.scope, Open311).
    conflict_unit: Mapped[str | None] = mapped_column(String(32))
    conflict_level: Mapped[str | None] = mapped_column(String(16))   # certain | possible
    # repeats and groups (cases.repeats): the earliest case of the same matter by the same
    # person, how often the matter came back, the group petition this case belongs to, and a
    # keyed digest of the petitioner's 身份证号 (matching without storing the number here)
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    repeat_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("case_groups.id"))
    id_digest: Mapped[str | None] = mapped_column(String(64))
    # 0: the first handling; 1: under or after 复查 (Art. 35); 2: 复核 (Art. 36), whose answer is final
    review_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # a handler's 申请延期 with its reason, waiting for the unit head's approval (Art. 34)
    extension_request: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    contact = relationship("Contact")
    group = relationship("CaseGroup")
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
