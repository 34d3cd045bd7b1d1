"""What the case page shows of repeats and groups: the earlier cases of the same matter
(links, within the user's scope), the group petition and its 人数, and — for a person to
decide — the 不再受理 route (条例 art. 36) when an earlier case of the matter was answered
and reviewed. Reads only; the proposal posts to the ordinary move form."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_login import current_user
from sqlalchemy import select

from cases.repeats import matter_cases, reviewed_precedent
from console import access
from console.blueprint import bp
from models import Case, CaseGroup, CaseState
from models.db import db


@dataclass(frozen=True)
class RepeatInfo:
    matter: list[Case] = field(default_factory=list)   # the other cases of the matter, oldest first
    group: CaseGroup | None = None
    group_cases: list[Case] = field(default_factory=list)
    precedent: Case | None = None                      # answered and reviewed: 不再受理 may be proposed

    @property
    def shown(self) -> bool:
        return bool(self.matter or self.group)


def _visible(cases: list[Case]) -> list[Case]:
    """Only the cases this user may open (a handler sees his unit's)."""
    if not cases:
        return []
    ids = set(db.session.execute(select(Case.id).where(Case.id.in_([c.id for c in cases]),
                                                       access.scope(current_user))).scalars())
    return [c for c in cases if c.id in ids]


def repeat_info(case: Case) -> RepeatInfo:
    matter = [c for c in matter_cases(case) if c.id != case.id] if (case.repeat_of_id or case.repeat_count) else []
    group_cases = []
    if case.group_id:
        group_cases = list(db.session.execute(select(Case).where(Case.group_id == case.group_id, Case.id != case.id)
                                              .order_by(Case.received_at, Case.id)).scalars())
    precedent = None
    if case.state == CaseState.REGISTERED and access.can(current_user, "move", CaseState.NOT_ACCEPTED):
        precedent = reviewed_precedent(case)
    return RepeatInfo(_visible(matter), case.group, _visible(group_cases), precedent)


@bp.context_processor
def _repeats() -> dict:
    return {"repeat_info": repeat_info}
