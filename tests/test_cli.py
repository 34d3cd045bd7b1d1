"""Commands a new user and an engineer run."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from models.db import db
from models import Case, User

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


def test_sms_send_plays_the_whole_pipeline(app, runner):
    result = runner.invoke(args=["sms", "send", "--from", "+8613800000000", "榆林乡低保被取消了，没人告诉为啥"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.number in result.output and case.township == "yulin"
    result = runner.invoke(args=["sms", "send", "--from", "+8613800000000", f"查询 {case.number}"])
    assert result.exit_code == 0 and "已登记" in result.output


def test_users_create_and_refusals(app, runner):
    ok = runner.invoke(args=["users", "create", "--username", "li", "--password", "s3cret-pass",
                             "--role", "handler", "--department", "hrss"])
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert user.role == "handler" and user.department == "hrss"
        assert user.check_password("s3cret-pass") and "s3cret" not in user.password_hash
    again = runner.invoke(args=["users", "create", "--username", "li", "--password", "s3cret-pass", "--role", "admin"])
    assert again.exit_code != 0 and "exists" in again.output
    bad = runner.invoke(args=["users", "create", "--username", "x", "--password", "s3cret-pass",
                              "--role", "handler", "--department", "nosuch"])
    assert bad.exit_code != 0 and "unknown department" in bad.output


def test_seed_admin_prints_login_once(app, runner):
    first = runner.invoke(args=["users", "seed-admin"])
    assert "admin /" in first.output
    second = runner.invoke(args=["users", "seed-admin"])
    assert second.output == ""


def test_nlp_evaluate_prints_json_last(app, runner, tmp_path):
    sample = tmp_path / "sample.jsonl"
    sample.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"text": "东屯镇拖欠农民工工资三个月", "issue_type": "labor", "department": "hrss", "township": "dongtun", "urgent": False},
        {"text": "再不给钱我就从楼上跳下去", "issue_type": "labor", "department": "hrss", "township": None, "urgent": True},
    ]), encoding="utf-8")
    result = runner.invoke(args=["nlp", "evaluate", str(sample), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output.strip().splitlines()[-1])
    assert metrics["n"] == 2
    assert set(metrics) == {"n", "issue_type", "department", "township", "urgent"}
    assert set(metrics["urgent"]) == {"precision", "recall"}
    assert 0 <= metrics["issue_type"]["macro_f1"] <= 1


def test_nlp_evaluate_refuses_a_broken_file(app, runner, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = runner.invoke(args=["nlp", "evaluate", str(bad), "--json"])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_nlp_train_learns_from_staff_corrections(make_app, tmp_path):
    """A correction stored by staff is in the next model: `nlp train` writes a new version
    and the corrected text classifies as corrected."""
    from models import TrainingExample
    from tests.conftest import _empty_tables

    app = make_app(MODEL_DIR=tmp_path / "models")
    app.extensions.pop("classifier")
    text = "村里的机井坏了浇不了地，找支书没人管"
    with app.app_context():
        _empty_tables()
        db.session.add_all(TrainingExample(text=text + suffix, issue_type="discipline", department="discipline",
                                           township=None, urgent=False) for suffix in ("", "，急", "，快来看看"))
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["nlp", "train"])
    assert result.exit_code == 0, result.output
    version = result.output.strip().splitlines()[-1]
    assert "3 corrections" in result.output and version
    with app.app_context():
        from cases.classifier import get_classifier

        clf = get_classifier()
        assert clf.model_version == version
        assert clf.classify(text).issue_type == "discipline"


def test_nlp_evaluate_report_has_confusion(app, runner, tmp_path):
    sample = tmp_path / "s.jsonl"
    sample.write_text(json.dumps({"text": "东屯镇拖欠农民工工资", "issue_type": "labor", "department": "hrss",
                                  "township": "dongtun", "urgent": False}, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["nlp", "evaluate", str(sample), "--report", "--json"])
    assert result.exit_code == 0 and "labor" in result.output
    assert json.loads(result.output.strip().splitlines()[-1])["n"] == 1


def test_nlp_train_if_stale_trains_once(make_app, tmp_path):
    app = make_app(MODEL_DIR=tmp_path / "fresh")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["nlp", "train", "--if-stale"])
    assert first.exit_code == 0 and "trained" in first.output
    again = runner.invoke(args=["nlp", "train", "--if-stale"])
    assert again.exit_code == 0 and again.output.strip() == "model is current"
