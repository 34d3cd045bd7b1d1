"""Enqueue a job: on rq when REDIS_URL is set, inline (after the caller's commit) otherwise.

Two queues: ``<RQ_QUEUE>-urgent`` (classification, pages, safety notices) and ``<RQ_QUEUE>``
(every other send). A worker listens to both, urgent first, so a backlog of retries or a
hanging provider never holds back the classification that finds a threat.

Redis is a delivery mechanism, not the record: the database says what is left to do, so
when enqueueing fails the work is not lost. Urgent work then runs inline at once; the rest
waits for the sweeper (handlers.sweeper), which re-queues anything pending too long."""
from __future__ import annotations

import functools
import logging
from typing import Callable

from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job

from gateway import metrics
from gateway.breaker import redis_failed, redis_usable
from models.db import db

log = logging.getLogger(__name__)
_worker_app: Flask | None = None
# Loopback or LAN Redis answers in milliseconds; a dead one must not hold a request long.
REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 5, "health_check_interval": 30}


def init_queue(app: Flask) -> None:
    """Bind the rq queues to the app when Redis is configured (no connection is made yet).
    The app is also the one a job runs in when it is called outside any app context."""
    global _worker_app
    _worker_app = app
    url = app.config.get("REDIS_URL")
    if url:
        connection = Redis.from_url(url, **REDIS_TIMEOUTS)
        app.extensions["rq_queue"] = Queue(app.config["RQ_QUEUE"], connection=connection)
        app.extensions["rq_urgent"] = Queue(app.config["RQ_QUEUE"] + "-urgent", connection=connection)


def queues(app: Flask) -> list[Queue]:
    """The queues a worker listens to, in priority order."""
    return [q for q in (app.extensions.get("rq_urgent"), app.extensions.get("rq_queue")) if q is not None]


def enqueue(fn: Callable[..., None], *ids: int, urgent: bool = False) -> bool:
    """Jobs get ids only. Call after commit: the worker must see the rows. True when the
    job was queued or ran; False when it was left to the sweeper (Redis unreachable)."""
    queue = current_app.extensions.get("rq_urgent" if urgent else "rq_queue")
    if queue is None:
        _run_inline(fn, ids)
        return True
    try:
        if not redis_usable():
            raise RedisError("failed moments ago; not asked again yet")
        queue.enqueue(fn, *ids, retry=Retry(max=3, interval=[5, 30, 120]))
        return True
    except RedisError as exc:
        redis_failed()
        log.warning("enqueue %s%s failed (%s): %s", fn.__name__, ids, type(exc).__name__,
                    "running it inline" if urgent else "left to the sweeper")
        metrics.count("gateway_enqueue_failures_total", fn.__name__, "inline" if urgent else "deferred")
    if urgent:
        _run_inline(fn, ids)
        return True
    return False


def _run_inline(fn: Callable[..., None], ids: tuple[int, ...]) -> None:
    try:
        fn(*ids)
    except Exception:
        # The rows stay as they were (a case pending classification, a message queued);
        # the sweeper tries again after its grace period. The traceback goes to the log.
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
