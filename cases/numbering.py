"""Case numbers: prefix + YYMMDD + a 4-digit daily sequence (YJ2611270001).

Digits and two letters only, so they are easy to type on a phone keypad. The daily
sequence is one row per day, created or bumped by one INSERT ... ON CONFLICT DO UPDATE ...
RETURNING, which PostgreSQL serialises with a row lock and SQLite with its database lock,
so concurrent workers never collide."""
from __future__ import annotations

from models.db import db
from models.base import dialect_insert
from models.case import CaseCounter


def next_case_number(prefix: str, day_code: str) -> str:
    seq = db.session.execute(
        dialect_insert(CaseCounter, db.session).values(day=day_code, last=1)
        .on_conflict_do_update(index_elements=["day"], set_={"last": CaseCounter.last + 1})
        .returning(CaseCounter.last)
    ).scalar_one()
    return f"{prefix}{day_code}{seq:04d}"
