"""When a case routes itself: the one rule the live path (services.apply_classification) and
the batch check (`flask nlp classify`) share, so both always agree."""
from __future__ import annotations

from typing import Any


def routes_itself(result: Any, threshold: float) -> bool:
    """True when a classification may skip the intake officer: issue type and responsible
    unit both at least ``threshold`` confident (TRIAGE_THRESHOLD). Urgency does not enter:
    an urgent case pages the on-duty officer whether it routes itself or not."""
    return min(float(result.issue_type_confidence), float(result.department_confidence)) >= threshold
