"""Village information officers (信息员): a registered phone's messages are dispute reports,
not petitions; 零报告; danger still pages; the month's counts; the reminder, once a month.
All through the signed Twilio webhook and the CLI."""
from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import Case, Informant, InformantReminder, InformantReport, Message
from models.db import db
from tests.conftest import Phone

OFFICER = "+8613700000001"
DANGER = "王庄村张三因为宅基地纠纷说明天要去镇政府门口喝药，不想活了"
DISPUTE = "王庄村李四和王五因宅基地边界吵架，已调解未果"


def count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


@pytest.fixture
def officers(app, runner):
    for phone, name, village, town in ((OFFICER, "赵信息", "王庄村", "塔铺街道"),
                                        ("+8613700000002", "钱信息", "后屯村", "东屯"),
                                        ("13700000003", "孙信息", "小周庄村", "mazhuang")):
        result = runner.invoke(args=["informants", "add", "--phone", phone, "--name", name,
                                     "--village", village, "--township", town])
        assert result.exit_code == 0, result.output
    return app


def test_report_from_officer_creates_no_case_and_gets_its_own_reply(officers, client):
    replies = Phone(client, OFFICER).send(DISPUTE)
    assert len(replies) == 1 and "矛盾纠纷报告XB" in replies[0] and replies[0].startswith("【延津信访】")
    assert "信访，编号" not in replies[0]
    with officers.app_context():
        assert count(Case) == 0
        report = db.session.execute(select(InformantReport)).scalar_one()
        assert report.text == DISPUTE and report.township == "tapu" and not report.zero
        assert report.state == "new" and report.number in replies[0]
        assert db.session.get(Message, report.message_id).intent == "informant_report"


def test_unregistered_phone_still_files_a_petition(officers, client):
    replies = Phone(client, "+8613800009999").send(DISPUTE)
    assert "已收到您的信访" in replies[0]
    with officers.app_context():
        assert count(Case) == 1 and count(InformantReport) == 0


def test_deactivated_officer_files_petitions_again(officers, client):
    with officers.app_context():
        db.session.execute(select(Informant).where(Informant.phone == OFFICER)).scalar_one().active = False
        db.session.commit()
    assert "已收到您的信访" in Phone(client, OFFICER).send(DISPUTE)[0]


ZERO = ["无", "零报告", "本月无矛盾纠纷", "本月無矛盾糾紛。", "12月无矛盾纠纷，零报告"]


def test_zero_report_is_recognised(officers, client):
    officer = Phone(client, OFFICER)
    for text in ZERO:
        replies = officer.send(text)
        assert len(replies) == 1 and "零报告" in replies[0], text
    with officers.app_context():
        reports = db.session.execute(select(InformantReport)).scalars().all()
        assert [r.text for r in reports] == ZERO and all(r.zero for r in reports) and count(Case) == 0


def test_a_long_report_over_two_sms_is_one_report(officers, client):
    officer = Phone(client, OFFICER)
    assert officer.send(DISPUTE)
    assert officer.send("双方都是本村村民，已经吵了两个月") == []  # a later part: silent, as for petitions
    with officers.app_context():
        report = db.session.execute(select(InformantReport)).scalar_one()
        assert report.text.endswith("已经吵了两个月") and count(Case) == 0


def test_keywords_keep_their_meaning_for_an_officer(officers, client):
    officer = Phone(client, OFFICER)
    assert "零报告" in officer.send("帮助")[0]  # the officer's own help
    assert "退订" in officer.send("退订")[0]
    with officers.app_context():
        assert count(InformantReport) == 0


def test_urgent_report_is_paged_as_an_urgent_case(officers, client):
    replies = Phone(client, OFFICER).send(DANGER)
    assert "110" in replies[0] and "值班人员" in replies[0]
    assert "矛盾纠纷报告" in replies[-1]
    with officers.app_context():
        report = db.session.execute(select(InformantReport)).scalar_one()
        case = db.session.execute(select(Case)).scalar_one()
        assert report.urgent and report.state == "converted" and report.case_id == case.id and case.urgent
        pages = db.session.execute(select(Message).where(Message.kind == "page")).scalars().all()
        assert [p.address for p in pages] == ["+8613900000001"] and case.number in pages[0].body


def test_urgent_report_is_paged_by_the_worker_when_queued(make_app, redis_url):
    from rq import SimpleWorker

    from handlers import queues
    from tests.conftest import _empty_tables

    app = make_app(REDIS_URL=redis_url, RQ_QUEUE="test-gateway-informant")
    with app.app_context():
        _empty_tables()
    assert app.test_cli_runner().invoke(args=["informants", "add", "--phone", OFFICER, "--name", "赵信息",
                                              "--township", "tapu"]).exit_code == 0
    [reply] = Phone(app.test_client(), OFFICER).send(DANGER)
    assert "矛盾纠纷报告" in reply
    with app.app_context():
        listened = queues(app)
        SimpleWorker(listened, connection=listened[0].connection).work(burst=True)
        db.session.expire_all()
        report = db.session.execute(select(InformantReport)).scalar_one()
        assert report.urgent and report.state == "converted"
        case = db.session.get(Case, report.case_id)
        assert case.urgent
        kinds = [m.kind for m in db.session.execute(select(Message).where(Message.direction == "out")).scalars()]
        assert kinds.count("page") == 1 and kinds.count("safety") == 1


