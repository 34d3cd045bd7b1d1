"""Work handed to jobs after a commit, through an interface the composition root fills in.

The floors below handlers/ (cases, conversation, gateway) must never import it: they ask
``jobs()`` for the runner that ``core.app`` installed (rq on Redis, or inline) and give it
ids, never ORM objects."""
from __future__ import annotations

from typing import Protocol

from flask import current_app


class Jobs(Protocol):
    def classify_case(self, case_id: int) -> None: ...

    def send_message(self, message_id: int) -> None: ...


def jobs() -> Jobs:
    """The app's job runner (``app.extensions["jobs"]``, set by the app factory)."""
    return current_app.extensions["jobs"]


def queued() -> bool:
    """True when jobs run later in a worker (Redis), False when they run inline."""
    return current_app.extensions.get("rq_queue") is not None
