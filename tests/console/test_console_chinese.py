"""The console speaks Chinese: no raw codes, tabs that count what they say, no empty or
misleading rows in the case's history, answer templates by issue type."""
from __future__ import annotations

import re

from tests.console.console_helpers import make_case

CODES = ("notice_accepted", "notice_not_accepted", "outbox", "staff_reply", "去向：other", "'route'", "{\"")


def _page(officer, case_id: int) -> str:
    return officer.get(f"/console/cases/{case_id}").get_data(as_text=True)


def test_case_history_shows_names_not_codes(app, phone, signed_in):
    phone.send("我叫王五，东屯镇建筑工地拖欠农民工工资三个月")
    officer = signed_in("officer")
    officer.post("/console/cases/1/correct", {"issue_type": "labor", "department": "hrss", "township": "dongtun"})
    officer.post("/console/cases/1/move", {"state": "not_accepted", "route": "other", "reason": "已由法院受理"})
    officer.post("/console/cases/1/reply", {"text": "请留意短信"})
    page = _page(officer, 1)
    assert not [code for code in CODES if code in page], page
    assert "不予受理告知 · 已记录（未接短信通道）" in page and "工作人员回复" in page
    assert "去向：其他(写明理由)" in page


def test_no_empty_supplement_rows_and_no_struck_unchanged_values(app, phone, signed_in):
    phone.send("我叫王五，东屯镇建筑工地拖欠农民工工资三个月")
    phone.send("补充 老板姓刘，电话打不通")
    officer = signed_in("officer")
    officer.post("/console/cases/1/correct", {"issue_type": "labor", "department": "hrss", "township": "dongtun"})
    officer.post("/console/cases/1/move", {"state": "accepted"})
    officer.post("/console/cases/1/move", {"state": "in_progress"})
    page = _page(officer, 1)
    assert "老板姓刘" in page and 'k-supplement' not in page  # the message shows; no empty event row
    in_progress = page[page.index("状态：<s>已受理</s> → 办理中"):]
    in_progress = in_progress[:in_progress.index("</li>")]
    assert "期限：" in in_progress and "期限：<s>" not in in_progress  # the deadline did not change
    assert "状态：<s>已登记</s> → 已受理" in page  # a real change is still shown as one


def test_in_hand_tab_counts_accepted_cases_only(app, signed_in):
    make_case(app, "YJ2611270101")                                   # registered: triage, not 在办
    make_case(app, "YJ2611270102", state="accepted", needs_triage=False)
    make_case(app, "YJ2611270103", state="extended", needs_triage=False)
    make_case(app, "YJ2611270104", state="answered", needs_triage=False)
    make_case(app, "YJ2611270105", state="closed", needs_triage=False)
    page = signed_in("officer").get("/console/?queue=open").get_data(as_text=True)
    assert re.search(r'id="tab-open">在办 <b class="count">2</b>', page)
    assert re.findall(r">(YJ\d{10})</a>", page) == ["YJ2611270103", "YJ2611270102"]


def test_answer_templates_follow_the_issue_type(app, signed_in):
    labor = make_case(app, "YJ2611270201", state="accepted", needs_triage=False)
    civil = make_case(app, "YJ2611270202", state="accepted", needs_triage=False, issue_type="civil",
                      department="civil_affairs", phone="+8613811113333")
    officer = signed_in("officer")
    labor_page, civil_page = _page(officer, labor), _page(officer, civil)
    assert "欠薪已兑付" in labor_page and "低保复核" not in labor_page
    assert "低保复核" in civil_page and "欠薪已兑付" not in civil_page
    assert "已解决" in labor_page and "已解决" in civil_page  # general templates for every case


def test_dates_in_chinese_on_the_queue_and_filters_accept_chinese_dates(app, signed_in):
    make_case(app, "YJ2611270301")
    officer = signed_in("officer")
    page = officer.get("/console/?queue=all&date_from=2020年1月1日&date_to=2099-12-31").get_data(as_text=True)
    assert "YJ2611270301" in page and 'value="2099年12月31日"' in page
    assert re.search(r"\d{1,2}月\d{1,2}日", page)
    bad = officer.get("/console/?queue=all&date_from=31/31/2020")
    assert bad.status_code == 200 and "日期格式应为" in bad.get_data(as_text=True)
    assert "YJ2611270301" in bad.get_data(as_text=True)  # the bad date is not applied
    assert "没有这一天" in officer.get("/console/?date_to=2026年2月30日").get_data(as_text=True)