def _report(app, phone: str, text: str, month: str) -> None:
    with app.app_context():
        informant = db.session.execute(select(Informant).where(Informant.phone == phone)).scalar_one()
        db.session.add(InformantReport(informant_id=informant.id, township=informant.township, month=month,
                                       text=text, zero=text == "无", state="new"))
        db.session.commit()


def test_monthly_report_counts_reports_zero_reports_and_non_reporters(officers, runner, tmp_path):
    _report(officers, OFFICER, DISPUTE, "2026-11")
    _report(officers, OFFICER, "又一起", "2026-11")
    _report(officers, "+8613700000002", "无", "2026-11")
    _report(officers, "+8613700000003", DISPUTE, "2026-10")  # another month: not counted
    out = tmp_path / "m.xlsx"
    result = runner.invoke(args=["informants", "report", "--month", "2026-11", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "塔铺街道\tofficers 1\treported 1\tmissing 0\treports 2\tzero 0" in result.output
    assert "东屯镇\tofficers 1\treported 1\tmissing 0\treports 0\tzero 1" in result.output
    assert "马庄乡\tofficers 1\treported 0\tmissing 1" in result.output
    book = load_workbook(out)
    assert book.sheetnames == ["乡镇汇总", "信息员明细", "未报告名单"]
    missing = list(book["未报告名单"].iter_rows(min_row=2, values_only=True))
    assert missing == [("马庄乡", "小周庄村", "孙信息", "+8613700000003")]
    total = list(book["乡镇汇总"].iter_rows(values_only=True))[-1]
    assert total == ("合计", 3, 2, 1, 2, 1, 0)
    assert book["乡镇汇总"].freeze_panes == "A2"


def test_reminder_goes_once_a_month_to_non_reporters_only(officers, runner):
    _report(officers, OFFICER, DISPUTE, "2026-11")
    first = runner.invoke(args=["informants", "remind", "--month", "2026-11"])
    assert first.exit_code == 0 and "reminded 2" in first.output, first.output
    again = runner.invoke(args=["informants", "remind", "--month", "2026-11"])
    assert "reminded 0" in again.output
    with officers.app_context():
        sent = db.session.execute(select(Message).where(Message.kind == "informant_remind")).scalars().all()
        assert sorted(m.address for m in sent) == ["+8613700000002", "+8613700000003"]
        assert all("零报告" in m.body and m.body.startswith("【延津信访】") for m in sent)
        assert count(InformantReminder) == 2


def test_reminder_is_due_from_the_configured_local_day(make_app):
    from cases.informant_month import due

    app = make_app(INFORMANT_REMIND_DAY=25)
    with app.app_context():
        assert not due(datetime(2026, 11, 24, 15, 30))   # 23:30 on the 24th, county time
        assert due(datetime(2026, 11, 24, 16, 30))       # 00:30 on the 25th, county time
        assert due(datetime(2026, 11, 30, 3, 0))


def test_roster_import_from_csv_names_bad_rows(app, runner, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("姓名,手机,村,乡镇\n周信息,137 0000 0011,王庄村,塔铺街道\n吴信息,not-a-phone,后屯村,东屯镇\n"
                      "郑信息,13700000013,某村,火星乡\n", encoding="utf-8")
    result = runner.invoke(args=["informants", "import", str(roster)])
    assert result.exit_code == 0
    assert "added 1, updated 0, rejected 2" in result.output
    assert "第3行" in result.output and "第4行" in result.output and "火星乡" in result.output
    listed = runner.invoke(args=["informants", "list"]).output
    assert "周信息" in listed and "+8613700000011" in listed and "吴信息" not in listed


def test_roster_import_refuses_unreadable_files_clearly(app, runner, tmp_path):
    cases = {"roster.txt": "姓名,手机,村,乡镇\n", "no-phone.csv": "姓名,村,乡镇\n赵,王庄村,东屯\n",
             "huge.csv": "姓名,手机,村,乡镇\n\"" + "x" * 200_000 + "\",1,2,3\n"}
    expected = {"roster.txt": "只接受", "no-phone.csv": "缺少列：手机", "huge.csv": "无法读取"}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        result = runner.invoke(args=["informants", "import", str(path)])
        assert result.exit_code == 1 and expected[name] in result.output, (name, result.output)


def test_the_workers_daily_run_reminds_once_the_day_has_come(make_app):
    from handlers.supervision import run_daily
    from tests.conftest import _empty_tables

    app = make_app(INFORMANT_REMIND_DAY=1)  # every day is on or after the 1st
    with app.app_context():
        _empty_tables()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["informants", "add", "--phone", OFFICER, "--name", "赵信息",
                               "--township", "tapu"]).exit_code == 0
    with app.app_context():
        run_daily()
        run_daily()
        [sent] = db.session.execute(select(Message).where(Message.kind == "informant_remind")).scalars().all()
        assert sent.address == OFFICER and "赵信息" in sent.body
    assert runner.invoke(args=["informants", "remind"]).output.strip() == "reminded 0"
    bad = runner.invoke(args=["informants", "remind", "--month", "2026-13"])
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output
