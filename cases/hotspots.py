"""Hotspot alerts (形势网上判): the cases of one township × issue type (and of one village of
it, where the village is known) in the last WINDOW_DAYS, against that key's own baseline
(the BASELINE_DAYS before the window). A count both at least MIN_COUNT and improbable under
the baseline's Poisson rate is a surge (the conditional test of two Poisson rates: upper
tail below ALPHA, see ``threshold``): it opens ONE alert, links
the cases behind it and queues one SMS to each on-duty phone. While the alert is open
(a case of its key within the window), later cases join it and nobody is paged again.

Called from cases.classification once a case has its place and type, in the caller's
transaction; nothing here commits. docs/alerts.md explains the choice of figures."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cases.outbox import queue_message
from cases.replies import Replies
from models import Case, CaseState, HotspotAlert, HotspotCase, Message, utcnow
from models.db import db

WINDOW_DAYS = 7          # the span a surge is counted over
BASELINE_DAYS = 91       # thirteen weeks before the window: the key's normal rate
MIN_BASELINE_DAYS = 28   # less history than this: no baseline yet, no alert
MIN_COUNT = 5            # never a surge below this many cases (1 → 3 is not one)
ALPHA = 1e-4             # upper tail: how improbable the window's count must be


@dataclass(frozen=True)
class Key:
    township: str
    issue_type: str
    village: str | None = None

    @property
    def text(self) -> str:
        return "|".join((self.township, self.issue_type, self.village or ""))


@dataclass(frozen=True)
class Verdict:
    observed: int        # cases of the key in the window, this one included
    expected: float      # the baseline's cases per window (shown to staff)
    threshold: int       # the smallest count that is a surge against that baseline

    @property
    def surge(self) -> bool:
        return self.observed >= self.threshold


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in log space (no overflow for busy keys)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    return min(1.0, sum(math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                                 + i * log_p + (n - i) * log_q) for i in range(k, n + 1)))


def threshold(before: int, share: float) -> int:
    """The smallest window count k, at least MIN_COUNT, that is improbable (tail below ALPHA)
    when the baseline saw `before` cases and the window is `share` of the whole span.

    Under a steady Poisson rate, the window's count given the total of window and baseline
    is Binomial(total, share): the conditional test of two Poisson rates, which allows for
    the baseline being itself a noisy estimate (a short or thin history is not mistaken
    for a quiet one)."""
    k = MIN_COUNT
    while binomial_tail(k, before + k, share) >= ALPHA:
        k += 1
    return k


def keys_of(case: Case) -> list[Key]:
    """The keys a case counts under: its township × issue type, then its village's."""
    if not (case.township and case.issue_type):
        return []
    keys = [Key(case.township, case.issue_type)]
    if case.village:
        keys.append(Key(case.township, case.issue_type, case.village))
    return keys


def _count(key: Key, start: datetime, end: datetime) -> int:
    stmt = select(func.count(Case.id)).where(
        Case.state != CaseState.MERGED, Case.township == key.township, Case.issue_type == key.issue_type,
        Case.received_at >= start, Case.received_at <= end)
    if key.village:
        stmt = stmt.where(Case.village == key.village)
    return db.session.execute(stmt).scalar_one()


def judge(key: Key, at: datetime, history_from: datetime) -> Verdict | None:
    """The key's count in the window ending at `at` against its baseline; None without
    MIN_BASELINE_DAYS of history (a new deployment, or an import) to judge by."""
    window_start = at - timedelta(days=WINDOW_DAYS)
    baseline_start = max(window_start - timedelta(days=BASELINE_DAYS), history_from)
    days = (window_start - baseline_start).total_seconds() / 86400
    if days < MIN_BASELINE_DAYS:
        return None
    before = _count(key, baseline_start, window_start - timedelta(microseconds=1))
    observed = _count(key, window_start + timedelta(microseconds=1), at)
    return Verdict(observed, before * WINDOW_DAYS / days, threshold(before, WINDOW_DAYS / (WINDOW_DAYS + days)))


def _open_alert(key: Key) -> HotspotAlert | None:
    return db.session.execute(select(HotspotAlert).where(HotspotAlert.open_key == key.text)).scalar_one_or_none()


def _still_open(alert: HotspotAlert, at: datetime) -> bool:
    """An alert lasts while its cases keep coming: closed by the system after a window
    without one."""
    if alert.last_case_at >= at - timedelta(days=alert.window_days):
        return True
    alert.open_key, alert.closed_by = None, "system"
    alert.closed_at = alert.last_case_at + timedelta(days=alert.window_days)
    db.session.flush()
    return False


