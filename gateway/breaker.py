"""A Redis that just failed is not asked again by this app for a few seconds.

Redis on loopback refuses at once when it is down, but one behind a dead network link
makes every call wait for the connect timeout; a webhook request touches Redis several
times (counters, enqueue), and Twilio gives up after 15 s. After a failure the callers go
straight to their fallback (local counters, inline urgent work, the sweeper)."""
from __future__ import annotations

import time

from flask import current_app

PAUSE_SECONDS = 5.0
KEY = "redis_down_until"


def redis_usable() -> bool:
    return time.monotonic() >= current_app.extensions.get(KEY, 0.0)


def redis_failed() -> None:
    current_app.extensions[KEY] = time.monotonic() + PAUSE_SECONDS
