"""What a citizen can do with their own cases by SMS: status, supplement, rating, review.
Status is told only to the contact that filed the case."""
from __future__ import annotations

from datetime import timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import select

from cases import services
from cases.clocks import REVIEW_WINDOW_DAYS
from cases.classifier import get_place_extractor
from models.db import db
from models import Case, CaseState, utcnow
from conversation.turn import Outcome, Turn
from nlp.intent import find_name


def fill_details(case: Case, text: str, answer: bool = False) -> None:
    """Name and place the citizen gave, kept for the formal notice (Art. 23). `answer`:
    the text answers our question, so a bare leading name counts."""
    case.citizen_name = case.citizen_name or find_name(text, answer=answer)
    place = get_place_extractor().extract(text)
    case.village = case.village or place.village
    if place.code and not case.township:
        case.township = place.code


def missing_details(case: Case) -> str | None:
    """'name', 'place', 'both' or None: what a formal notice still lacks."""
    no_name, no_place = not case.citizen_name, not (case.township or case.village)
    if no_name and no_place:
        return "both"
    return "name" if no_name else "place" if no_place else None


def own_case(contact_id: int, number: str | None) -> Case | None:
    if not number:
        return None
    case = db.session.execute(select(Case).where(Case.number == full_number(number))).scalar_one_or_none()
    return case if case is not None and case.contact_id == contact_id else None


def full_number(number: str) -> str:
    """A number typed without its prefix gets the county's prefix."""
    return number if number[:1].isalpha() else current_app.extensions["taxonomy"].case_prefix + number


def _cases(contact_id: int, *states: str) -> list[Case]:
    query = select(Case).where(Case.contact_id == contact_id).order_by(Case.id.desc())
    if states:
        query = query.where(Case.state.in_(states))
    return list(db.session.execute(query).scalars())


def status_list(turn: Turn) -> list[str]:
    cases = _cases(turn.contact.id)[:3]
    if not cases:
        return turn.say("status_none")
    item = turn.replies.text("status_list_item")
    items = "；".join(item.format(number=c.number, state=turn.replies.state_name(c.state)) for c in cases)
    return turn.say("status_list", items=items)


def status_one(turn: Turn) -> list[str]:
    case = own_case(turn.contact.id, turn.intent.case_number)
    if case is None:
        return turn.say("not_found", number=full_number(turn.intent.case_number or ""))
    return [status_text(case, turn)]


def status_text(case: Case, turn: Turn) -> str:
    taxonomy = current_app.extensions["taxonomy"]
    replies = turn.replies
    unit = taxonomy.department_name(case.department, case.township) if case.state != CaseState.REGISTERED else ""
    values = dict(number=case.number, state=replies.state_name(case.state), unit=unit or replies.text("pending_unit"))
    if case.due_at is None or case.state not in CaseState.OPEN:
        return replies.render("status_closed", **values)
    deadline = replies.date(case.due_at, current_app.config["TIMEZONE"])
    return replies.render("status", deadline_label=replies.deadline_label(case.state), deadline=deadline, **values)


def supplement(turn: Turn, as_petition: Callable[[Turn], Outcome]) -> Outcome:
    number = turn.intent.case_number
    if number:
        case = own_case(turn.contact.id, number)
        if case is None:
            return Outcome(turn.say("not_found", number=full_number(number)), turn.intent.kind)
    else:
        open_cases = _cases(turn.contact.id, *CaseState.OPEN)
        if not open_cases:
            return as_petition(turn)
        if len(open_cases) > 1:
            return Outcome(turn.say("supplement_which", number=open_cases[0].number), turn.intent.kind)
        case = open_cases[0]
    turn.message.body = turn.intent.text or turn.message.body
    services.append_message(case, turn.message)
    return Outcome(turn.say("supplement_ok", number=case.number), turn.intent.kind)


def _answered_target(turn: Turn, which_key: str) -> tuple[Case | None, list[str] | None]:
    """The answered case a rating or review is about, or the reply that asks which."""
    if turn.intent.case_number:
        case = own_case(turn.contact.id, turn.intent.case_number)
        if case is None:
            return None, turn.say("not_found", number=full_number(turn.intent.case_number))
        return case, None
    answered = _cases(turn.contact.id, CaseState.ANSWERED)
    if len(answered) == 1:
        return answered[0], None
    if len(answered) > 1:
        return None, turn.say(which_key, number=answered[0].number)
    return None, None


def rate(turn: Turn) -> list[str]:
    case, ask = _answered_target(turn, "rating_which")
    if ask:
        return ask
    if case is None or case.state not in (CaseState.ANSWERED, CaseState.CLOSED):
        return turn.say("rating_none")
    services.rate(case, turn.intent.rating)
    if turn.intent.rating == "unsatisfied":
        return turn.say("rating_unsatisfied", number=case.number)
    return turn.say("rating_ok", number=case.number, rating=turn.replies.table["ratings"][turn.intent.rating])


def review(turn: Turn) -> list[str]:
    case, ask = _answered_target(turn, "review_which")
    if ask:
        return ask
    if case is None:
        return turn.say("review_none")
    if case.state != CaseState.ANSWERED or case.answered_at is None:
        return turn.say("review_not_answered", number=case.number)
    if utcnow() - case.answered_at > timedelta(days=REVIEW_WINDOW_DAYS):
        return turn.say("review_late", number=case.number)
    services.transition(case, CaseState.REVIEW, "citizen", note="复查申请 (短信)")
    return turn.say("review_ok", number=case.number)
