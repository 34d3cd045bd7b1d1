"""领导接访: admins publish reception days on the console; a citizen who texts 接访 gets the
next ones through the real Twilio webhook."""
from __future__ import annotations

from datetime import date, timedelta

import time_machine
from sqlalchemy import select

from cases.replies import ucs2_units
from console.models import AuditLog
from models import Reception
from models.db import db
from tests.conftest import Phone

TODAY = date(2026, 12, 1)


def _add(admin, day: date, leader: str, place: str = "县信访局接待大厅", topics: str = ""):
    return admin.post("/console/receptions", {"day": day.isoformat(), "leader": leader, "place": place,
                                              "topics": topics}, token_from="/console/receptions")


def test_admin_publishes_days_and_a_citizen_texts_jiefang(app, client, signed_in):
    with time_machine.travel(date(2026, 12, 1), tick=False):
        admin = signed_in("admin")
        assert Phone(client).send("接访") == ["【延津信访】近期暂无公布的领导接访安排，请关注县信访局公告。"]
        _add(admin, TODAY + timedelta(days=9), "县委书记李明", topics="土地征收")
        _add(admin, TODAY + timedelta(days=2), "县长王强", topics="拖欠工资")
        _add(admin, TODAY + timedelta(days=30), "副县长赵刚")
        _add(admin, TODAY + timedelta(days=40), "副县长孙丽")
        page = admin.get("/console/receptions").get_data(as_text=True)
        assert page.index("县长王强") < page.index("县委书记李明")
        [reply] = Phone(client, "+8613800009999").send("领导 接访？")
    assert reply.startswith("【延津信访】领导接访安排：12月3日县长王强在县信访局接待大厅接访（拖欠工资）；12月10日县委书记李明")
    assert "孙丽" not in reply and ucs2_units(reply) <= 3 * 67  # the next three, within three segments
    with app.app_context():
        assert db.session.execute(select(AuditLog.kind).where(AuditLog.kind == "reception_added")
                                  ).scalars().all() == ["reception_added"] * 4


def test_past_days_are_not_offered_and_only_admins_edit(app, client, signed_in):
    with time_machine.travel(date(2026, 12, 1), tick=False):
        admin = signed_in("admin")
        assert "不早于今天" in admin.get(_add(admin, TODAY - timedelta(days=1), "县长王强").headers["Location"]
                                    ).get_data(as_text=True)
        _add(admin, TODAY + timedelta(days=1), "县长王强")
        officer = signed_in("officer")
        assert _add(officer, TODAY + timedelta(days=3), "冒名领导").status_code == 403
        with app.app_context():
            row_id = db.session.execute(select(Reception.id)).scalar_one()
        assert officer.post(f"/console/receptions/{row_id}/delete", {}, token_from="/console/receptions"
                            ).status_code == 403
        assert "县长王强" in officer.get("/console/receptions").get_data(as_text=True)  # everyone reads it
    with time_machine.travel(date(2026, 12, 3), tick=False):
        assert "暂无" in Phone(client).send("接访")[0]  # yesterday's reception is over
    with time_machine.travel(date(2026, 12, 1), tick=False):
        admin.post(f"/console/receptions/{row_id}/delete", {}, token_from="/console/receptions")
        with app.app_context():
            assert db.session.execute(select(Reception)).first() is None


def test_jiefang_is_a_keyword_only_alone():
    from nlp.intent import Kind, parse

    for text in ("接访", "领导接访", "接访 时间", "ＪＦ", "【接访】"):
        assert parse(text).kind == Kind.RECEPTION, text
    for text in ("接访时我要反映村里修路的问题", "上次接访答应的事没办"):
        assert parse(text).kind == Kind.PETITION, text
