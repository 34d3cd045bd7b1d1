"""Periodic reports (日报/周报/月报): the numbers of one period of the county's local calendar
and of the period before it, computed from the cases table. Codes only; names are given by
cases.report_files when the report is written out.

Definitions (docs/reports.md):
- intake: cases received in the period, merged duplicates left out;
- acceptance on time: cases whose 15-day decision deadline fell in the period (up to `now`),
  decided (accepted, or refused) by that deadline;
- answers on time: accepted cases whose 60-day deadline (90 when extended) fell in the period
  (up to `now`), answered by that deadline;
- 参评率 / 满意率: of the cases answered in the period, those rated / of those rated, those
  satisfied or basically satisfied;
- repeats: cases received in the period linked to an earlier case of their matter (repeat_of),
  per matter (its first case);
- group petitions: groups formed (created) in the period, with their 人数 and cases;
- hotspot alerts: those raised (opened) in the period.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from cases.clocks import DECIDE_DAYS, EXTENSION_DAYS, HANDLE_DAYS
from models.db import db
from models import Case, CaseGroup, CaseState, HotspotAlert

KINDS = ("daily", "weekly", "monthly")
SATISFIED = ("satisfied", "basically")
EARLIEST, LATEST = date(2000, 1, 1), date(9998, 12, 31)  # room for the previous and next period
TOP_HOTSPOTS = 10
EXAMPLES = 3


@dataclass(frozen=True)
class Period:
    kind: str
    first: date           # first local day
    last: date            # last local day (inclusive)

    @property
    def label(self) -> str:
        if self.kind == "daily":
            return self.first.isoformat()
        if self.kind == "weekly":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        return self.first.strftime("%Y-%m")

    def previous(self) -> "Period":
        return period(self.kind, self.first - timedelta(days=1))

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """[start, end) in naive UTC, as the database stores times."""
        zone = ZoneInfo(tz)
        return tuple(datetime.combine(day, time(), zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
                     for day in (self.first, self.last + timedelta(days=1)))  # type: ignore[return-value]


def period(kind: str, day: date) -> Period:
    """The daily, weekly (ISO, Monday first) or monthly period that contains `day`."""
    if kind == "daily":
        return Period(kind, day, day)
    if kind == "weekly":
        monday = day - timedelta(days=day.weekday())
        return Period(kind, monday, monday + timedelta(days=6))
    if kind == "monthly":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(kind, first, following - timedelta(days=1))
    raise ValueError(f"unknown report kind {kind!r}; one of {', '.join(KINDS)}")


@dataclass
class Figures:
    """One period's numbers. Units are (department, township) with township only for township_gov."""
    intake: int = 0
    by_channel: Counter = field(default_factory=Counter)
    by_issue: Counter = field(default_factory=Counter)
    by_unit: Counter = field(default_factory=Counter)
    by_township: Counter = field(default_factory=Counter)
    accept_due: Counter = field(default_factory=Counter)      # unit -> decisions due
    accept_late: Counter = field(default_factory=Counter)     # unit -> decided late or not at all
    answer_due: Counter = field(default_factory=Counter)
    answer_late: Counter = field(default_factory=Counter)
    answered: int = 0
    rated: int = 0
    satisfied: int = 0
    urgent: list = field(default_factory=list)                # (number, received_at, township, issue, state)
    hotspots: Counter = field(default_factory=Counter)        # (township, issue) -> count
    examples: dict = field(default_factory=dict)              # (township, issue) -> [numbers]
    repeats: int = 0                                          # repeat cases received
    repeat_matters: Counter = field(default_factory=Counter)  # first case's id -> repeat cases received
    repeat_rows: list = field(default_factory=list)           # RepeatRow per matter, most repeated first
    groups: list = field(default_factory=list)                # GroupRow, oldest first
    alerts: list = field(default_factory=list)                # hotspot alerts raised (cases.hotspots), oldest first

    @property
    def group_people(self) -> int:
        return sum(g.size for g in self.groups)

    @property
    def accept_on_time(self) -> tuple[int, int]:
        due = sum(self.accept_due.values())
        return due - sum(self.accept_late.values()), due

    @property
    def answer_on_time(self) -> tuple[int, int]:
        due = sum(self.answer_due.values())
        return due - sum(self.answer_late.values()), due


@dataclass(frozen=True)
class GroupRow:
    kind: str             # burst | joint
    township: str
    village: str
    issue: str
    size: int             # 人数
    cases: int
    first: str            # number of its earliest case


@dataclass(frozen=True)
class RepeatRow:
    first: str            # number of the matter's first case
    township: str
    issue: str
    in_period: int        # repeat cases of the matter received in the period
    total: int            # times the matter came back, all told (repeat_count)


@dataclass
class Report:
    period: Period
    previous: Period
    current: Figures
    before: Figures
    built_at: datetime

    def top_hotspots(self) -> list[tuple[tuple[str, str], int, int, list[str]]]:
        """(township, issue), count now, count before, example numbers; biggest first."""
        ranked = sorted(self.current.hotspots.items(), key=lambda item: (-item[1], item[0]))[:TOP_HOTSPOTS]
        return [(key, n, self.before.hotspots.get(key, 0), self.current.examples[key]) for key, n in ranked]

    def repeat_rows(self) -> list[RepeatRow]:
        """The matters that came back in the period, the most repeated first."""
        return self.current.repeat_rows


