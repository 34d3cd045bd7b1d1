"""Decide what an inbound message means for the citizen's cases and what to answer.

`respond` changes the database through cases.services but does not commit: the shared
webhook path commits once, then queues the jobs and messages the Outcome names.

Every turn with words of its own is checked for danger, whatever its intent (a threat in
the answer to our question or in a 补充 counts as much as in a new petition)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from cases import informants, services
from cases.classification import classify, is_urgent, raise_alarm, safety_text
from cases.jobs import queued
from cases.replies import Replies
from conversation import citizen, informant, matters, reception
from conversation.turn import Outcome, Turn
from models import Case, CaseState, Contact, Message, utcnow
from models.db import db
from nlp.intent import Kind, parse

DETAILS_WINDOW = timedelta(hours=24)  # how long a follow-up question waits for its answer
REPEAT_LOOKBACK = timedelta(days=365)  # earlier cases a new petition may repeat (重复信访)
# Turns that are only a fixed command: no words of their own to hold a danger.
_COMMANDS = {Kind.HELP, Kind.OPT_OUT, Kind.OPT_IN, Kind.RATING, Kind.GREETING, Kind.THANKS, Kind.EMPTY,
             Kind.EMOJI, Kind.GARBAGE, Kind.STATUS_LIST, Kind.STATUS}
# Turns that open or grow cases: the only ones the flood guard counts or silences.
_GROWING = {Kind.PETITION, Kind.SUPPLEMENT, "continuation", "details", "new_matter"}


def respond(message: Message, contact: Contact, first_contact: bool = False) -> Outcome:
    """`first_contact`: the contact was created for this message, so it has no cases yet
    (the daily cap and the repeat search need no query)."""
    turn = Turn(parse(message.body), message, contact,
                Replies(current_app.extensions["templates"], contact.language, contact.channel), first_contact)
    officer = informants.informant_for(contact)
    if informant.handles(turn, officer):  # a village information officer's report (信息员)
        outcome = _danger(turn, informant.respond(turn, officer))
    else:
        outcome = _danger(turn, _HANDLERS.get(turn.intent.kind, _petition)(turn))
    return _flood_guard(turn, outcome)


def _danger(turn: Turn, outcome: Outcome) -> Outcome:
    """An urgent turn flags its case, pages the on-duty officer and gets the safety reply.
    Queued mode: the worker checks (the request does no jieba work)."""
    if turn.intent.kind in _COMMANDS or outcome.danger_checked or not (turn.message.body or "").strip():
        return outcome
    if queued():
        outcome.check_message_ids.append(turn.message.id)
        return outcome
    if not is_urgent(turn.message.body):
        return outcome
    case = db.session.get(Case, turn.message.case_id) if turn.message.case_id else None
    replies: list[str] = []
    if case is None:  # a threat that belongs to no case opens one: someone must act on it
        case = services.open_case(turn.contact, turn.message)
        citizen.fill_details(case, turn.message.body)
        outcome.outbound += classify(case)
        replies = _ack(turn, case)
    pages = raise_alarm(case, turn.message)
    outcome.outbound += pages
    outcome.replies = [safety_text(turn.replies, case, paged=bool(pages))] + replies + outcome.replies
    outcome.urgent = True
    return outcome


def _flood_guard(turn: Turn, outcome: Outcome) -> Outcome:
    """Past the flood limit in a window: one polite notice, then silence until the window
    ends. Only turns that open or grow cases count and are silenced: queries, ratings,
    reviews and help are always answered, and so is an urgent turn. The messages themselves
    are still stored and handled."""
    if outcome.intent not in _GROWING or outcome.urgent:
        return outcome
    config = current_app.config
    now = utcnow()
    state = dict(turn.contact.dialogue or {})
    flood = dict(state.get("flood") or {})  # a new dict: in-place changes would go unsaved
    window = timedelta(minutes=config["FLOOD_WINDOW_MINUTES"])
    if not flood or datetime.fromisoformat(flood["since"]) < now - window:
        flood = {"since": now.isoformat(), "count": 0, "noticed": False}
    flood["count"] += 1
    if flood["count"] > config["FLOOD_LIMIT"]:
        outcome.replies = turn.say_if("flood_quiet") if flood["noticed"] else turn.say("flood")
        flood["noticed"] = True
    state["flood"] = flood
    turn.contact.dialogue = state
    return outcome


# --- petitions -------------------------------------------------------------------------

def _petition(turn: Turn) -> Outcome:
    pending = _awaiting_details(turn.contact)
    text = turn.message.body
    if pending is not None:
        if matters.reads_as_details(text, has_place=citizen.has_place(text)):
            return _details_answer(turn, pending)
        _remember(turn.contact, "awaiting", None)  # another matter: the question lapses
        return _new_case(turn, previous=pending)
    ongoing = _ongoing_case(turn.contact)
    if ongoing is not None and matters.is_new_matter(text):
        return _new_case(turn, previous=ongoing)
    if ongoing is not None:
        # A story split over several SMS: later parts join the case, no second number.
        appended = services.append_message(ongoing, turn.message)
        _remember(turn.contact, "thread", {"case_id": ongoing.id})
        told = turn.say_if("continued", number=ongoing.number) if appended \
            else turn.say("text_limit", number=ongoing.number)
        return _classified(turn, ongoing, Outcome(told, "continuation"))
    capped = None if turn.first_contact else \
        services.latest_open_case_past_cap(turn.contact, current_app.config["DAILY_CASE_LIMIT"])
    if capped is not None:  # a phone that keeps sending joins its latest case (issue 11)
        appended = services.append_message(capped, turn.message)
        reply = turn.say("daily_cap" if appended else "text_limit", number=capped.number)
        return _classified(turn, capped, Outcome(reply, "daily_cap"))
    return _new_case(turn)


def _new_case(turn: Turn, previous: Case | None = None) -> Outcome:
    """A case of its own, with its clock. After another case of this conversation the
    citizen is told both numbers; the repeat of an earlier matter is marked on both."""
    case = services.open_case(turn.contact, turn.message, defer_insert=True)  # one INSERT with the details
    citizen.fill_details(case, turn.message.body)
    earlier = None if turn.first_contact else _repeated(case)
    if earlier is not None:
        services.mark_repeat(case, earlier)
    outcome = _classified(turn, case, Outcome([], Kind.PETITION if previous is None else "new_matter"))
    outcome.replies += _ack(turn, case, previous, earlier)
    _remember(turn.contact, "thread", {"case_id": case.id})
    missing = citizen.missing_details(case)
    if missing:
        outcome.replies += turn.say("ask_details", missing=turn.replies.text(f"missing_{missing}"))
        _remember(turn.contact, "awaiting", {"kind": "details", "case_id": case.id})
    return outcome


def _ack(turn: Turn, case: Case, previous: Case | None = None, earlier: Case | None = None) -> list[str]:
    deadline = turn.replies.date(case.due_at, current_app.config["TIMEZONE"])
    if earlier is not None:
        return turn.say("ack_repeat", number=case.number, deadline=deadline, previous=earlier.number)
    if previous is not None:
        return turn.say("ack_new_matter", number=case.number, deadline=deadline, previous=previous.number)
    return turn.say("ack", number=case.number, deadline=deadline)


def _repeated(case: Case) -> Case | None:
    """The contact's most recent earlier case telling the same matter, if any."""
    since = case.received_at - REPEAT_LOOKBACK
    earlier = db.session.execute(
        select(Case).where(Case.contact_id == case.contact_id, Case.id != case.id, Case.received_at >= since,
                           Case.state != CaseState.MERGED).order_by(Case.id.desc()).limit(20)).scalars()
    return next((c for c in earlier if matters.same_matter(case.text, c.text)), None)


