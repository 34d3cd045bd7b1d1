"""Understanding a petition after it is stored: classify, route, page when urgent."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from cases import services
from conversation.replies import Replies
from core.classifier import get_classifier
from core.extensions import db
from gateway.outbound import dispatch, page_on_duty, queue_message
from handlers.queue import job
from models import Case, CaseEvent, CaseState, Message


@job
def classify_case(case_id: int) -> None:
    """The queued path: classify, commit once, then send what it queued (pages, safety)."""
    case = db.session.get(Case, case_id)
    if case is None:
        return
    outbound = classify(case, tell_citizen=True)
    db.session.commit()
    dispatch(outbound)


def classify(case: Case, tell_citizen: bool = False) -> list[Message]:
    """Label the case (unless staff already corrected it); returns outbound messages queued:
    pages to the on-duty officer and, when asked, the citizen's safety notice. No commit."""
    if case.state != CaseState.REGISTERED or _corrected_by_staff(case.id):
        return []  # staff labels are never overwritten by the machine
    was_urgent = bool(case.urgent and case.classified_at)
    result = get_classifier().classify(case.text[: current_app.config["MAX_BODY_CHARS"]])
    services.apply_classification(case, result, current_app.config["TRIAGE_THRESHOLD"])
    if not case.urgent or was_urgent:
        return []
    outbound = page_on_duty(case)
    if tell_citizen and case.contact is not None:
        replies = Replies(current_app.extensions["templates"], case.contact.language)
        outbound.append(queue_message(case.contact.address, case.channel,
                                      replies.render("safety", number=case.number), "safety",
                                      contact=case.contact, case=case))
    return outbound


def _corrected_by_staff(case_id: int) -> bool:
    return db.session.execute(
        select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.kind == "corrected").limit(1)
    ).first() is not None
