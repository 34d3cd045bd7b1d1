"""The classification job: a stored case is understood after the webhook answered."""
from __future__ import annotations

from cases.classification import classify
from cases.outbox import dispatch
from handlers.queue import job
from models import Case
from models.db import db


@job
def classify_case(case_id: int) -> None:
    """The queued path: classify, commit once, then send what it queued (pages, safety)."""
    case = db.session.get(Case, case_id)
    if case is None:
        return
    outbound = classify(case, tell_citizen=True)
    db.session.commit()
    dispatch(outbound)
