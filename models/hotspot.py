from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db import db
from models.base import utcnow


class HotspotAlert(db.Model):
    """A surge of one township × issue type (or one village of it) above its own baseline
    (cases.hotspots): one alert per surge, the cases behind it linked through HotspotCase.
    ``open_key`` names the key while the alert is open and is unique, so two workers can
    never open two alerts for one surge; it is cleared when the alert closes."""
    __tablename__ = "hotspot_alerts"
    __table_args__ = (Index("ix_hotspot_alerts_open_key", "open_key", unique=True),
                      Index("ix_hotspot_alerts_opened_at", "opened_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    township: Mapped[str] = mapped_column(String(24))
    issue_type: Mapped[str] = mapped_column(String(24))
    village: Mapped[str | None] = mapped_column(String(64))
    open_key: Mapped[str | None] = mapped_column(String(160))
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_case_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))     # "system" (quiet again) or "user:<name>"
    count: Mapped[int] = mapped_column(Integer, default=0)         # cases linked
    observed: Mapped[int] = mapped_column(Integer, default=0)      # cases in the window when it opened
    expected: Mapped[float] = mapped_column(Float, default=0.0)    # the baseline's cases per window
    threshold: Mapped[int] = mapped_column(Integer, default=0)     # the count that made it a surge
    window_days: Mapped[int] = mapped_column(Integer, default=7)

    cases = relationship("HotspotCase", order_by="HotspotCase.case_id", cascade="all, delete-orphan")


class HotspotCase(db.Model):
    """One case behind a hotspot alert."""
    __tablename__ = "hotspot_cases"

    alert_id: Mapped[int] = mapped_column(ForeignKey("hotspot_alerts.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case = relationship("Case")
