"""Metrics through prometheus-client, served at /metrics (standard text exposition) behind
`Authorization: Bearer $METRICS_TOKEN`: counters per channel and outcome, a histogram of
request latency per endpoint, the process's own metrics (CPU, memory, open files), and the
backlog gauges read from the database and the queues at each scrape.

Many processes (gunicorn's workers, rq workers on the same host): set
PROMETHEUS_MULTIPROC_DIR to an empty folder shared by them (prometheus-client's
multiprocess mode, read by the library at import); a scrape then adds up every process's
counters and histograms, whichever worker answers it. Without it, each process counts
alone (development, one worker). docs/operations.md."""
from __future__ import annotations

import hmac
import threading
import time

from datetime import timezone

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram,
                               ProcessCollector, disable_created_metrics, generate_latest)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.exc import SQLAlchemyError

from models.db import db

disable_created_metrics()  # no *_created series: the counters' meaning stays a plain count
bp = Blueprint("metrics", __name__)
HELP = {
    "gateway_webhook_requests_total": "Webhook requests by channel and outcome.",
    "gateway_outbound_total": "Outbound send attempts by channel and outcome.",
    "gateway_status_callbacks_total": "Provider status callbacks by channel and outcome.",
    "gateway_webhook_responses_total": "Webhook answers by channel and HTTP status (5xx included).",
    "gateway_enqueue_failures_total": "Jobs the queue could not take, by job and fallback (inline or sweeper).",
}
_counters: dict[str, Counter] = {}
_lock = threading.Lock()
REQUEST_SECONDS = Histogram("gateway_request_duration_seconds", "Time to answer an HTTP request, by endpoint.",
                            ["endpoint", "method"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))


def _counter(metric: str) -> Counter:
    with _lock:
        if metric not in _counters:
            _counters[metric] = Counter(metric, HELP.get(metric, metric), ["channel", "outcome"])
        return _counters[metric]


for _name in HELP:  # known families exist from the start, so a scrape shows them at 0 samples
    _counter(_name)


def count(metric: str, channel: str, outcome: str, *more: tuple[str, str, str]) -> None:
    """One more of `metric` (a *_total counter) for this channel and outcome, and of each
    further (metric, channel, outcome) given."""
    try:
        for name, ch, out in ((metric, channel, outcome), *more):
            _counter(name).labels(channel=ch, outcome=out).inc()
    except Exception:  # a metric is never worth failing a message for
        current_app.logger.exception("metric %s not counted", metric)


def init_app(app: Flask) -> None:
    """Time every request (endpoint names, not paths: a bounded set of series)."""
    app.before_request(_started)
    app.after_request(_observed)


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _observed(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None:
        REQUEST_SECONDS.labels(endpoint=request.endpoint or "unmatched",
                               method=request.method).observe(time.perf_counter() - started)
    return response


def _authorized() -> bool:
    """Only with `Authorization: Bearer $METRICS_TOKEN`; without the setting, no /metrics."""
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode("utf-8", "replace"), f"Bearer {token}".encode())


class _Forward:
    """The default registry's collectors (this process's counters, histogram, process
    metrics) inside a scrape's own registry."""

    def collect(self):
        return REGISTRY.collect()


class _Backlog:
    """What is left to do, from the database (the record) and the queues, at scrape time."""

    def collect(self):
        return backlog_families()


def registry(multiproc_dir: str | None) -> CollectorRegistry:
    """The registry of one scrape: every process's metrics from the multiprocess folder (and
    this process's own process metrics), or this process's alone; then the backlog."""
    scrape = CollectorRegistry()
    if multiproc_dir:
        MultiProcessCollector(scrape, path=multiproc_dir)
        ProcessCollector(registry=scrape)
    else:
        scrape.register(_Forward())
    scrape.register(_Backlog())
    return scrape


@bp.get("/metrics")
def metrics() -> Response:
    if not _authorized():
        abort(404)  # absent, not forbidden: a stranger learns nothing
    body = generate_latest(registry(current_app.config.get("PROMETHEUS_MULTIPROC_DIR")))
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0], content_type=CONTENT_TYPE_LATEST)


def _gauge(name: str, help_text: str, value: float | None = None, label: str | None = None,
           samples: dict[str, float] | None = None) -> GaugeMetricFamily:
    if label is None:
        return GaugeMetricFamily(name, help_text, value=value)
    family = GaugeMetricFamily(name, help_text, labels=[label])
    for key, sample in (samples or {}).items():
        family.add_metric([key], sample)
    return family


def backlog_families() -> list[GaugeMetricFamily]:
    from gateway.backlog import backlog  # the counters above need no database; these do

    up = "1 when the database answered this scrape."
    try:
        state = backlog()
    except SQLAlchemyError:
        db.session.rollback()
        return [_gauge("gateway_database_up", up, 0)]
    depth = state.queue_depth
    last_sweep = state.last_sweep.replace(tzinfo=timezone.utc).timestamp() if state.last_sweep else 0
    families = [
        _gauge("gateway_database_up", up, 1),
        _gauge("gateway_queue_depth", "Jobs waiting per rq queue (absent when Redis is unreachable).",
               label="queue", samples=depth or {}),
        _gauge("gateway_pending_inbound", "Inbound messages and cases waiting to be processed.", state.pending_inbound),
        _gauge("gateway_oldest_pending_inbound_seconds", "Age of the oldest pending inbound work.",
               round(state.oldest_pending_inbound or 0, 1)),
        _gauge("gateway_failed_inbound", "Inbound messages whose processing failed.", state.failed_inbound),
        _gauge("gateway_pending_outbound", "Outbound messages queued or being sent.", state.pending_outbound),
        _gauge("gateway_overdue_outbound_seconds", "How late the most overdue queued outbound message is.",
               round(state.overdue_outbound or 0, 1)),
        _gauge("gateway_failed_outbound", "Outbound messages failed or undelivered.", state.failed_outbound),
        _gauge("gateway_spooled_inbound", "Messages in the spool, waiting for the database.", state.spooled),
        _gauge("gateway_last_sweep_timestamp_seconds", "When the sweeper last ran (Unix time; 0: never).",
               round(last_sweep)),
    ]
    if current_app.extensions.get("rq_queue"):
        families.append(_gauge("gateway_redis_up", "1 when Redis answered this scrape.", 0 if depth is None else 1))
    return families
