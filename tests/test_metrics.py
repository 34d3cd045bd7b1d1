"""/metrics through prometheus-client: the standard exposition with request latency
histograms and process metrics; in multiprocess mode (PROMETHEUS_MULTIPROC_DIR, as under
gunicorn) a scrape adds up the counts of every process, whichever process answers it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUTH = {"Authorization": "Bearer m-token"}


def test_latency_histogram_and_process_metrics_in_the_standard_exposition(make_app):
    client = make_app(METRICS_TOKEN="m-token").test_client()
    client.get("/healthz")
    client.get("/healthz")
    response = client.get("/metrics", headers=AUTH)
    text = response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain; version=")
    assert "# TYPE gateway_request_duration_seconds histogram" in text
    assert 'gateway_request_duration_seconds_count{endpoint="health.healthz",method="GET"}' in text
    assert 'gateway_request_duration_seconds_bucket{endpoint="health.healthz",le="+Inf",method="GET"}' in text
    assert "process_resident_memory_bytes" in text and "process_cpu_seconds_total" in text
    assert "_created" not in text  # counters keep their plain meaning
    assert "gateway_database_up 1.0" in text


def _run(code: str, folder: Path, *args: str) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


COUNT = """
import sys
from gateway import metrics
for _ in range(int(sys.argv[1])):
    metrics.count("gateway_outbound_total", "sms", "sent")
"""
SCRAPE = """
import sys
from core.app import create_app
from gateway import metrics
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1], "REDIS_URL": None,
                  "METRICS_TOKEN": "m-token", "SECRET_KEY": "x"})
with app.app_context():
    for _ in range(2):
        metrics.count("gateway_outbound_total", "sms", "sent")
print(app.test_client().get("/metrics", headers={"Authorization": "Bearer m-token"}).get_data(as_text=True))
"""


def test_multiprocess_mode_adds_up_every_process(tmp_path):
    folder = tmp_path / "prom"
    folder.mkdir()
    _run(COUNT, folder, "3")   # an rq worker on the same host
    text = _run(SCRAPE, folder, str(tmp_path / "empty.db"))  # a gunicorn worker counts 2, then answers the scrape
    assert 'gateway_outbound_total{channel="sms",outcome="sent"} 5.0' in text
    assert "gateway_database_up 0.0" in text  # no tables there: the scrape still answers
