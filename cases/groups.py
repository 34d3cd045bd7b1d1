"""Group petitions (集体访, 联名信): at least GROUP_MIN distinct petitioners on one matter and
place within GROUP_DAYS, or one letter signed by many (nlp.collective), form a group: the
cases are linked to one CaseGroup with its 人数, and the bureau's leaders get one SMS page
(LEADER_PHONES) when the group forms, never one per case.

Called from cases.repeats.detect in the caller's transaction; nothing here commits."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from cases.outbox import queue_message
from cases.replies import Replies
from cases.repeats import matter_vector, same_person
from cases.records import record_event
from models import Case, CaseGroup, CaseState, Message, utcnow
from models.db import db
from nlp.collective import signers
from nlp.similarity import cosine

GROUP_MIN = 5                      # petitioners that make a group (集体访: five or more)
GROUP_WINDOW = timedelta(days=7)
GROUP_MATCH = 0.18                 # cosine: different people telling one matter (tuned, docs/supervision.md)


def neighbours(case: Case) -> list[Case]:
    """Other cases on the same matter and place within the window: single linkage, so a
    case alike to any member joins (one matter is told in many ways; each teller echoes
    some of the others)."""
    if not case.township:
        return []  # no place, no group: a township is the least a group shares
    stmt = select(Case).where(Case.id != case.id, Case.state != CaseState.MERGED, Case.township == case.township,
                              Case.received_at >= case.received_at - GROUP_WINDOW,
                              Case.received_at <= case.received_at + GROUP_WINDOW)
    # one matter and one place: a case of another village is another matter
    pool = [c for c in db.session.execute(stmt).scalars()
            if not (case.village and c.village and case.village != c.village)]
    vectors = {c.id: matter_vector(c) for c in pool}
    found, frontier = [], [matter_vector(case)]
    while frontier:
        vector = frontier.pop()
        for other in [c for c in pool if cosine(vector, vectors[c.id]) >= GROUP_MATCH]:
            pool.remove(other)
            found.append(other)
            frontier.append(vectors[other.id])
    return found


def count_petitioners(cases: list[Case]) -> int:
    """Distinct petitioners: cases that share a contact, an ID number or a name and
    village are one person."""
    people: list[Case] = []
    for case in cases:
        if not any(same_person(case, seen) for seen in people):
            people.append(case)
    return len(people)


def find_group(case: Case) -> list[Message]:
    """Join, form or leave alone a group for ``case``; the outbound alert when one forms."""
    if case.group_id is not None:
        return []
    near = neighbours(case)
    existing = next((c.group for c in near if c.group is not None), None)
    if existing is not None:
        _join(existing, case, near)
        return []
    declared = signers(case.text)
    size = count_petitioners([case, *near])
    if size >= GROUP_MIN:
        return _form("burst", [case, *near], size, declared.count if declared.joint else None)
    if declared.joint and (declared.count is None or declared.count >= GROUP_MIN):
        return _form("joint", [case, *near], size, declared.count)
    return []


def _members(group: CaseGroup) -> list[Case]:
    return list(db.session.execute(select(Case).where(Case.group_id == group.id)).scalars())


def _join(group: CaseGroup, case: Case, near: list[Case]) -> None:
    joining = [c for c in [case, *near] if c.group_id is None]
    for member in joining:
        member.group_id = group.id
    db.session.flush()
    group.petitioners = count_petitioners(_members(group))
    declared = signers(case.text)
    if declared.count:
        group.declared = max(group.declared or 0, declared.count)
    for member in joining:
        record_event(member, "grouped", "system", after={"group": group.id, "group_size": group.size})


def _form(kind: str, cases: list[Case], petitioners: int, declared: int | None) -> list[Message]:
    first = min(cases, key=lambda c: (c.received_at, c.id))
    group = CaseGroup(kind=kind, township=first.township, village=_village(cases), issue_type=first.issue_type,
                      petitioners=petitioners, declared=declared, created_at=utcnow())
    db.session.add(group)
    db.session.flush()
    for member in cases:
        member.group_id = group.id
        record_event(member, "grouped", "system", after={"group": group.id, "group_size": group.size})
    return alert_leaders(group, first, len(cases))


def _village(cases: list[Case]) -> str | None:
    return next((c.village for c in cases if c.village), None)


def alert_leaders(group: CaseGroup, first: Case, count: int) -> list[Message]:
    """One SMS per leader phone when a group forms; the alert time is kept on the group."""
    replies = Replies(current_app.extensions["templates"])
    taxonomy = current_app.extensions["taxonomy"]
    body = replies.render("group_alert", township=taxonomy.township_name(group.township) or "",
                          village=group.village or "", size=group.size, count=count, number=first.number,
                          issue=taxonomy.issue_type_name(group.issue_type) or "")
    phones = current_app.config["LEADER_PHONES"]
    if phones:  # without leader phones the console's 集体访 queue is the only flag
        group.alerted_at = utcnow()
    return [queue_message(phone, "sms", body, "group_alert", case=first) for phone in phones]
