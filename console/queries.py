"""Reads for the queues and the case page. Every statement starts from scoped()."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from math import ceil
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case as when, func, literal, or_, select

from cases import search
from console.access import scope
from models.db import db
from models import Case, CaseEvent, CaseState, CaseWorkflow, Message

PER_PAGE = 50
COUNT_CAP = 10_000  # counts and pages stop here ("10000+")
TAB_CAP = 999       # the number on a queue's tab ("999+")
DUE_SOON_DAYS = 3
# States whose due_at is a deadline for staff (for `answered` it is the citizen's review window).
RUNNING = (CaseState.REGISTERED, CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.EXTENDED,
           CaseState.REVIEW)
# 在办: accepted and not yet answered (a review reopens it); registered cases wait for triage.
IN_HAND = (CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.EXTENDED, CaseState.REVIEW)
QUEUES = {  # code -> label, in the order of the tabs
    "triage": "待分类确认", "open": "在办", "overdue": "已超期", "due_soon": "即将到期",
    "awaiting_rating": "待评价", "unsatisfied": "不满意", "repeats": "重复件", "groups": "集体访", "extension": "待批延期", "unsigned": "超时未签收",
    "all": "全部",
}


@dataclass(frozen=True)
class Filters:
    q: str = ""
    issue_type: str = ""
    department: str = ""
    township: str = ""
    channel: str = ""
    state: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(min(self.total, COUNT_CAP) / self.per_page))

    @property
    def total_label(self) -> str:
        return count_label(self.total)


def count_label(n: int, cap: int | None = None) -> str:
    """A count as shown: "10000+" past the cap."""
    cap = COUNT_CAP if cap is None else cap
    return f"{cap}+" if n > cap else str(n)


def _doubt():
    """The lower of the two label confidences; unclassified cases count as the most doubtful."""
    a = func.coalesce(Case.issue_type_confidence, 0.0)
    b = func.coalesce(Case.department_confidence, 0.0)
    return when((a < b, a), else_=b)


def queue_condition(queue: str, now: datetime):
    soon = now + timedelta(days=DUE_SOON_DAYS)
    return {
        "triage": and_(Case.needs_triage.is_(True), Case.state == CaseState.REGISTERED),
        "open": Case.state.in_(IN_HAND),
        "overdue": and_(Case.state.in_(RUNNING), Case.due_at < now),
        "due_soon": and_(Case.state.in_(RUNNING), Case.due_at >= now, Case.due_at < soon),
        "awaiting_rating": and_(Case.state == CaseState.ANSWERED, Case.rating.is_(None)),
        "unsatisfied": or_(Case.flagged.is_(True), Case.rating == "unsatisfied"),
        "repeats": Case.repeat_of_id.is_not(None),      # cases.repeats: petitions of a matter filed before
        "groups": Case.group_id.is_not(None),           # cases.groups: cases of a group petition
        "extension": Case.extension_request.is_not(None),
        "unsigned": Case.id.in_(select(CaseWorkflow.case_id).where(unsigned_late(now))),
    }.get(queue)


def unsigned_late(now: datetime):
    """交办 not signed for (nor returned) past the 签收 limit: the bureau chases these."""
    return and_(CaseWorkflow.handed_at.is_not(None), CaseWorkflow.signed_at.is_(None),
                CaseWorkflow.returned_at.is_(None), CaseWorkflow.sign_due_at < now)


def _order(queue: str) -> list:
    if queue == "triage":
        return [Case.urgent.desc(), _doubt().asc(), Case.received_at.asc(), Case.id]
    if queue in ("overdue", "due_soon", "unsigned"):
        return [Case.due_at.asc(), Case.id]
    return [Case.urgent.desc(), Case.received_at.desc(), Case.id.desc()]


def _local_midnight_utc(day: date, tz: str) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=ZoneInfo(tz))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def filter_conditions(f: Filters, tz: str) -> list:
    conds = [getattr(Case, name) == getattr(f, name)
             for name in ("issue_type", "department", "township", "channel", "state") if getattr(f, name)]
    if f.date_from:
        conds.append(Case.received_at >= _local_midnight_utc(f.date_from, tz))
    if f.date_to:
        conds.append(Case.received_at < _local_midnight_utc(f.date_to + timedelta(days=1), tz))
    if f.q:
        conds.append(search.condition(f.q))
    return conds


def cases_stmt(user, queue: str, f: Filters, now: datetime, tz: str) -> Select:
    """The queue's cases, filtered; a search puts the best matches first (PostgreSQL)."""
    stmt = select(Case).where(scope(user), *filter_conditions(f, tz))
    condition = queue_condition(queue, now)
    if condition is not None:
        stmt = stmt.where(condition)
    best = search.rank(f.q) if f.q else None
    return stmt.order_by(*([best] if best is not None else []), *_order(queue))