def unit_of(department: str | None, township: str | None) -> tuple[str, str]:
    return (department or "", (township or "") if department == "township_gov" else "")


def build(kind: str, day: date, tz: str, now: datetime) -> Report:
    """The report of the `kind` period containing local `day`, with the period before it.
    `now` (naive UTC) caps the deadlines counted, so a running period counts no future one.
    ValueError for an unknown kind or a day outside EARLIEST..LATEST."""
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{day} is outside {EARLIEST}..{LATEST}")
    current = period(kind, day)
    previous = current.previous()
    return Report(current, previous, figures(current, tz, now), figures(previous, tz, now), now)


def figures(span: Period, tz: str, now: datetime) -> Figures:
    start, end = span.bounds(tz)
    out = Figures()
    _intake(out, start, end)
    cutoff = min(end, now)
    _acceptance(out, start, cutoff)
    _answers(out, start, cutoff)
    _ratings(out, start, end)
    _groups(out, start, end)
    out.alerts = list(db.session.execute(select(HotspotAlert).where(
        HotspotAlert.opened_at >= start, HotspotAlert.opened_at < end).order_by(HotspotAlert.opened_at)).scalars())
    out.repeat_rows = matters(out.repeat_matters)
    return out


COLUMNS = (Case.number, Case.state, Case.channel, Case.issue_type, Case.department, Case.township,
           Case.urgent, Case.received_at, Case.accepted_at, Case.answered_at, Case.closed_at,
           Case.extended, Case.rating, Case.repeat_of_id)


def _rows(*where):
    return db.session.execute(select(*COLUMNS).where(Case.state != CaseState.MERGED, *where)
                              .order_by(Case.received_at, Case.number)).all()


def _intake(out: Figures, start: datetime, end: datetime) -> None:
    examples: dict = defaultdict(list)
    for row in _rows(Case.received_at >= start, Case.received_at < end):
        out.intake += 1
        out.by_channel[row.channel] += 1
        out.by_issue[row.issue_type or ""] += 1
        out.by_unit[unit_of(row.department, row.township)] += 1
        out.by_township[row.township or ""] += 1
        if row.repeat_of_id is not None:
            out.repeats += 1
            out.repeat_matters[row.repeat_of_id] += 1
        if row.urgent:
            out.urgent.append((row.number, row.received_at, row.township or "", row.issue_type or "", row.state))
        if row.township and row.issue_type:
            key = (row.township, row.issue_type)
            out.hotspots[key] += 1
            if len(examples[key]) < EXAMPLES:
                examples[key].append(row.number)
    out.examples = dict(examples)


def _acceptance(out: Figures, start: datetime, cutoff: datetime) -> None:
    limit = timedelta(days=DECIDE_DAYS)
    for row in _rows(Case.received_at >= start - limit, Case.received_at < cutoff - limit):
        unit = unit_of(row.department, row.township)
        decided = row.accepted_at or (row.closed_at if row.state == CaseState.NOT_ACCEPTED else None)
        out.accept_due[unit] += 1
        if decided is None or decided > row.received_at + limit:
            out.accept_late[unit] += 1


def _answers(out: Figures, start: datetime, cutoff: datetime) -> None:
    longest = timedelta(days=HANDLE_DAYS + EXTENSION_DAYS)
    for row in _rows(Case.accepted_at >= start - longest, Case.accepted_at < cutoff):
        deadline = row.accepted_at + timedelta(days=HANDLE_DAYS + (EXTENSION_DAYS if row.extended else 0))
        if not start <= deadline < cutoff:
            continue
        unit = unit_of(row.department, row.township)
        out.answer_due[unit] += 1
        if row.answered_at is None or row.answered_at > deadline:
            out.answer_late[unit] += 1


def _ratings(out: Figures, start: datetime, end: datetime) -> None:
    for row in _rows(Case.answered_at >= start, Case.answered_at < end):
        out.answered += 1
        out.rated += bool(row.rating)
        out.satisfied += row.rating in SATISFIED


def _groups(out: Figures, start: datetime, end: datetime) -> None:
    stmt = (select(CaseGroup).where(CaseGroup.created_at >= start, CaseGroup.created_at < end)
            .order_by(CaseGroup.created_at, CaseGroup.id))
    for group in db.session.execute(stmt).scalars():
        members = db.session.execute(select(Case.number).where(Case.group_id == group.id,
                                                               Case.state != CaseState.MERGED)
                                     .order_by(Case.received_at, Case.id)).scalars().all()
        out.groups.append(GroupRow(group.kind, group.township or "", group.village or "", group.issue_type or "",
                                   group.size, len(members), members[0] if members else ""))


def matters(counts: Counter) -> list[RepeatRow]:
    """RepeatRows of the first cases in `counts` (id -> repeats in the period)."""
    if not counts:
        return []
    stmt = select(Case.id, Case.number, Case.township, Case.issue_type, Case.repeat_count).where(
        Case.id.in_(list(counts)))
    rows = [RepeatRow(r.number, r.township or "", r.issue_type or "", counts[r.id], r.repeat_count or 0)
            for r in db.session.execute(stmt)]
    return sorted(rows, key=lambda r: (-r.in_period, -r.total, r.first))


def rate(part: int, whole: int) -> float | None:
    """A share in percent with one decimal, None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


__all__ = ["KINDS", "Period", "Figures", "GroupRow", "RepeatRow", "Report", "matters", "period", "build", "figures", "rate", "unit_of"]
