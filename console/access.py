"""Who may see and do what. A handler sees only his unit's cases, by every route: the
scope is applied to every case query (lists, counts, the case page, exports, charts)."""
from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement, and_, false, select, true

from models.db import db
from models import Case, CaseState
from models.contact import mask_address

ACT = ("admin", "officer", "handler")       # leaders read only
TRIAGE = ("admin", "officer")               # classify, accept or refuse, assign, merge, close
FULL_PHONE = ("admin", "officer")
HANDLER_MOVES = (CaseState.IN_PROGRESS, CaseState.EXTENDED, CaseState.ANSWERED)


def scope(user) -> ColumnElement[bool]:
    """The cases this user may see, as a WHERE clause."""
    if user.role != "handler":
        return true()
    if not user.department:
        return false()
    if user.township:
        return and_(Case.department == user.department, Case.township == user.township)
    return Case.department == user.department


def case_or_404(case_id: int, user) -> Case:
    """404, not 403, outside the scope: a handler learns nothing about other units' cases."""
    case = db.session.execute(select(Case).where(Case.id == case_id, scope(user))).scalar_one_or_none()
    return case if case is not None else abort(404)


def case_by_number(number: str, user) -> Case | None:
    return db.session.execute(select(Case).where(Case.number == number.strip().upper(), scope(user))
                              ).scalar_one_or_none()


def can(user, action: str, state: str | None = None) -> bool:
    role = user.role
    if action == "move":
        return role in TRIAGE or (role == "handler" and state in HANDLER_MOVES)
    if action in ("correct", "assign_unit", "merge", "simulate"):
        return role in TRIAGE
    if action in ("reply", "note", "assign_person"):
        return role in ACT
    if action == "audit":
        return role == "admin"
    return False


def phone(user, address: str | None) -> str:
    if not address:
        return ""
    return address if user.role in FULL_PHONE else mask_address(address)
