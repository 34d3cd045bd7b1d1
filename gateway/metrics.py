"""Counters per channel and outcome, served at /metrics in Prometheus' text format.

Kept in Redis when it is configured (every process and worker adds to the same hash),
else in this process's memory."""
from __future__ import annotations

import hmac
import threading
from collections import Counter

from datetime import timezone

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from gateway.breaker import redis_failed, redis_usable
from models.db import db

bp = Blueprint("metrics", __name__)
KEY = "gateway:metrics"
HELP = {
    "gateway_webhook_requests_total": "Webhook requests by channel and outcome.",
    "gateway_outbound_total": "Outbound send attempts by channel and outcome.",
    "gateway_status_callbacks_total": "Provider status callbacks by channel and outcome.",
    "gateway_webhook_responses_total": "Webhook answers by channel and HTTP status (5xx included).",
    "gateway_enqueue_failures_total": "Jobs the queue could not take, by job and fallback (inline or sweeper).",
}
_local: Counter = Counter()
_lock = threading.Lock()


def count(metric: str, channel: str, outcome: str, *more: tuple[str, str, str]) -> None:
    """Add one to each counter named (metric, channel, outcome); several in one round trip."""
    fields = [f"{metric}|{channel}|{outcome}"] + ["|".join(m) for m in more]
    queue = current_app.extensions.get("rq_queue")
    if queue is not None and redis_usable():
        try:
            pipe = queue.connection.pipeline(transaction=False)
            for field in fields:
                pipe.hincrby(KEY, field, 1)
            pipe.execute()
            return
        except Exception:  # a metric is never worth failing a message for
            redis_failed()
    with _lock:
        for field in fields:
            _local[field] += 1


def snapshot() -> dict[str, int]:
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        try:
            return {k.decode(): int(v) for k, v in queue.connection.hgetall(KEY).items()}
        except Exception:
            pass
    with _lock:
        return dict(_local)


def _authorized() -> bool:
    """Only with `Authorization: Bearer $METRICS_TOKEN`; without the setting, no /metrics."""
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode("utf-8", "replace"), f"Bearer {token}".encode())


@bp.get("/metrics")
def metrics() -> Response:
    if not _authorized():
        abort(404)  # absent, not forbidden: a stranger learns nothing
    lines, seen = [], set()
    for field, value in sorted(snapshot().items()):
        metric, channel, outcome = field.split("|", 2)
        if metric not in seen:
            seen.add(metric)
            lines += [f"# HELP {metric} {HELP.get(metric, metric)}", f"# TYPE {metric} counter"]
        lines.append(f'{metric}{{channel="{_label(channel)}",outcome="{_label(outcome)}"}} {value}')
    lines += _gauges()
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


def _gauges() -> list[str]:
    """What is left to do, from the database (the record) and the queues."""
    from gateway.backlog import backlog  # the counters above need no database; these do

    try:
        state = backlog()
    except SQLAlchemyError:
        db.session.rollback()
        return _gauge("gateway_database_up", "1 when the database answered this scrape.", [("", 0)])
    depth = state.queue_depth
    last_sweep = state.last_sweep.replace(tzinfo=timezone.utc).timestamp() if state.last_sweep else 0
    return (_gauge("gateway_database_up", "1 when the database answered this scrape.", [("", 1)])
            + _gauge("gateway_queue_depth", "Jobs waiting per rq queue (absent when Redis is unreachable).",
                     [(f'queue="{_label(name)}"', n) for name, n in (depth or {}).items()])
            + _gauge("gateway_redis_up", "1 when Redis answered this scrape.",
                     [("", 0 if depth is None else 1)] if current_app.extensions.get("rq_queue") else [])
            + _gauge("gateway_pending_inbound", "Inbound messages and cases waiting to be processed.",
                     [("", state.pending_inbound)])
            + _gauge("gateway_oldest_pending_inbound_seconds", "Age of the oldest pending inbound work.",
                     [("", round(state.oldest_pending_inbound or 0, 1))])
            + _gauge("gateway_failed_inbound", "Inbound messages whose processing failed.",
                     [("", state.failed_inbound)])
            + _gauge("gateway_pending_outbound", "Outbound messages queued or being sent.",
                     [("", state.pending_outbound)])
            + _gauge("gateway_overdue_outbound_seconds", "How late the most overdue queued outbound message is.",
                     [("", round(state.overdue_outbound or 0, 1))])
            + _gauge("gateway_failed_outbound", "Outbound messages failed or undelivered.",
                     [("", state.failed_outbound)])
            + _gauge("gateway_spooled_inbound", "Messages in the spool, waiting for the database.",
                     [("", state.spooled)])
            + _gauge("gateway_last_sweep_timestamp_seconds", "When the sweeper last ran (Unix time; 0: never).",
                     [("", round(last_sweep))]))


def _gauge(metric: str, help_text: str, samples: list[tuple[str, float]]) -> list[str]:
    lines = [f"# HELP {metric} {help_text}", f"# TYPE {metric} gauge"]
    return lines + [f"{metric}{{{labels}}} {value}" if labels else f"{metric} {value}" for labels, value in samples]


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
