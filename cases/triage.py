"""When a case routes itself: the one rule the live path (services.apply_classification) and
the batch check (`flask nlp classify`) share, so both always agree."""
from __future__ import annotations

from typing import Any


def routes_itself(result: Any, threshold: float) -> bool:
    """True when a classification may skip the intake officer: the classifier's own decision
    (``auto_routed``: issue type and unit both above the calibrated thresholds of
    config/routing.yaml, and a known township when the unit is a township government), and
    both confidences at least ``threshold`` (TRIAGE_THRESHOLD, a floor a county may raise).
    Urgency does not enter: an urgent case pages the on-duty officer either way."""
    confident = min(float(result.issue_type_confidence), float(result.department_confidence)) >= threshold
    return bool(getattr(result, "auto_routed", True)) and confident
