"""The classification job: a stored case is understood after the webhook answered."""
from __future__ import annotations

from sqlalchemy import select, update

from cases.classification import check_message as check_danger, classify
from cases.outbox import dispatch
from handlers.queue import job
from models import Case, Message, utcnow
from models.db import db


@job
def classify_case(case_id: int) -> None:
    """The queued path: classify, commit once, then send what it queued (pages, safety).

    Safe to run twice, or twice at once (the sweeper re-queues what looks stuck): the case
    row is locked, and a case no longer pending classification is left alone, so a re-run
    opens nothing, pages nobody and answers nobody a second time."""
    started = utcnow()
    case = db.session.execute(select(Case).where(Case.id == case_id).with_for_update()).scalar_one_or_none()
    if case is None or (case.classify_pending_since is None and case.classified_at is not None):
        db.session.rollback()
        return
    outbound = classify(case, tell_citizen=True)
    # A later part that arrived meanwhile set a newer mark: its own job still has to run.
    db.session.execute(update(Case).where(Case.id == case_id, Case.classify_pending_since <= started)
                       .values(classify_pending_since=None))
    db.session.commit()
    dispatch(outbound)


@job
def check_message(message_id: int) -> None:
    """The queued danger check of one inbound turn (an answer, a 补充, a review request):
    an urgent one flags its case, pages the on-duty officer and tells the citizen 110/120."""
    message = db.session.get(Message, message_id)
    if message is None:
        return
    outbound = check_danger(message)
    db.session.commit()
    dispatch(outbound)
