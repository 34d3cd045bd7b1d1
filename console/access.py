"""Who may see and do what. A handler sees only his unit's cases, by every route: the
scope is applied to every case query (lists, counts, the case page, exports, charts)."""
from __future__ import annotations

import re

from flask import abort
from sqlalchemy import ColumnElement, and_, false, or_, select, true

from models.db import db
from models import Case, CaseState, InformantReport
from models.contact import mask_address

_PHONE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ACT = ("admin", "officer", "handler", "head")  # leaders read only
UNIT = ("handler", "head")                  # scoped to their unit; the head (负责人) approves extensions
TRIAGE = ("admin", "officer")               # classify, accept or refuse, assign, merge, close
FULL_PHONE = ("admin", "officer")
HANDLER_MOVES = (CaseState.IN_PROGRESS, CaseState.EXTENDED, CaseState.ANSWERED)


def scope(user) -> ColumnElement[bool]:
    """The cases this user may see, as a WHERE clause. A unit never sees a petition about
    its own staff (回避: Case.conflict_unit), whoever it is assigned to."""
    if user.role not in UNIT:
        return true()
    if not user.department:
        return false()
    not_about_us = or_(Case.conflict_unit.is_(None), Case.conflict_unit != user.department)
    if user.township:
        return and_(Case.department == user.department, Case.township == user.township, not_about_us)
    return and_(Case.department == user.department, not_about_us)


def report_scope(user) -> ColumnElement[bool]:
    """The 信息员 reports this user may see: a township's staff see their township's, a
    county department's handler none (disputes are the townships' to settle), the bureau
    and leaders all."""
    if user.role not in UNIT:
        return true()
    return InformantReport.township == user.township if user.township else false()


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
        return role in TRIAGE or (role in UNIT and state in HANDLER_MOVES)
    if action == "decide_extension":
        return role == "head"  # Art. 34: the unit's 负责人 approves an extension
    if action in ("correct", "assign_unit", "merge", "simulate"):
        return role in TRIAGE
    if action in ("reply", "note", "assign_person"):
        return role in ACT
    if action in ("audit", "users"):
        return role == "admin"
    if action == "outbound":  # failed and stuck outbound messages, resend
        return role in TRIAGE
    if action == "informant_report":  # follow up a 信息员 report: state, notes, 转为信访件
        return role in ACT
    if action == "informant_roster":
        return role == "admin"
    return False


def masks_petitioner(user, case: Case) -> bool:
    """Leaders read discipline cases (纪委监委, or about a unit's own staff) without the
    petitioner's name and number: the accused may sit at a leaders' table (保密)."""
    return user.role == "leader" and bool(case.conflict_unit or case.department == "discipline")


def citizen_name(user, case: Case) -> str:
    name = case.citizen_name or ""
    return _masked_name(name) if name and masks_petitioner(user, case) else name


def case_text(user, case: Case) -> str:
    """The petition as this user may read it: for a masked petitioner, the name and any
    phone number in the text are masked too."""
    return redact(user, case, case.text or "")


def redact(user, case: Case, text: str) -> str:
    """Any citizen text of the case (a message, a document, a note) as this user may read it."""
    if not masks_petitioner(user, case):
        return text
    if case.citizen_name:
        text = text.replace(case.citizen_name, _masked_name(case.citizen_name))
    return _PHONE_IN_TEXT.sub(lambda m: mask_address(m.group()), text)


def _masked_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 1)


def phone(user, address: str | None) -> str:
    if not address:
        return ""
    return address if user.role in FULL_PHONE else mask_address(address)
