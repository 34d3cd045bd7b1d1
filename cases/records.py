"""The case history's two primitives, below the service module so that every domain module
(services, workflow, repeats, groups, supervision) can use them without importing each other."""
from __future__ import annotations

from models import Case, CaseEvent, utcnow
from models.db import db


class TransitionError(ValueError):
    """The lifecycle does not allow this change."""


def record_event(case: Case, kind: str, actor: str = "system", *, before: dict | None = None,
                 after: dict | None = None, note: str | None = None, user_id: int | None = None) -> CaseEvent:
    event = CaseEvent(case=case, kind=kind, actor=actor, before=before, after=after, note=note,
                      user_id=user_id, at=utcnow())
    db.session.add(event)
    return event
