"""The console at phone width (390 px) in real Chromium: the layout is asserted with element
widths, not eyeballed. PHONE_SCREENSHOTS=DIR also saves the pages for a person to look at."""
from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import Phone
from tests.console.console_helpers import case_by_text

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("PHONE_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def _narrowest(page, selector: str) -> float:
    boxes = [page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())]
    return min(box["width"] for box in boxes if box)


def test_queue_and_case_page_are_usable_at_390px(app, client, staff, browser_page):
    staff("admin", username="admin")
    for i, name in enumerate(("王五", "李四", "孙七")):
        Phone(client, f"+861380000{i:04d}").send(f"我叫{name}，东屯镇建筑工地老板拖欠我们二十个农民工工资三个月了，多次讨要没有结果")
    page = browser_page("admin", viewport=PHONE)
    page.goto(page.base + "/console/?queue=all")
    _shot(page, "queue-390")
    _no_sideways_scroll(page)
    # Nav links on one line each, never one character per line.
    for link in page.locator("header.top nav a").all():
        box = link.bounding_box()
        assert box["height"] < 30 and box["width"] >= 2 * 14, link.inner_text()
    # The petition text gets most of the width.
    assert _narrowest(page, "table.cases td.text") >= 250
    assert _narrowest(page, ".tabs a") >= 60
    case = case_by_text(app, "王五")
    page.goto(page.base + f"/console/cases/{case.id}")
    _shot(page, "case-390")
    _no_sideways_scroll(page)
    assert page.locator(".thread").bounding_box()["width"] >= 330
    assert page.locator("#moves").bounding_box()["width"] >= 330
    page.goto(page.base + "/console/users")
    _shot(page, "users-390")
    _no_sideways_scroll(page)
    assert page.locator("#staff select[name$=role]").first.is_visible()  # no column hidden away
    assert page.locator("#staff .disable-form button").first.bounding_box()["x"] + 40 < PHONE["width"]
    for url in ("/console/audit", "/console/units"):
        page.goto(page.base + url)
        _no_sideways_scroll(page)
        headers = page.locator("table.cases th")
        assert all(headers.nth(i).is_visible() for i in range(headers.count()))


def test_dates_are_shown_and_picked_in_chinese(app, client, staff, browser_page):
    staff("officer", username="li")
    Phone(client, "+8613800001234").send("我叫赵六，东屯镇建筑工地拖欠工资")
    case = case_by_text(app, "赵六")
    page = browser_page("li", viewport=PHONE)
    page.goto(page.base + "/console/?queue=all")
    page.fill("#date_from", "2020年1月1日")
    page.fill("#date_to", "2099/12/31")
    page.click(".filters button[type=submit]")
    assert page.input_value("#date_from") == "2020年1月1日" and page.input_value("#date_to") == "2099年12月31日"
    assert page.locator(f"text={case.number}").count() == 1
    page.fill("#date_from", "2099年1月1日")
    page.click(".filters button[type=submit]")
    assert page.locator(f"text={case.number}").count() == 0
    page.goto(page.base + f"/console/cases/{case.id}")
    assert "年" in page.inner_text("#deadline") and "月" in page.inner_text("#deadline")
