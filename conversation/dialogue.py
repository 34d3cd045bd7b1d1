"""Decide what an inbound message means for the citizen's cases and what to answer.

`respond` changes the database through cases.services but does not commit: the shared
webhook path commits once, then queues the jobs and messages the Outcome names."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from cases import services
from cases.classification import classify
from cases.jobs import queued
from cases.replies import Replies
from conversation import citizen, reception
from conversation.turn import Outcome, Turn
from models import Case, CaseState, Contact, Message, utcnow
from models.db import db
from nlp.intent import Kind, parse

DETAILS_WINDOW = timedelta(hours=24)  # how long a follow-up question waits for its answer


def respond(message: Message, contact: Contact) -> Outcome:
    turn = Turn(parse(message.body), message, contact,
                Replies(current_app.extensions["templates"], contact.language))
    handler = _HANDLERS.get(turn.intent.kind, _petition)
    outcome = handler(turn)
    return _flood_guard(turn, outcome)


def _flood_guard(turn: Turn, outcome: Outcome) -> Outcome:
    """Past the flood limit in a window: one polite notice, then silence until the window
    ends. The messages themselves are still stored and handled."""
    config = current_app.config
    now = utcnow()
    state = dict(turn.contact.dialogue or {})
    flood = dict(state.get("flood") or {})  # a new dict: in-place changes would go unsaved
    window = timedelta(minutes=config["FLOOD_WINDOW_MINUTES"])
    if not flood or datetime.fromisoformat(flood["since"]) < now - window:
        flood = {"since": now.isoformat(), "count": 0, "noticed": False}
    flood["count"] += 1
    if flood["count"] > config["FLOOD_LIMIT"]:
        outcome.replies = [] if flood["noticed"] else turn.say("flood")
        flood["noticed"] = True
    state["flood"] = flood
    turn.contact.dialogue = state
    return outcome


# --- petitions -------------------------------------------------------------------------

def _petition(turn: Turn) -> Outcome:
    pending = _awaiting_details(turn.contact)
    if pending is not None:
        return _details_answer(turn, pending)
    ongoing = _ongoing_case(turn.contact)
    if ongoing is not None:
        # A story split over several SMS: later parts join the case, no second number.
        services.append_message(ongoing, turn.message)
        _remember(turn.contact, "thread", {"case_id": ongoing.id})
        return Outcome([], "continuation", *_classify_now_or_later(ongoing))
    return _new_case(turn)


def _new_case(turn: Turn) -> Outcome:
    case = services.open_case(turn.contact, turn.message)
    citizen.fill_details(case, turn.message.body)
    classify_ids, outbound = _classify_now_or_later(case)
    deadline = turn.replies.date(case.due_at, current_app.config["TIMEZONE"])
    key = "ack_urgent" if case.urgent else "ack"
    replies = turn.say(key, number=case.number, deadline=deadline)
    _remember(turn.contact, "thread", {"case_id": case.id})
    missing = citizen.missing_details(case)
    if missing:
        replies += turn.say("ask_details", missing=turn.replies.text(f"missing_{missing}"))
        _remember(turn.contact, "awaiting", {"kind": "details", "case_id": case.id})
    return Outcome(replies, Kind.PETITION, classify_ids, outbound)


def _classify_now_or_later(case: Case) -> tuple[list[int], list[Message]]:
    """Inline (no Redis): classify in this transaction so the reply can react to urgency.
    With a queue: the worker does it, and no jieba work happens in the request."""
    if queued():
        return [case.id], []
    return [], classify(case)


def _awaiting_details(contact: Contact) -> Case | None:
    awaiting = (contact.dialogue or {}).get("awaiting")
    if not awaiting or awaiting.get("kind") != "details":
        return None
    if datetime.fromisoformat(awaiting["at"]) < utcnow() - DETAILS_WINDOW:
        return None
    case = db.session.get(Case, awaiting["case_id"])
    return case if case is not None and case.state in CaseState.OPEN else None


def _details_answer(turn: Turn, case: Case) -> Outcome:
    services.append_message(case, turn.message)
    citizen.fill_details(case, turn.message.body, answer=True)
    _remember(turn.contact, "awaiting", None)
    _remember(turn.contact, "thread", {"case_id": case.id})
    classify_ids, outbound = _classify_now_or_later(case)
    return Outcome(turn.say("details_ok", number=case.number), "details", classify_ids, outbound)


def _remember(contact: Contact, key: str, value: dict | None) -> None:
    """Conversation state on the contact row: it survives restarts and is shared by workers."""
    state = dict(contact.dialogue or {})
    if value is None:
        state.pop(key, None)
    else:
        state[key] = dict(value, at=utcnow().isoformat())
    contact.dialogue = state


def _ongoing_case(contact: Contact) -> Case | None:
    """The contact's case opened or added to within the thread window, still unhandled."""
    thread = (contact.dialogue or {}).get("thread")
    window = timedelta(minutes=current_app.config["THREAD_WINDOW_MINUTES"])
    if not thread or datetime.fromisoformat(thread["at"]) < utcnow() - window:
        return None
    case = db.session.get(Case, thread["case_id"])
    return case if case is not None and case.state == CaseState.REGISTERED else None


# --- keywords --------------------------------------------------------------------------

def _simple(key: str):
    def handler(turn: Turn) -> Outcome:
        return Outcome(turn.say(key), turn.intent.kind)
    return handler


def _opt(opted_out: bool, key: str):
    def handler(turn: Turn) -> Outcome:
        turn.contact.opted_out = opted_out
        return Outcome(turn.say(key), turn.intent.kind)
    return handler


_HANDLERS = {
    Kind.EMPTY: _simple("empty"),
    Kind.HELP: _simple("help"),
    Kind.GREETING: _simple("greeting"),
    Kind.OPT_OUT: _opt(True, "opted_out"),
    Kind.OPT_IN: _opt(False, "opted_in"),
    Kind.STATUS_LIST: lambda turn: Outcome(citizen.status_list(turn), turn.intent.kind),
    Kind.STATUS: lambda turn: Outcome(citizen.status_one(turn), turn.intent.kind),
    Kind.SUPPLEMENT: lambda turn: citizen.supplement(turn, _petition),
    Kind.RATING: lambda turn: Outcome(citizen.rate(turn), turn.intent.kind),
    Kind.REVIEW: lambda turn: Outcome(citizen.review(turn), turn.intent.kind),
    Kind.PETITION: _petition,
    Kind.RECEPTION: reception.answer,
}
