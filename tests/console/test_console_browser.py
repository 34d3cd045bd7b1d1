"""The console in real Chromium against a live server: every role walks its main flow."""
from __future__ import annotations

from tests.conftest import Phone
from tests.console.console_helpers import case_by_text


def test_officer_handler_leader_admin_walk_a_case_to_its_rating(app, client, staff, browser_page):
    for role, dept in (("officer", None), ("handler", "hrss"), ("leader", None), ("admin", None)):
        staff(role, dept)
    citizen = Phone(client, "+8613800005555")
    citizen.send("我叫王五，东屯镇建筑工地老板拖欠我们二十个农民工工资三个月了")
    case = case_by_text(app, "王五")

    officer = browser_page("officer_all")
    officer.goto(officer.base + "/console/?queue=all")
    officer.click(f"text={case.number}")
    officer.select_option("#correct-form select[name=issue_type]", "labor")
    officer.select_option("#correct-form select[name=department]", "hrss")
    officer.select_option("#correct-form select[name=township]", "dongtun")
    officer.click("#correct-form button[type=submit]")
    assert officer.is_visible("text=已更正分类") or officer.is_visible("text=分类未改变")
    officer.click("#move-accepted button")
    assert officer.is_visible("text=已通知信访人")
    officer.fill("#assign-form input[name=assignee]", "李科长")
    officer.click("#assign-form button")
    assert officer.inner_text("#assignee") == "李科长" and "人力资源" in officer.inner_text("#unit")

    handler = browser_page("handler_hrss")
    handler.goto(handler.base + f"/console/cases/{case.id}")
    offered = handler.locator("#move-answered select.template-picker option").all_inner_texts()
    assert offered[1:3] == ["欠薪已兑付", "欠薪立案查处"] and "低保复核" not in offered  # by the case's type
    handler.select_option("#move-answered select.template-picker", label="欠薪已兑付")  # the script fills the answer
    assert "工资已全部兑付" in handler.input_value("#answer-answered")
    handler.click("#move-answered button")
    assert handler.is_visible("text=已答复") and handler.is_visible("text=已通知信访人")
    assert "****" in handler.inner_text(".phone")  # handlers do not see the full number

    assert "满意" in citizen.send("满意")[0]
    handler.reload()
    assert handler.inner_text("#rating") == "满意"

    leader = browser_page("leader_all")
    leader.goto(leader.base + f"/console/cases/{case.id}")
    assert leader.locator("form#correct-form, #moves, #note-form").count() == 0  # read-only
    leader.goto(leader.base + "/console/dashboard")
    assert leader.locator("svg.chart").count() == 3 and leader.inner_text("#kpi-satisfaction").startswith("100%")

    admin = browser_page("admin_all")
    admin.goto(admin.base + "/console/audit")
    assert admin.locator("#logins td", has_text="handler_hrss").count() >= 1
    assert admin.locator("#staff-events td", has_text="李科长").count() >= 1


def test_handler_is_refused_another_units_case(app, client, staff, browser_page):
    staff("handler", "civil_affairs")
    Phone(client, "+8613800006666").send("东屯镇建筑工地拖欠农民工工资")
    case = case_by_text(app, "建筑工地")
    page = browser_page("handler_civil_affairs")
    response = page.goto(page.base + f"/console/cases/{case.id}")
    assert response.status in (403, 404) and page.is_visible("text=不在您的办理范围内")
    page.goto(page.base + "/console/?queue=all")
    assert page.locator(f"text={case.number}").count() == 0


def test_petition_with_script_tags_renders_inert(app, client, staff, browser_page):
    staff("officer")
    hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">东屯镇欠薪'
    Phone(client, "+8613800007777").send(hostile)
    case = case_by_text(app, "window.__pwned")
    page = browser_page("officer_all")
    for url in (f"/console/cases/{case.id}", "/console/?queue=all"):
        page.goto(page.base + url)
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[src=x]").count() == 0
    raw = page.goto(page.base + f"/console/cases/{case.id}").text()
    assert "<script>window" not in raw and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in raw
    assert "<script>window.__pwned=1</script>" in page.inner_text(".thread")  # shown as text


def test_login_page_on_a_tablet(browser_page):
    page = browser_page(None, viewport={"width": 768, "height": 1024})
    assert page.is_visible("text=信访工作台") and page.is_visible("button[type=submit]")
