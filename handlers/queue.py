"""Enqueue a job: on rq when REDIS_URL is set, inline (after the caller's commit) otherwise."""
from __future__ import annotations

import functools
import logging
from typing import Callable

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, Retry, get_current_job

from models.db import db

log = logging.getLogger(__name__)
_worker_app: Flask | None = None


def init_queue(app: Flask) -> None:
    """Bind an rq queue to the app when Redis is configured (no connection is made yet).
    The app is also the one a job runs in when it is called outside any app context."""
    global _worker_app
    _worker_app = app
    url = app.config.get("REDIS_URL")
    if url:
        app.extensions["rq_queue"] = Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(url))


def enqueue(fn: Callable[..., None], *ids: int) -> None:
    """Jobs get ids only. Call after commit: the worker must see the rows."""
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        queue.enqueue(fn, *ids, retry=Retry(max=3, interval=[5, 30, 120]))
        return
    try:
        fn(*ids)
    except Exception:
        # Inline mode has no failed-job registry: the rows stay as they were (a case stays
        # in triage, a message queued) and the traceback goes to the log.
        db.session.rollback()
        log.exception("inline job %s%s failed", getattr(fn, "__name__", fn), ids)


def job(fn: Callable[..., None]) -> Callable[..., None]:
    """Run the job inside an app context: the caller's, or the worker's own app."""
    @functools.wraps(fn)
    def wrapper(*ids: int) -> None:
        if not has_app_context():
            with _app().app_context():
                return fn(*ids)
        try:
            return fn(*ids)
        finally:
            if get_current_job() is not None:
                db.session.remove()  # a worker's next job starts with a fresh session
    return wrapper


def _app() -> Flask:
    if _worker_app is None:
        raise RuntimeError("no app: run jobs in `flask --app wsgi worker`, which creates one")
    return _worker_app
