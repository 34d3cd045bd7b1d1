"""矛盾纠纷 on the console: the reports queue scoped like cases, follow-up and 转为信访件
through the case services, the month with its non-reporters, the roster."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from models import Case, CaseEvent, Informant, InformantReport
from models.db import db
from tests.conftest import Phone

TAPU = "+8613700000001"
DONGTUN = "+8613700000002"


@pytest.fixture
def reports(app, runner, client):
    for phone, name, town in ((TAPU, "赵信息", "tapu"), (DONGTUN, "钱信息", "dongtun"),
                              ("+8613700000003", "孙信息", "dongtun")):
        assert runner.invoke(args=["informants", "add", "--phone", phone, "--name", name, "--village", "某村",
                                   "--township", town]).exit_code == 0
    Phone(client, TAPU).send("王庄村两户因宅基地吵架<script>alert(1)</script>")
    Phone(client, DONGTUN).send("零报告")
    with app.app_context():
        return {r.township: r.id for r in db.session.execute(select(InformantReport)).scalars()}


def test_queue_lists_reports_escaped_and_filters_by_township(reports, signed_in):
    officer = signed_in("officer")
    page = officer.get("/console/informants").get_data(as_text=True)
    assert "宅基地" in page and "零报告" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    only = officer.get("/console/informants?township=dongtun").get_data(as_text=True)
    assert "宅基地" not in only and "零报告" in only
    assert "宅基地" not in officer.get("/console/informants?month=2001-01").get_data(as_text=True)
    assert officer.get("/console/informants?township=<x>&month=zz&state=../").status_code == 200


def test_township_staff_see_only_their_township(reports, signed_in):
    town = signed_in("handler", "township_gov", "dongtun")
    page = town.get("/console/informants").get_data(as_text=True)
    assert "宅基地" not in page and "零报告" in page
    assert town.get(f"/console/informants/{reports['tapu']}").status_code == 404
    assert town.post(f"/console/informants/{reports['tapu']}/note", {"note": "x"}).status_code == 404
    county_unit = signed_in("handler", "hrss")
    assert "零报告" not in county_unit.get("/console/informants").get_data(as_text=True)
    month = town.get("/console/informants/month?township=tapu").get_data(as_text=True)
    assert "塔铺街道" not in month and "孙信息" in month  # their own township, whatever was asked


def test_leader_reads_but_cannot_act(reports, signed_in):
    leader = signed_in("leader")
    assert leader.get(f"/console/informants/{reports['tapu']}").status_code == 200
    assert leader.post(f"/console/informants/{reports['tapu']}/state", {"state": "following"}).status_code == 403


def test_follow_up_then_convert_to_a_petition_case(app, reports, signed_in):
    officer = signed_in("officer")
    url = f"/console/informants/{reports['tapu']}"
    assert officer.post(url + "/state", {"state": "following", "note": "镇综治中心已介入"}).status_code == 302
    assert officer.post(url + "/note", {"note": "约双方周五调解"}).status_code == 302
    assert officer.post(url + "/state", {"state": "new"}).status_code == 302  # refused: flashed, unchanged
    response = officer.post(url + "/state", {"state": "converted"})
    assert response.status_code == 302 and "/console/cases/" in response.headers["Location"]
    with app.app_context():
        report = db.session.get(InformantReport, reports["tapu"])
        case = db.session.get(Case, report.case_id)
        assert report.state == "converted" and case.state == "registered" and "宅基地" in case.text
        assert [n.kind for n in report.notes] == ["state", "note", "state"]
        kinds = [e.kind for e in db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalars()]
        assert kinds[0] == "created" and "note" in kinds
    page = officer.get(url).get_data(as_text=True)
    assert "约双方周五调解" in page and "转为信访件" in page


def test_month_page_and_xlsx_name_non_reporters(app, reports, signed_in):
    officer = signed_in("officer")
    page = officer.get("/console/informants/month").get_data(as_text=True)
    assert "本月未报告（1人）" in page and "孙信息" in page
    xlsx = officer.get("/console/informants/month.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    assert [r[2] for r in book["未报告名单"].iter_rows(min_row=2, values_only=True)] == ["孙信息"]
    with app.app_context():
        from console.models import AuditLog
        assert db.session.execute(select(AuditLog).where(AuditLog.kind == "informant_export")).scalar_one()
    assert officer.get("/console/informants/month?month=2026-13").status_code == 400
    leader = signed_in("leader")
    masked = load_workbook(io.BytesIO(leader.get("/console/informants/month.xlsx").data))
    assert [r[3] for r in masked["未报告名单"].iter_rows(min_row=2, values_only=True)] == ["+86137****0003"]


def test_roster_is_admins_and_imports_xlsx(app, signed_in):
    assert signed_in("officer").get("/console/informants/roster").status_code == 403
    admin = signed_in("admin")
    book = Workbook()
    book.active.append(["乡镇", "村", "姓名", "手机号"])
    book.active.append(["东屯镇", "后屯村", "李信息", 13700000021])
    book.active.append(["东屯镇", "后屯村", "", 13700000022])
    data = io.BytesIO()
    book.save(data)
    response = admin.post("/console/informants/roster/import",
                          {"file": (io.BytesIO(data.getvalue()), "roster.xlsx")}, token_from="/console/informants/roster",
                          content_type="multipart/form-data", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "新增1" in text and "第3行" in text
    bad = admin.post("/console/informants/roster/import", {"file": (io.BytesIO(b"\x00garbage"), "x.xlsx")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert bad.status_code == 200 and "无法读取" in bad.get_data(as_text=True)
    with app.app_context():
        informant = db.session.execute(select(Informant)).scalar_one()
        assert informant.phone == "+8613700000021" and informant.township == "dongtun"
    assert admin.post(f"/console/informants/roster/{informant.id}/deactivate", {}).status_code == 302
    with app.app_context():
        assert not db.session.get(Informant, informant.id).active