def capped_count(stmt: Select, cap: int | None = None) -> int:
    """How many rows STMT gives, counting no further than cap + 1 (more reads as "cap+")."""
    cap = COUNT_CAP if cap is None else cap
    return db.session.execute(select(func.count()).select_from(
        stmt.with_only_columns(literal(1), maintain_column_froms=True).order_by(None).limit(cap + 1).subquery())).scalar_one()


def paginate(stmt: Select, page: int, per_page: int = PER_PAGE, rows: bool = False, key=None) -> Page:
    """One page of the statement's results (ORM objects, or whole rows when rows=True).
    Past COUNT_CAP rows the total reads "10000+" and the pages stop there: counting a
    million rows on every page view costs more than the page (narrow with a filter)."""
    total = capped_count(stmt)
    page = min(max(1, page), max(1, ceil(min(total, COUNT_CAP) / per_page)))
    window = stmt.limit(per_page).offset((page - 1) * per_page)
    if key is not None:
        # The offset walks the index alone (ids only); whole rows are read for the page's 50.
        ids = stmt.with_only_columns(key, maintain_column_froms=True).limit(per_page).offset((page - 1) * per_page)
        window = stmt.where(key.in_(ids.scalar_subquery()))
    result = db.session.execute(window)
    return Page(result.all() if rows else result.scalars().all(), total, page, per_page)


def queue_counts(user, now: datetime) -> dict[str, int]:
    """The number on each tab (TAB_CAP + 1 means more than TAB_CAP: "999+"), in one
    statement of one bounded count per queue, each walking its own index."""
    counts = []
    for q in QUEUES:
        condition = queue_condition(q, now)
        inner = select(literal(1)).select_from(Case).where(scope(user), *([] if condition is None else [condition]))
        counts.append(select(func.count()).select_from(inner.limit(TAB_CAP + 1).subquery())
                      .scalar_subquery().label(q))
    return dict(db.session.execute(select(*counts)).one()._mapping)


def unit_counts(user, now: datetime) -> list[tuple[str | None, str | None, int, int]]:
    """Per responsible unit (a department; a township's government): open and overdue cases."""
    overdue = func.count(when((queue_condition("overdue", now), 1)))
    stmt = (select(Case.department, Case.township, func.count(), overdue)
            .where(scope(user), Case.state.in_(CaseState.OPEN)).group_by(Case.department, Case.township))
    totals: dict[tuple, list[int]] = {}
    for department, township, count, late in db.session.execute(stmt):
        key = (department, township if department == "township_gov" else None)
        totals.setdefault(key, [0, 0])
        totals[key][0] += count
        totals[key][1] += late
    rows = [(d, t, n, late) for (d, t), (n, late) in totals.items()]
    return sorted(rows, key=lambda row: (-row[3], -row[2], row[0] or ""))


def thread(case: Case) -> list[tuple[datetime, str, object]]:
    """Messages in and out and the case's events, in time order."""
    messages = db.session.execute(select(Message).where(Message.case_id == case.id)).scalars().all()
    events = db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalars().all()
    items = [(m.created_at, "message", m) for m in messages] + [(e.at, "event", e) for e in events]
    return sorted(items, key=lambda item: (item[0], 0 if item[1] == "message" else 1, item[2].id))


def merged_here(case: Case) -> list[str]:
    return list(db.session.execute(select(Case.number).where(Case.merged_into_id == case.id)).scalars())
