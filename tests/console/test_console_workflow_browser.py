"""The workflow's forms in real Chromium: 签收, 督办 with a date picked, the unit's report,
包案, and the 回访 after 办结."""
from __future__ import annotations

from datetime import timedelta

from models import utcnow
from tests.console.console_helpers import make_case


def test_sign_supervise_report_baoan_and_callback_in_chromium(app, staff, browser_page):
    for role, dept in (("officer", None), ("handler", "hrss"), ("leader", None)):
        staff(role, dept)
    case_id = make_case(app, "YJ2612010101", needs_triage=False)
    url = f"/console/cases/{case_id}"

    officer = browser_page("officer_all")
    officer.goto(officer.base + url)
    officer.click("#move-accepted button")
    assert "待签收" in officer.inner_text("#sign-state")

    handler = browser_page("handler_hrss")
    handler.goto(handler.base + url)
    handler.click("#sign-form button")
    assert handler.is_visible("text=已签收。") and handler.inner_text("#sign-state").startswith("已签收")

    leader = browser_page("leader_all")
    leader.goto(leader.base + url)
    leader.fill("#supervise-form textarea[name=note]", "请三日内报告工资兑付进展")
    leader.fill("#supervise-form input[name=due_date]", (utcnow() + timedelta(days=3)).date().isoformat())
    leader.click("#supervise-form button")
    assert leader.is_visible("text=已发出督办。") and leader.is_visible("text=待责任单位回复")
    leader.click("#package-form button")
    assert leader.inner_text("#package-badge") == "领导包案·leader_all"

    handler.goto(handler.base + url)
    handler.fill(".report-form textarea[name=response]", "已约谈企业负责人，本周内兑付")
    handler.click(".report-form button")
    assert handler.is_visible("text=督办已回复。") and handler.is_visible("text=已约谈企业负责人，本周内兑付")
    handler.fill("#move-answered textarea[name=answer]", "工资已全部兑付")
    handler.click("#move-answered button")

    officer.goto(officer.base + url)
    officer.fill("#move-closed textarea[name=note]", "已兑付，信访人认可")
    officer.click("#move-closed button")
    handler.goto(handler.base + url)
    handler.select_option("#callback-form select[name=result]", "satisfied")
    handler.fill("#callback-form textarea[name=note]", "电话回访，表示满意")
    handler.click("#callback-form button")
    assert handler.inner_text("#callback-result").startswith("满意")
    board = handler.goto(handler.base + "/console/workflow")
    assert board.status == 200 and "YJ2612010101" in handler.inner_text("#board-packaged")
