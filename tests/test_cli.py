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
    assert "admin /" not in second.output


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
    assert set(metrics) == {"n", "issue_type", "department", "township", "urgent", "calibration", "auto_route"}
    assert set(metrics["urgent"]) == {"precision", "recall"}
    assert 0 <= metrics["issue_type"]["macro_f1"] <= 1


def test_nlp_evaluate_refuses_a_broken_file(app, runner, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = runner.invoke(args=["nlp", "evaluate", str(bad), "--json"])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_nlp_train_learns_from_staff_corrections(make_app, tmp_path, sqlite_only):
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


def test_nlp_train_if_stale_trains_once(make_app, tmp_path, sqlite_only):
    app = make_app(MODEL_DIR=tmp_path / "fresh")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["nlp", "train", "--if-stale"])
    assert first.exit_code == 0 and "trained" in first.output
    again = runner.invoke(args=["nlp", "train", "--if-stale"])
    assert again.exit_code == 0 and again.output.strip() == "model is current"


def _audit_kinds(app) -> list[tuple[str, str]]:
    from console.models import AuditLog

    with app.app_context():
        return [(row.kind, row.username) for row in db.session.execute(select(AuditLog).order_by(AuditLog.id)).scalars()]


def test_seed_admin_on_an_existing_database_says_there_is_one(app, runner):
    runner.invoke(args=["users", "seed-admin"])
    second = runner.invoke(args=["users", "seed-admin"])
    assert second.exit_code == 0 and "already an admin (admin)" in second.output
    with app.app_context():
        assert db.session.execute(select(User)).scalars().all()[0].username == "admin"


def test_users_disable_enable_reset_and_set_role_are_audited(app, runner):
    runner.invoke(args=["users", "create", "--username", "li", "--password", "s3cret-pass", "--role", "officer"])
    assert runner.invoke(args=["users", "disable", "li"]).exit_code == 0
    with app.app_context():
        assert db.session.execute(select(User.active).where(User.username == "li")).scalar_one() is False
    assert runner.invoke(args=["users", "enable", "li"]).exit_code == 0
    reset = runner.invoke(args=["users", "reset-password", "li"])
    one_time = reset.output.strip().splitlines()[-1]
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == "li")).scalar_one()
        assert user.check_password(one_time) and not user.check_password("s3cret-pass") and user.must_change_password
    moved = runner.invoke(args=["users", "set-role", "li", "--role", "handler", "--department", "township_gov:yulin"])
    assert moved.exit_code == 0, moved.output
    listing = runner.invoke(args=["users", "list"]).output
    assert "li\thandler\ttownship_gov:yulin\tmust-change-password" in listing
    assert _audit_kinds(app) == [("user_created", "cli"), ("user_disabled", "cli"), ("user_enabled", "cli"),
                                 ("password_reset", "cli"), ("user_role", "cli")]


def test_users_commands_refuse_unknown_users_and_the_last_admin(app, runner):
    assert runner.invoke(args=["users", "disable", "nobody"]).exit_code != 0
    runner.invoke(args=["users", "seed-admin"])
    last = runner.invoke(args=["users", "disable", "admin"])
    assert last.exit_code != 0 and "最后一个管理员" in last.output
    handler = runner.invoke(args=["users", "set-role", "admin", "--role", "handler"])
    assert handler.exit_code != 0


def test_cases_show_json_masks_personal_data_unless_asked(app, runner, phone):
    from cases import services

    phone.send("我叫张三丰，东屯镇建筑工地拖欠农民工工资三个月")
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        number = case.number
        case.department, case.needs_triage = "hrss", False
        services.transition(case, "accepted", "user:zhang")
        db.session.commit()
    result = runner.invoke(args=["cases", "show", number.lower(), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["number"], data["state"], data["department"], data["unit"]) == \
        (number, "accepted", "hrss", "县人力资源和社会保障局")
    assert data["petitioner"] == {"name": "张**", "phone": "+86138****0000"}
    assert data["deadlines"]["due_at"].endswith("+08:00") and data["urgent"] is False
    assert (data["repeat_of"], data["repeat_count"], data["group"], data["group_size"]) == (None, 0, None, 0)
    assert [e["kind"] for e in data["events"]][0] == "created" and [e for e in data["events"] if e["kind"] == "state"][-1]["after"]["state"] == "accepted"
    assert "13800000000" not in result.output and "张三丰" not in json.dumps(data["petitioner"], ensure_ascii=False)
    full = json.loads(runner.invoke(args=["cases", "show", number, "--json", "--unmask"]).output)
    assert full["petitioner"] == {"name": "张三丰", "phone": "+8613800000000"}


def test_cases_show_text_and_unknown_number(app, runner, phone):
    phone.send("我叫李四，榆林乡低保被取消了")
    with app.app_context():
        number = db.session.execute(select(Case.number)).scalar_one()
    text = runner.invoke(args=["cases", "show", number])
    assert text.exit_code == 0 and number in text.output and "已登记" in text.output and "李*" in text.output
    assert "{" not in text.output.splitlines()[0]
    missing = runner.invoke(args=["cases", "show", "YJ0000000000", "--json"])
    assert missing.exit_code != 0 and "no case" in missing.output


def test_the_chinese_readme_lists_the_same_commands_as_the_english_one(app, runner):
    import re

    root = Path(__file__).resolve().parents[1]
    pattern = re.compile(r"flask --app wsgi ([a-z0-9-]+(?: [a-z0-9-]+)?)")
    english = set(pattern.findall((root / "README.md").read_text(encoding="utf-8")))
    chinese = set(pattern.findall((root / "README.zh.md").read_text(encoding="utf-8")))
    assert english - chinese == set() and {"users disable", "users reset-password", "cases show"} <= chinese
    for command in english:  # and every one of them exists
        assert runner.invoke(args=[*command.split(), "--help"]).exit_code == 0, command
