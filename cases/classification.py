"""Understanding a stored case: classify, route, and page the on-duty officer when urgent."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from cases import services
from cases.classifier import get_classifier
from cases.outbox import page_on_duty, queue_message
from cases.replies import Replies
from models import Case, CaseEvent, CaseState, Message
from models.db import db


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
