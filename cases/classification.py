"""Understanding a stored case: classify, route, and page the on-duty officer when urgent;
and the danger check every inbound turn gets, whatever its intent."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from cases import services
from cases.classifier import get_classifier
from cases.outbox import page_on_duty, queue_message
from cases.notices import citizen_addresses
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
    return _alarm(case, tell_citizen)


def is_urgent(text: str) -> bool:
    """The classifier's urgent decision on one turn's text alone (lexicon with negation,
    and the model): a threat in a short answer is not diluted by the rest of the case."""
    return bool(get_classifier().classify(text[: current_app.config["MAX_BODY_CHARS"]]).urgent)


def raise_alarm(case: Case, message: Message, tell_citizen: bool = False) -> list[Message]:
    """An urgent turn on a case: the case is flagged, the on-duty officer paged and, when
    asked (the worker path), the safety notice queued. Returns the queued messages."""
    services.flag_urgent(case, message.id)
    return _alarm(case, tell_citizen)


def check_message(message: Message) -> list[Message]:
    """The worker's danger check of one stored inbound turn. An urgent turn that belongs to
    no case opens one: a danger must reach a person with something to act on."""
    if message.direction != "in" or not message.body or not is_urgent(message.body):
        return []
    case = db.session.get(Case, message.case_id) if message.case_id else None
    if case is None:
        if message.contact is None:
            return []
        case = services.open_case(message.contact, message)
    return raise_alarm(case, message, tell_citizen=True)


def _alarm(case: Case, tell_citizen: bool) -> list[Message]:
    outbound = page_on_duty(case)
    paged = bool(outbound)
    if tell_citizen and case.contact is not None:
        outbound += [queue_message(address, channel, safety_text(replies, case, paged), "safety",
                                   contact=case.contact, case=case)
                     for address, channel, replies in citizen_addresses(case)]
    return outbound


def safety_text(replies: Replies, case: Case, paged: bool) -> str:
    """110/120 first; '已转值班人员' only when a page was actually queued."""
    return replies.render("safety" if paged else "safety_unpaged", number=case.number)


def _corrected_by_staff(case_id: int) -> bool:
    return db.session.execute(
        select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.kind == "corrected").limit(1)
    ).first() is not None
