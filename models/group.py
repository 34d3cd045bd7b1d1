from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.db import db
from models.base import utcnow


class CaseGroup(db.Model):
    """A group petition (集体访, 联名信): the cases of many petitioners on one matter and place.
    Its cases point here (Case.group_id); the leader is alerted once per group."""
    __tablename__ = "case_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))              # "burst" (many cases) or "joint" (one letter)
    township: Mapped[str | None] = mapped_column(String(24))
    village: Mapped[str | None] = mapped_column(String(64))
    issue_type: Mapped[str | None] = mapped_column(String(24))
    petitioners: Mapped[int] = mapped_column(Integer, default=0)  # distinct petitioners among the cases
    declared: Mapped[int | None] = mapped_column(Integer)         # signers a joint letter states (等32户)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    alerted_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def size(self) -> int:
        """人数: the larger of the petitioners seen and the signers declared."""
        return max(self.petitioners or 0, self.declared or 0)
