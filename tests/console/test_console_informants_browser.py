"""矛盾纠纷 in real Chromium: from the nav to a report, filter, note, 跟进中, 转为信访件."""
from __future__ import annotations

from tests.conftest import Phone


def test_follow_up_and_convert_a_report_in_chromium(app, runner, staff, browser_page):
    staff("officer")
    for phone, name, town in (("+8613700000001", "赵信息", "tapu"), ("+8613700000002", "钱信息", "dongtun")):
        assert runner.invoke(args=["informants", "add", "--phone", phone, "--name", name, "--village", "王庄村",
                                   "--township", town]).exit_code == 0
    Phone(app.test_client(), "+8613700000001").send("王庄村两户因宅基地边界争吵，已两次动手")
    Phone(app.test_client(), "+8613700000002").send("零报告")

    page = browser_page("officer_all")
    page.click("nav >> text=矛盾纠纷")
    assert "宅基地" in page.inner_text("#informant-reports")
    page.select_option("#informant-filters select[name=township]", "dongtun")
    page.click("#informant-filters button")
    rows = page.inner_text("#informant-reports")
    assert "零报告" in rows and "宅基地" not in rows
    page.select_option("#informant-filters select[name=township]", "tapu")
    page.click("#informant-filters button")
    page.click("#informant-reports a")
    page.fill("#report-note textarea[name=note]", "已请镇司法所介入")
    page.click("#report-note button")
    assert page.is_visible("text=已添加备注。") and "已请镇司法所介入" in page.inner_text("#report-notes")
    page.select_option("#report-state select[name=state]", "following")
    page.click("#report-state button")
    assert page.is_visible("text=已改为「跟进中」。")
    page.select_option("#report-state select[name=state]", "converted")
    page.click("#report-state button")
    page.wait_for_url("**/console/cases/**")
    assert page.is_visible("text=已转为信访件") and "宅基地" in page.content()
