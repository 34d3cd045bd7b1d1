"""Understanding a stored case: classify, route, and page the on-duty officer when urgent."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from cases import repeats, services
from cases.classifier import get_classifier
from cases.groups import find_group
from cases.outbox import page_on_duty, queue_message
from cases.replies import Replies
from models import Case, CaseEvent, CaseState, Message
from models.db import db


def classify(case: Case, tell_citizen: bool = False) -> list[Message]:
    """Label the case (unless staff already corrected it), then find repeats and groups;
    returns outbound messages queued: pages to the on-duty officer, the leaders' group
    alert and, when asked, the citizen's safety notice. No commit."""
    if case.state != CaseState.REGISTERED or _corrected_by_staff(case.id):
        return []  # staff labels are never overwritten by the machine
    was_urgent = bool(case.urgent and case.classified_at)
    result = get_classifier().classify(case.text[: current_app.config["MAX_BODY_CHARS"]])
    services.apply_classification(case, result, current_app.config["TRIAGE_THRESHOLD"])
    _check_conflict(case)
    outbound = detect_repeats_and_groups(case)
    if not case.urgent or was_urgent:
        return outbound
    outbound += page_on_duty(case)
    if tell_citizen and case.contact is not None:
        replies = Replies(current_app.extensions["templates"], case.contact.language)
        outbound.append(queue_message(case.contact.address, case.channel,
                                      replies.render("safety", number=case.number), "safety",
                                      contact=case.contact, case=case))
    return outbound


def _check_conflict(case: Case) -> None:
    """回避: a petition about a unit's own staff never reaches that unit. When the text does
    not name the unit, the unit it would have gone to (the classifier's) is the one kept out."""
    detector = current_app.extensions["conflict_detector"]
    found = detector.detect(case.text[: current_app.config["CASE_TEXT_LIMIT"]])
    if found is not None:
        level = "certain" if found.certain else "possible"
        unit = found.unit or case.conflict_unit or case.department
        if unit and unit != detector.route_to:
            services.mark_conflict(case, unit, level, detector.route_to, found.clause)
    elif case.conflict_level == "certain":
        case.department = detector.route_to  # a re-classification never sends it back to the unit


def detect_repeats_and_groups(case: Case) -> list[Message]:
    """Once the case has its place and type: link it to the earlier cases of its matter
    (cases.repeats) and to a group petition (cases.groups). Returns the leaders' alert
    queued when a group forms. No commit."""
    repeats.remember_identity(case)
    repeats.link_repeat(case)
    return find_group(case)


def _corrected_by_staff(case_id: int) -> bool:
    return db.session.execute(
        select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.kind == "corrected").limit(1)
    ).first() is not None
