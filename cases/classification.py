"""Understanding a stored case: classify, route, keep it from a unit in conflict (回避),
link repeats and groups, and page the on-duty officer when urgent; and the danger check
every inbound turn gets, whatever its intent."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from cases import hotspots, informants, repeats, services
from cases.classifier import get_classifier
from cases.groups import find_group
from cases.notices import citizen_addresses
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
    return outbound + _alarm(case, tell_citizen)


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
    report = informants.report_of_message(message.id) if case is None else None
    if report is not None:  # a village information officer's report: an urgent case of its own
        case = informants.escalate(report, message)
        outbound = classify(case, tell_citizen=True)
        if any((m.kind or "").startswith("page") for m in outbound):
            return outbound
        return outbound + raise_alarm(case, message, tell_citizen=True)
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
    (cases.repeats), to a group petition (cases.groups) and to a hotspot alert of its
    township and type (cases.hotspots). Returns the leaders' group alert and the on-duty
    hotspot alert when one forms. No commit."""
    repeats.remember_identity(case)
    repeats.link_repeat(case)
    return find_group(case) + hotspots.check(case)


def _corrected_by_staff(case_id: int) -> bool:
    return db.session.execute(
        select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.kind == "corrected").limit(1)
    ).first() is not None
