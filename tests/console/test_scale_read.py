"""The read path at scale, with small data: seeding (dev seed-cases), full-text search in
Chinese, bounded counts, and the ledger export streaming."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from models import Case, CaseCounter, Message
from models.db import db
from tests.console.console_helpers import make_case

HOSTILE = ["%", "_", "\\", "'; DROP TABLE cases; --", "工资 & | ! <-> :*", "'''", "(((", "\x00", "a" * 500,
           "<script>alert(1)</script>", "！！！", "😀工资"]


def _seed(runner, n: int = 1500, *extra: str):
    return runner.invoke(args=["dev", "seed-cases", str(n), "--years", "1", *extra])


def test_seed_fills_every_state_and_channel_with_valid_unique_numbers(app, runner):
    result = _seed(runner)
    assert result.exit_code == 0, result.output
    with app.app_context():
        states = dict(db.session.execute(select(Case.state, func.count()).group_by(Case.state)).all())
        channels = dict(db.session.execute(select(Case.channel, func.count()).group_by(Case.channel)).all())
        numbers = db.session.execute(select(Case.number)).scalars().all()
        assert sum(states.values()) == 1500
        assert {"registered", "accepted", "in_progress", "answered", "closed", "not_accepted"} <= set(states)
        assert {"sms", "wechat", "web", "letter", "visit", "phone", "ledger"} <= set(channels)
        assert len(set(numbers)) == len(numbers)
        assert all(re.fullmatch(r"YJ\d{10}", n) for n in numbers)
        assert db.session.execute(select(func.count()).select_from(Message)).scalar() > 0
        assert db.session.execute(select(func.count()).where(Case.repeat_of_id.is_not(None))).scalar() > 0
        assert db.session.execute(select(func.count()).where(Case.rating.is_not(None))).scalar() > 0
    assert _seed(runner, 200).exit_code == 0  # a seeded database may be seeded further
    with app.app_context():
        assert db.session.execute(select(func.count(func.distinct(Case.number)))).scalar() == 1700


def test_a_real_case_after_seeding_takes_a_fresh_number(app, runner, phone):
    assert _seed(runner, 300).exit_code == 0
    with app.app_context():
        seeded = set(db.session.execute(select(Case.number)).scalars())
    phone.send("东屯镇的工地拖欠俺们三个月工资，老板跑了，请政府帮忙讨薪")
    with app.app_context():
        real = db.session.execute(select(Case).where(Case.import_digest.is_(None))).scalar_one()
        last = db.session.execute(select(CaseCounter.last).where(CaseCounter.day == real.number[2:8])).scalar_one()
    assert real.number not in seeded and real.number.endswith(f"{last:04d}")


def test_seeding_refuses_a_database_with_real_cases(app, runner, phone):
    phone.send("村里的路坏了好几年没人修，下雨天孩子上学都过不去")
    result = _seed(runner, 50)
    assert result.exit_code != 0 and "real cases" in result.output
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Case)).scalar() == 1


def test_search_finds_chinese_words_ranks_and_highlights(app, signed_in):
    make_case(app, "YJ2611270001", text="修路的事情，和工资无关")
    make_case(app, "YJ2611270002", text="包工头拖欠工资，拖欠工资半年了，工资一分没给")
    make_case(app, "YJ2611270003", text="低保评定不公平")
    officer = signed_in("officer")
    page = officer.get("/console/?queue=all&q=拖欠工资").get_data(as_text=True)
    assert "YJ2611270002" in page and "YJ2611270003" not in page
    assert re.search(r"<mark>[^<]*工资</mark>", page)
    page = officer.get("/console/?queue=all&q=工资").get_data(as_text=True)
    assert "YJ2611270001" in page and "YJ2611270002" in page and "YJ2611270003" not in page
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert page.index("YJ2611270002") < page.index("YJ2611270001")  # three mentions rank first
    assert "YJ2611270003" in officer.get("/console/?queue=all&q=yj2611270003").get_data(as_text=True)


def test_hostile_search_strings_are_no_error(app, signed_in):
    make_case(app, "YJ2611270001", text="<b>工资</b> 100% 拖欠_问题")
    officer = signed_in("officer")
    for query in HOSTILE:
        response = officer.get("/console/", query_string={"queue": "all", "q": query})
        assert response.status_code < 500, query
        assert "<b>工资</b>" not in response.get_data(as_text=True)


def test_counts_past_the_cap_read_as_more(app, signed_in, monkeypatch):
    from console import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    for i in range(5):
        make_case(app, f"YJ26112700{i:02d}", phone=f"+861380000{i:04d}")
    page = signed_in("officer").get("/console/?queue=all&page=9").get_data(as_text=True)
    assert "3+" in page


def test_ledger_export_streams(app, signed_in):
    for i in range(30):
        make_case(app, f"YJ26112700{i:02d}", text=f"第{i}件 拖欠工资", phone=f"+861380000{i:04d}")
    response = signed_in("officer").get("/console/export.csv?queue=all", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    body = b"".join(response.response).decode("utf-8-sig")
    response.close()
    assert body.count("\n") == 31 and "YJ2611270029" in body
