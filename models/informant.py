"""Village information officers (信息员) and their dispute reports (矛盾纠纷排查).

An officer is a registered phone with a name, a village and a township. What the officer
sends is a report, not a petition: it has its own queue and follow-up, and becomes a
petition case only when staff convert it (or when it carries a danger, which must reach
the on-duty officer as an urgent case)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db import db
from models.base import utcnow


class ReportState:
    NEW = "new"              # 新报告
    FOLLOWING = "following"  # 跟进中
    RESOLVED = "resolved"    # 已化解
    CONVERTED = "converted"  # 转为信访件
    ALL = (NEW, FOLLOWING, RESOLVED, CONVERTED)
    NAMES = {NEW: "新报告", FOLLOWING: "跟进中", RESOLVED: "已化解", CONVERTED: "转为信访件"}


class Informant(db.Model):
    __tablename__ = "informants"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)  # +86…, as the gateway knows senders
    name: Mapped[str] = mapped_column(String(64))
    village: Mapped[str] = mapped_column(String(64), default="")
    township: Mapped[str] = mapped_column(String(24), index=True)  # taxonomy code
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InformantReport(db.Model):
    """One report (a 零报告 included). `month` is the county's local month, YYYY-MM."""
    __tablename__ = "informant_reports"
    __table_args__ = (Index("ix_informant_reports_township_month", "township", "month"),
                      Index("ix_informant_reports_informant_month", "informant_id", "month"))

    id: Mapped[int] = mapped_column(primary_key=True)
    informant_id: Mapped[int] = mapped_column(ForeignKey("informants.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    township: Mapped[str] = mapped_column(String(24))
    month: Mapped[str] = mapped_column(String(7))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text, default="")
    zero: Mapped[bool] = mapped_column(Boolean, default=False)   # 零报告: nothing to report
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default=ReportState.NEW)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))  # 转为信访件
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    informant = relationship("Informant", lazy="joined")
    notes = relationship("InformantReportNote", order_by="InformantReportNote.id", lazy="selectin")

    @property
    def number(self) -> str:
        return f"XB{self.id:06d}"


class InformantReportNote(db.Model):
    """The report's history: notes and state changes, who and when."""
    __tablename__ = "informant_report_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("informant_reports.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))  # note | state | appended
    note: Mapped[str | None] = mapped_column(Text)
    change: Mapped[dict | None] = mapped_column(JSON)  # {"before": …, "after": …}


class InformantReminder(db.Model):
    """One reminder per officer per month: the unique key makes 'never twice' hold even
    when two reminder runs overlap."""
    __tablename__ = "informant_reminders"
    __table_args__ = (UniqueConstraint("informant_id", "month", name="uq_informant_reminders_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    informant_id: Mapped[int] = mapped_column(ForeignKey("informants.id"))
    month: Mapped[str] = mapped_column(String(7))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
