"""Case numbers: prefix + YYMMDD + a 4-digit daily sequence (YJ2611270001).

Digits and two letters only, so they are easy to type on a phone keypad. The daily
sequence is one row per day, created or bumped by one INSERT ... ON CONFLICT DO UPDATE ...
RETURNING, which PostgreSQL serialises with a row lock and SQLite with its database lock,
so concurrent workers never collide."""
from __future__ import annotations

from sqlalchemy import func

from models.db import db
from models.base import dialect_insert
from models.case import CaseCounter


def next_case_number(prefix: str, day_code: str) -> str:
    return next_case_number_and_id(prefix, day_code)[0]


def next_case_number_and_id(prefix: str, day_code: str) -> tuple[str, int | None]:
    """The day's next number and, on PostgreSQL, the new case's id drawn from its sequence in
    the same statement (the case row can then wait for the one flush at commit instead of
    costing a flush of its own). None on SQLite, where the id comes from the insert."""
    stmt = (dialect_insert(CaseCounter, db.session).values(day=day_code, last=1)
            .on_conflict_do_update(index_elements=["day"], set_={"last": CaseCounter.last + 1}))
    if db.session.get_bind().dialect.name == "postgresql":
        seq, case_id = db.session.execute(
            stmt.returning(CaseCounter.last, func.nextval("cases_id_seq"))).one()
    else:
        seq, case_id = db.session.execute(stmt.returning(CaseCounter.last)).scalar_one(), None
    return f"{prefix}{day_code}{seq:04d}", case_id


def reserve_case_numbers(prefix: str, counts: dict[str, int]) -> dict[str, list[str]]:
    """For each day code, that many consecutive numbers of the day, all in one statement (a
    ledger import numbers thousands of historical cases over years; live cases of a day
    simply continue after them)."""
    if not counts:
        return {}
    stmt = dialect_insert(CaseCounter, db.session).values([{"day": d, "last": n} for d, n in counts.items()])
    stmt = stmt.on_conflict_do_update(index_elements=["day"], set_={"last": CaseCounter.last + stmt.excluded.last})
    rows = db.session.execute(stmt.returning(CaseCounter.day, CaseCounter.last)).all()
    return {day: [f"{prefix}{day}{seq:04d}" for seq in range(last - counts[day] + 1, last + 1)]
            for day, last in rows}
