"""The classification job: a stored case is understood after the webhook answered."""
from __future__ import annotations

from cases.classification import check_message as check_danger, classify
from cases.outbox import dispatch
from handlers.queue import job
from models import Case, Message
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
