"""Repeat petitions (重复信访): a new case is compared with the same person's earlier cases
(same contact, same 身份证号, or same name and village) and with like texts of the last
twelve months; a likely repeat is linked to the earliest case of its matter (repeat_of) and
every case of that matter carries the count. Where an earlier case of the matter was
answered and then reviewed, the console may propose 不再受理 (条例 art. 36): a suggestion for
a person to decide, never done here.

Called by the classification of a stored case (cases.classification), in the caller's
transaction, before cases.groups; nothing here commits."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, false, or_, select

from cases.records import record_event
from models import Case, CaseState
from models.db import db
from nlp.identity import find_id_number
from nlp.similarity import TextSimilarity, Vector, cosine

REPEAT_WINDOW = timedelta(days=365)
# Cosine thresholds, chosen on the labelled set of tests/repeats_set.py (docs/supervision.md):
PERSON_MATCH = 0.12   # the same person: this alike is the same matter told again
TEXT_MATCH = 0.90     # no person in common: only a near copy in the same township is a repeat
CANDIDATES = 2000     # newest cases compared per detection; older ones are beyond any burst


@lru_cache(maxsize=2)
def _similarity(config_dir: str) -> tuple[TextSimilarity, tuple[str, ...]]:
    """The similarity (jieba words, IDF from the seed corpus) and every township name."""
    from nlp.config import load_taxonomy
    from nlp.records import load_seed
    from nlp.tokenizer import get_tokenizer

    taxonomy = load_taxonomy(Path(config_dir))
    tokenizer = get_tokenizer(taxonomy)
    places = tuple(name for t in taxonomy.townships for name in (t.name, *t.aliases))
    return TextSimilarity.fitted(tokenizer.cut, (r["text"] for r in load_seed())), places


@lru_cache(maxsize=20000)
def _matter_vector(config_dir: str, text: str, name: str, village: str) -> Vector:
    # Cached by content: a detection compares with up to CANDIDATES earlier cases, and the
    # same cases come back in every detection of their township (bench/repeats.py).
    sim, places = _similarity(config_dir)
    return sim.vector(text, drop=(name, village, *places))


def matter_vector(case) -> Vector:
    """The case's (or a row's) text as a vector of its matter: its petitioner's name, village and every
    township name are left out (compared apart, by same_person and the place filters).
    Read-only: the vector is shared through a cache."""
    return _matter_vector(str(current_app.config["CONFIG_DIR"]), case.text or "", case.citizen_name or "",
                          case.village or "")


def id_digest(id_number: str) -> str:
    """A keyed digest of a 身份证号: equal numbers match, the number itself is not kept."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"id-number:" + id_number.strip().upper().encode(), hashlib.sha256).hexdigest()


def same_person_condition(case: Case):
    """SQL: cases filed by the petitioner of ``case`` (any of the keys that identify one)."""
    keys = []
    if case.contact_id is not None:
        keys.append(Case.contact_id == case.contact_id)
    if case.id_digest:
        keys.append(Case.id_digest == case.id_digest)
    if case.citizen_name and case.village:
        keys.append(and_(Case.citizen_name == case.citizen_name, Case.village == case.village))
    return or_(*keys) if keys else false()


def same_person(a, b) -> bool:
    """``a`` and ``b``: cases, or rows with their contact_id, id_digest, citizen_name, village."""
    if a.contact_id is not None and a.contact_id == b.contact_id:
        return True
    if a.id_digest and a.id_digest == b.id_digest:
        return True
    return bool(a.citizen_name and a.village and (a.citizen_name, a.village) == (b.citizen_name, b.village))


def _different_people(a, b) -> bool:
    """Both named, and not the same name: the texts may match, the petitioners do not."""
    return bool(a.citizen_name and b.citizen_name and a.citizen_name != b.citizen_name)


def remember_identity(case: Case) -> None:
    """An ID number written in the petition becomes the case's digest (the text keeps it)."""
    if not case.id_digest:
        number = find_id_number(case.text)
        if number:
            case.id_digest = id_digest(number)


@dataclass(frozen=True)
class _Who:
    contact_id: int | None
    id_digest: str | None
    citizen_name: str | None
    village: str | None


@dataclass(frozen=True)
class Match:
    case: Case
    score: float


# What a comparison needs: loading whole cases (JSON keywords and all) cost most of the time.
_COMPARED = (Case.id, Case.text, Case.contact_id, Case.id_digest, Case.citizen_name, Case.village, Case.group_id)


def find_earlier(case: Case) -> Match | None:
    """The most alike earlier case of the same matter, by the same person or a near copy."""
    since = case.received_at - REPEAT_WINDOW
    place = Case.township == case.township if case.township else false()
    stmt = (select(*_COMPARED).where(Case.id != case.id, Case.state != CaseState.MERGED,
                               Case.received_at >= since, Case.received_at <= case.received_at,
                               or_(same_person_condition(case), place))
            .order_by(Case.received_at.desc()).limit(CANDIDATES))
    mine = matter_vector(case)
    me = _Who(case.contact_id, case.id_digest, case.citizen_name, case.village)  # plain: read 2000 times
    best_id, best_score = None, 0.0
    for other in db.session.execute(stmt):
        if other.group_id is not None and other.group_id == case.group_id:
            continue
        person = same_person(me, other)
        if not person and _different_people(me, other):
            continue
        score = cosine(mine, matter_vector(other))
        if score >= (PERSON_MATCH if person else TEXT_MATCH) and score > best_score:
            best_id, best_score = other.id, score
    return Match(db.session.get(Case, best_id), best_score) if best_id is not None else None


def link_repeat(case: Case) -> Case | None:
    """Link a likely repeat to the earliest case of its matter and count on every case of
    it. Returns the earliest case, or None. A case already linked is left as it is."""
    if case.repeat_of_id is not None:
        return None
    match = find_earlier(case)
    if match is None:
        return None
    root = db.session.get(Case, match.case.repeat_of_id) if match.case.repeat_of_id else match.case
    case.repeat_of_id = root.id
    count = _recount(root)
    record_event(case, "repeat", "system", after={"repeat_of": root.number, "similar_to": match.case.number,
                                                 "similarity": round(match.score, 2), "repeat_count": count})
    record_event(root, "repeated", "system", after={"repeat": case.number, "repeat_count": count})
    return root


def _recount(root: Case) -> int:
    """How often the matter came back: written on the earliest case and on each repeat."""
    db.session.flush()
    members = list(db.session.execute(select(Case).where(Case.repeat_of_id == root.id)).scalars())
    for member in [root, *members]:
        member.repeat_count = len(members)
    return len(members)


def matter_cases(case: Case) -> list[Case]:
    """All cases of this case's matter (the earliest and its repeats), oldest first."""
    root_id = case.repeat_of_id or case.id
    stmt = (select(Case).where(or_(Case.id == root_id, Case.repeat_of_id == root_id))
            .order_by(Case.received_at, Case.id))
    return list(db.session.execute(stmt).scalars())


def reviewed_precedent(case: Case) -> Case | None:
    """An earlier case of the same matter that was answered and then reviewed (复查/复核):
    the ground on which 条例 art. 36 lets the bureau decline the same request again."""
    if case.repeat_of_id is None:
        return None
    earlier = [c for c in matter_cases(case) if c.id != case.id and c.received_at <= case.received_at
               and c.state in (CaseState.ANSWERED, CaseState.CLOSED)]
    return next((c for c in earlier if _went_through_review(c)), None)


def _went_through_review(case: Case) -> bool:
    return any(e.kind == "state" and (e.after or {}).get("state") == CaseState.REVIEW for e in case.events)
