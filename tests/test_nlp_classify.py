"""`flask nlp classify FILE.jsonl`: one JSON line per input line, ids kept, bad lines reported
by number, and auto_routed by the same rule as the live path."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from cases.triage import routes_itself
from models import Case
from models.db import db

TEXTS = ["东屯镇建筑工地拖欠农民工工资三个月", "塔铺街道排水沟堵了臭得很", "我有个事想问问",
         "再不给钱我就从楼上跳下去", "马庄乡小周庄村村务不公开，支书把补偿款吞了"]


def classify(runner, path):
    result = runner.invoke(args=["nlp", "classify", str(path)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_one_line_out_per_line_in_with_ids_and_errors(app, runner, tmp_path):
    lines = [json.dumps({"id": "a1", "text": TEXTS[0]}, ensure_ascii=False),
             "{not json",
             json.dumps({"id": 7, "title": "no text here"}),
             "[1, 2]",
             "",
             json.dumps({"text": "   "}),
             json.dumps({"id": {"nested": True}, "text": TEXTS[1]}, ensure_ascii=False),
             "[" * 100_000,
             json.dumps({"id": "big", "text": "欠薪" * 100_000}, ensure_ascii=False)]
    path = tmp_path / "in.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8") + b"\n\xff\xfe{\"text\": 1}\n")
    out = classify(runner, path)
    assert len(out) == 10
    assert out[0]["id"] == "a1" and out[0]["issue_type"] == "labor" and out[0]["township"] == "dongtun"
    assert set(out[0]) == {"id", "issue_type", "issue_type_confidence", "department", "department_confidence",
                           "township", "township_confidence", "urgent", "urgent_confidence", "auto_routed"}
    assert out[1] == {"line": 2, "error": "not JSON (Expecting property name enclosed in double quotes)"}
    assert out[2] == {"line": 3, "id": 7, "error": 'no "text"'}
    assert out[3] == {"line": 4, "error": "not a JSON object"}
    assert out[4]["line"] == 5 and out[5] == {"line": 6, "error": 'no "text"'}
    assert out[6]["id"] == {"nested": True} and out[6]["issue_type"]
    assert out[7] == {"line": 8, "error": "not JSON (nested too deeply)"}
    assert out[8]["id"] == "big" and out[8]["issue_type"] == "labor"
    assert out[9] == {"line": 10, "error": "not UTF-8"}


def test_a_line_beyond_the_limit_is_reported_not_read(app, runner, tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "x" * (2 * 1024 * 1024)}) + "\n"
                    + json.dumps({"id": 2, "text": TEXTS[0]}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = classify(runner, path)
    assert out[0] == {"line": 1, "error": "line longer than 1048576 bytes"}
    assert out[1]["id"] == 2 and out[1]["issue_type"] == "labor"


def test_auto_routed_agrees_with_the_live_path(app, runner, phone, tmp_path):
    """Each text sent as an SMS opens a case; the case skips triage exactly when the batch
    command says auto_routed."""
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(TEXTS)),
                    encoding="utf-8")
    out = classify(runner, path)
    assert any(o["auto_routed"] for o in out) and not all(o["auto_routed"] for o in out)
    for i, text in enumerate(TEXTS):
        phone.number = f"+86138000000{i:02d}"
        phone.send(text)
    with app.app_context():
        cases = db.session.execute(select(Case).order_by(Case.id)).scalars().all()
        assert [not c.needs_triage for c in cases] == [o["auto_routed"] for o in out]
        assert [c.issue_type for c in cases] == [o["issue_type"] for o in out]


@pytest.mark.parametrize("issue,dept,threshold,expected", [
    (0.9, 0.9, 0.6, True), (0.6, 0.6, 0.6, True), (0.59, 0.99, 0.6, False), (0.99, 0.3, 0.6, False),
    (0.7, 0.7, 0.8, False),
])
def test_the_routing_rule(issue, dept, threshold, expected):
    result = SimpleNamespace(issue_type_confidence=issue, department_confidence=dept)
    assert routes_itself(result, threshold) is expected


def test_threshold_comes_from_settings(make_app, tmp_path):
    app = make_app(TRIAGE_THRESHOLD=1.01)
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": TEXTS[0]}, ensure_ascii=False), encoding="utf-8")
    out = classify(app.test_cli_runner(), path)
    assert out[0]["auto_routed"] is False
