"""Case numbers: prefix + YYMMDD + a 4-digit daily sequence (YJ2611270001).

Digits and two letters only, so they are easy to type on a phone keypad. The daily
sequence is one row per day bumped with UPDATE ... RETURNING, which PostgreSQL serialises
with a row lock and SQLite with its database lock, so concurrent workers never collide."""
from __future__ import annotations

from sqlalchemy import update

from core.extensions import db
from models.base import insert_ignore
from models.case import CaseCounter


def next_case_number(prefix: str, day_code: str) -> str:
    db.session.execute(
        insert_ignore(CaseCounter, db.session).values(day=day_code, last=0)
        .on_conflict_do_nothing(index_elements=["day"])
    )
    seq = db.session.execute(
        update(CaseCounter).where(CaseCounter.day == day_code)
        .values(last=CaseCounter.last + 1).returning(CaseCounter.last)
    ).scalar_one()
    return f"{prefix}{day_code}{seq:04d}"
