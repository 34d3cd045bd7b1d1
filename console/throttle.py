"""Failed sign-ins counted per (account name, client address) and per address.

Five failures of one name from one address lock that pair for 15 minutes: the attacker's
address is locked out, the real user signs in from anywhere else. Thirty failures from one
address across any names lock the address (guessing many accounts). Names are counted
whether or not the account exists, so the lock tells nothing about which names are real."""
from __future__ import annotations

from datetime import datetime, timedelta

from models import LoginThrottle, utcnow
from models.db import db

PAIR_FAILURES = 5
ADDRESS_FAILURES = 30
WINDOW_MINUTES = 15
LOCK_MINUTES = 15


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    return [(f"acct:{username[:64]}|{address[:64]}", PAIR_FAILURES), (f"addr:{address[:64]}", ADDRESS_FAILURES)]


def locked(username: str, address: str, now: datetime | None = None) -> bool:
    now = now or utcnow()
    keys = [key for key, _ in _keys(username, address)]
    rows = db.session.query(LoginThrottle).filter(LoginThrottle.key.in_(keys)).all()
    return any(row.locked_until and row.locked_until > now for row in rows)


def failed(username: str, address: str, now: datetime | None = None) -> bool:
    """Count one failure; True when it locked the pair or the address just now."""
    now = now or utcnow()
    newly_locked = False
    for key, limit in _keys(username, address):
        row = db.session.get(LoginThrottle, key, with_for_update=True)
        if row is None:
            row = LoginThrottle(key=key, failures=0, window_start=now)
            db.session.add(row)
        if now - row.window_start > timedelta(minutes=WINDOW_MINUTES):
            row.failures, row.window_start = 0, now
        row.failures += 1
        if row.failures >= limit:
            row.locked_until, row.failures, row.window_start = now + timedelta(minutes=LOCK_MINUTES), 0, now
            newly_locked = True
    db.session.flush()
    return newly_locked


def succeeded(username: str, address: str) -> None:
    """A good password clears the pair's count (not the address's: other names stay counted)."""
    key = _keys(username, address)[0][0]
    db.session.query(LoginThrottle).filter(LoginThrottle.key == key).delete()


def lift(username: str) -> None:
    """An admin's password reset lifts every lock on the account (from any address)."""
    prefix = f"acct:{username[:64]}|"
    db.session.query(LoginThrottle).filter(LoginThrottle.key.startswith(prefix, autoescape=True)).delete(
        synchronize_session=False)
