"""The bureau's workflow around a case: 交办/签收, 督办, reminders sent, 回访, registered
petitioners and their scanned letters, and the leaders' reception schedule.

Kept out of the ``cases`` table (one row per case in ``case_workflow``) so the case's own
columns stay those of the lifecycle; ``case.workflow`` reaches it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from models.db import db
from models.base import utcnow


class CaseWorkflow(db.Model):
    """Who holds the case now: the unit it was handed to (交办), when it signed (签收) or
    returned it (退回), the leader who took it as 包案, and the 人数 of a group visit."""
    __tablename__ = "case_workflow"
    __table_args__ = (Index("ix_case_workflow_sign_due", "signed_at", "sign_due_at"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    handed_to: Mapped[str | None] = mapped_column(String(64))   # department[:township] the 交办 went to
    handed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sign_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_by: Mapped[str | None] = mapped_column(String(64))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    return_reason: Mapped[str | None] = mapped_column(String(500))
    leader: Mapped[str | None] = mapped_column(String(64))       # 包案 leader (username)
    leader_since: Mapped[datetime | None] = mapped_column(DateTime)
    headcount: Mapped[int | None] = mapped_column(Integer)       # 人数 of a group visit or letter

    case = relationship("Case", backref=backref("workflow", uselist=False, lazy="selectin"))


class Supervision(db.Model):
    """A 督办 issued by the bureau on one case: a note and a date, open until the unit answers."""
    __tablename__ = "supervisions"
    __table_args__ = (Index("ix_supervisions_open", "responded_at", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    response: Mapped[str | None] = mapped_column(Text)
    responded_by: Mapped[str | None] = mapped_column(String(64))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)

    case = relationship("Case")


class ReminderSent(db.Model):
    """One reminder or escalation already sent: the unique key makes the daily run idempotent
    (a second run the same day, or two runs at once, find the row and send nothing)."""
    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("case_id", "key", name="uq_reminders_sent_case_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    key: Mapped[str] = mapped_column(String(96))   # kind:stage:deadline, e.g. remind:accepted:2026-12-01T08:00
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CallBack(db.Model):
    """回访: after 办结, the handler calls the petitioner back and records the result."""
    __tablename__ = "callbacks"
    __table_args__ = (Index("ix_callbacks_open", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    result: Mapped[str | None] = mapped_column(String(16))   # satisfied | unsatisfied | unreachable
    note: Mapped[str | None] = mapped_column(Text)
    done_by: Mapped[str | None] = mapped_column(String(64))
    done_at: Mapped[datetime | None] = mapped_column(DateTime)

    case = relationship("Case", backref=backref("callback", uselist=False, lazy="selectin"))


class Petitioner(db.Model):
    """The petitioner as registered by staff (来信/来访/来电). The 身份证号 is stored
    encrypted (Fernet) with a keyed digest for matching; it is never stored in clear."""
    __tablename__ = "petitioners"
    __table_args__ = (Index("ix_petitioners_id_digest", "id_digest"), Index("ix_petitioners_phone", "phone"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    id_encrypted: Mapped[str | None] = mapped_column(String(255))
    id_digest: Mapped[str | None] = mapped_column(String(64))
    id_masked: Mapped[str | None] = mapped_column(String(24))
    address: Mapped[str | None] = mapped_column(String(200))
    township: Mapped[str | None] = mapped_column(String(24))
    village: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case = relationship("Case", backref=backref("petitioner", uselist=False, lazy="selectin"))


class Attachment(db.Model):
    """A scanned letter or photo: the file lives under instance/attachments/ by a random name."""
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Reception(db.Model):
    """领导接访: one published reception day (date, leader, place, topics)."""
    __tablename__ = "receptions"
    __table_args__ = (Index("ix_receptions_day", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    leader: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(100))
    topics: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
