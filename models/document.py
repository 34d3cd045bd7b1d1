"""Written documents of a case (受理告知书, 处理意见书, 交办单...): one row per document, written
in the transaction of the state change that calls for it. ``fields`` is the snapshot the
document is typeset from (so it never changes after the fact); the PDF lives under
DOCUMENT_DIR by a random name, rendered at once or, when that failed, on a later retry."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db import db
from models.base import utcnow


class CaseDocument(db.Model):
    __tablename__ = "case_documents"
    __table_args__ = (Index("ix_case_documents_case_id", "case_id"),
                      Index("ix_case_documents_pending", "stored_name", "attempts"),
                      Index("ix_case_documents_number", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(24))        # accepted, not_accepted, opinion, review_opinion, ...
    # 文号. Indexed, not unique: two 督办 of one case at the same instant would get the same
    # suffix, and a duplicate number must not undo the 督办 itself.
    number: Mapped[str] = mapped_column(String(64))
    fields: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    stored_name: Mapped[str | None] = mapped_column(String(64))   # None until the PDF is rendered
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(String(300))        # the last rendering failure

    case = relationship("Case")
