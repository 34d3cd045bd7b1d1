"""Counters per channel and outcome, served at /metrics in Prometheus' text format.

Kept in Redis when it is configured (every process and worker adds to the same hash),
else in this process's memory."""
from __future__ import annotations

import hmac
import threading
from collections import Counter

from flask import Blueprint, Response, abort, current_app, request

bp = Blueprint("metrics", __name__)
KEY = "gateway:metrics"
HELP = {
    "gateway_webhook_requests_total": "Webhook requests by channel and outcome.",
    "gateway_outbound_total": "Outbound send attempts by channel and outcome.",
    "gateway_status_callbacks_total": "Provider status callbacks by channel and outcome.",
}
_local: Counter = Counter()
_lock = threading.Lock()


def count(metric: str, channel: str, outcome: str) -> None:
    field = f"{metric}|{channel}|{outcome}"
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        try:
            queue.connection.hincrby(KEY, field, 1)
            return
        except Exception:  # a metric is never worth failing a message for
            pass
    with _lock:
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
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
