"""Legal clocks of the 2022 信访工作条例, in calendar days."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models.case import CaseState

DECIDE_DAYS = 15     # Art. 22-23: decide on acceptance and notify within 15 days of receipt
HANDLE_DAYS = 60     # Art. 34: handle within 60 days of acceptance
EXTENSION_DAYS = 30  # Art. 34: one extension of at most 30 days
REVIEW_WINDOW_DAYS = 30  # Art. 35: review may be requested within 30 days of the answer
REVIEW_DAYS = 30     # Art. 35/36: review opinion within 30 days


def due_after(state: str, since: datetime, current_due: datetime | None = None) -> datetime | None:
    """The deadline that starts when a case enters `state` at `since`."""
    if state == CaseState.REGISTERED:
        return since + timedelta(days=DECIDE_DAYS)
    if state == CaseState.ACCEPTED:
        return since + timedelta(days=HANDLE_DAYS)
    if state == CaseState.IN_PROGRESS:
        return current_due
    if state == CaseState.EXTENDED:
        return (current_due or since) + timedelta(days=EXTENSION_DAYS)
    if state == CaseState.ANSWERED:
        return since + timedelta(days=REVIEW_WINDOW_DAYS)
    if state == CaseState.REVIEW:
        return since + timedelta(days=REVIEW_DAYS)
    return None


def local_day_code(moment: datetime, tz: str) -> str:
    """YYMMDD of the county's local day, as used in case numbers."""
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(tz)).strftime("%y%m%d")