def check(case: Case, now: datetime | None = None) -> list[Message]:
    """Judge the case's keys after it was classified: join an open alert of its keys, or
    open one when its key surges (its page queued). Cases received more than a window
    before `now` (an import of old cases) are not judged. No commit."""
    at = case.received_at
    now = now or utcnow()
    if case.state == CaseState.MERGED or at < now - timedelta(days=WINDOW_DAYS):
        return []
    keys = keys_of(case)
    open_alerts = [alert for alert in map(_open_alert, keys) if alert is not None and _still_open(alert, at)]
    if open_alerts:
        for alert in open_alerts:
            _join(alert, case)
        return []
    history_from = db.session.execute(select(func.min(Case.received_at))).scalar_one() or at
    for key in keys:  # the township first: a village's surge is also its township's, then one alert
        verdict = judge(key, at, history_from)
        if verdict is not None and verdict.surge:
            return _raise(key, verdict, case)
    return []


def _join(alert: HotspotAlert, case: Case) -> None:
    if db.session.get(HotspotCase, (alert.id, case.id)) is None:
        db.session.add(HotspotCase(alert_id=alert.id, case_id=case.id, joined_at=utcnow()))
        alert.count += 1
    alert.last_case_at = max(alert.last_case_at, case.received_at)


def window_cases(key: Key, at: datetime) -> list[Case]:
    stmt = select(Case).where(
        Case.state != CaseState.MERGED, Case.township == key.township, Case.issue_type == key.issue_type,
        Case.received_at > at - timedelta(days=WINDOW_DAYS), Case.received_at <= at)
    if key.village:
        stmt = stmt.where(Case.village == key.village)
    return list(db.session.execute(stmt.order_by(Case.received_at, Case.id)).scalars())


def _raise(key: Key, verdict: Verdict, case: Case) -> list[Message]:
    """Open the alert with the window's cases (the surge) and page the on-duty phones. A
    concurrent worker that opened it first wins (unique open_key): this case joins it."""
    members = window_cases(key, case.received_at)
    if case not in members:
        members.append(case)
    alert = HotspotAlert(township=key.township, issue_type=key.issue_type, village=key.village, open_key=key.text,
                         opened_at=utcnow(), last_case_at=max(c.received_at for c in members), count=len(members),
                         observed=verdict.observed, expected=round(verdict.expected, 2),
                         threshold=verdict.threshold, window_days=WINDOW_DAYS)
    try:
        with db.session.begin_nested():
            db.session.add(alert)
            db.session.flush()
    except IntegrityError:
        existing = _open_alert(key)
        if existing is not None:
            _join(existing, case)
        return []
    now = utcnow()
    for member in members:
        db.session.add(HotspotCase(alert_id=alert.id, case_id=member.id, joined_at=now))
    return notify(alert, members[0])


def notify(alert: HotspotAlert, first: Case) -> list[Message]:
    """One SMS to each on-duty phone, naming the place, the type and how far above normal."""
    taxonomy = current_app.extensions["taxonomy"]
    body = Replies(current_app.extensions["templates"]).render(
        "hotspot_alert", township=taxonomy.township_name(alert.township) or "", village=alert.village or "",
        issue=taxonomy.issue_type_name(alert.issue_type) or "", days=alert.window_days, count=alert.count,
        expected=f"{alert.expected:.1f}", number=first.number)
    return [queue_message(phone, "sms", body, "hotspot", case=first)
            for phone in current_app.config["ONDUTY_PHONES"]]


def close(alert: HotspotAlert, actor: str) -> bool:
    """Staff close an alert they have dealt with; False when it was closed already. A case
    of the key that comes later is judged afresh."""
    if alert.open_key is None:
        return False
    alert.open_key, alert.closed_by, alert.closed_at = None, actor, utcnow()
    return True


def is_open(alert: HotspotAlert, now: datetime | None = None) -> bool:
    """Open and not yet quiet for a whole window (the system closes it at the next case)."""
    now = now or utcnow()
    return alert.open_key is not None and alert.last_case_at >= now - timedelta(days=alert.window_days)


__all__ = ["ALPHA", "MIN_COUNT", "WINDOW_DAYS", "Key", "Verdict", "check", "close", "is_open", "judge",
           "keys_of", "notify", "binomial_tail", "threshold", "window_cases"]