def _classified(turn: Turn, case: Case, outcome: Outcome) -> Outcome:
    """Inline (no Redis): classify in this transaction so the reply can react to urgency.
    With a queue: the worker does it, and no jieba work happens in the request."""
    outcome.danger_checked = outcome.intent != "details"  # an answer is also judged alone
    if queued():
        outcome.classify_case_ids.append(case.id)
        return outcome
    was_urgent = bool(case.urgent)
    outcome.outbound += classify(case)
    if case.urgent and not was_urgent:
        paged = any(m.kind == "page" for m in outcome.outbound)
        outcome.replies = [safety_text(turn.replies, case, paged=paged)] + outcome.replies
        outcome.urgent = outcome.danger_checked = True
    return outcome


def _awaiting_details(contact: Contact) -> Case | None:
    awaiting = (contact.dialogue or {}).get("awaiting")
    if not awaiting or awaiting.get("kind") != "details":
        return None
    if datetime.fromisoformat(awaiting["at"]) < utcnow() - DETAILS_WINDOW:
        return None
    case = db.session.get(Case, awaiting["case_id"])
    return case if case is not None and case.state in CaseState.OPEN else None


def _details_answer(turn: Turn, case: Case) -> Outcome:
    if not services.append_message(case, turn.message):
        _remember(turn.contact, "awaiting", None)
        return Outcome(turn.say("text_limit", number=case.number), "details")
    citizen.fill_details(case, turn.message.body, answer=True)
    _remember(turn.contact, "awaiting", None)
    _remember(turn.contact, "thread", {"case_id": case.id})
    return _classified(turn, case, Outcome(turn.say("details_ok", number=case.number), "details"))


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
    Kind.EMOJI: _simple("emoji"),
    Kind.GARBAGE: _simple("garbage"),
    Kind.HELP: _simple("help"),
    Kind.GREETING: _simple("greeting"),
    Kind.THANKS: _simple("thanks"),
    Kind.OPT_OUT: _opt(True, "opted_out"),
    Kind.OPT_IN: _opt(False, "opted_in"),
    Kind.STATUS_LIST: lambda turn: Outcome(citizen.status_list(turn), turn.intent.kind),
    Kind.STATUS: lambda turn: Outcome(citizen.status_one(turn), turn.intent.kind),
    Kind.SUPPLEMENT: lambda turn: citizen.supplement(turn, _petition),
    Kind.RATING: lambda turn: Outcome(citizen.rate(turn), turn.intent.kind),
    Kind.REVIEW: lambda turn: Outcome(citizen.review(turn), turn.intent.kind),
    Kind.REEXAMINE: lambda turn: Outcome(citizen.review(turn), turn.intent.kind),
    Kind.PETITION: _petition,
    Kind.RECEPTION: reception.answer,
}
