"""Every URL answers an error in Chinese: console pages in the console's layout, other pages
as a Chinese page, machine endpoints (webhooks, API, Open311) as JSON."""
from __future__ import annotations

import pytest

from tests.console.console_helpers import Staff


def _chinese_page(response, code: int, words: str) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == code and response.mimetype == "text/html"
    assert words in body and "Not Found" not in body and "Method Not Allowed" not in body
    return body


@pytest.mark.parametrize("url", ["/console/cases/abc", "/console/nosuch", "/console/cases/1/nosuch"])
def test_console_urls_that_match_no_route_answer_a_chinese_page(client, signed_in, url):
    _chinese_page(client.get(url), 404, "未找到")
    officer = signed_in("officer")
    assert "返回信访工作台" in _chinese_page(officer.get(url), 404, "未找到")


def test_console_method_not_allowed_and_missing_case(signed_in):
    officer = signed_in("officer")
    _chinese_page(officer.get("/console/logout"), 405, "不支持的操作")
    _chinese_page(officer.get("/console/cases/999999"), 404, "不在您的办理范围内")


def test_app_level_404_405_413_are_chinese_pages(app, client):
    _chinese_page(client.get("/no/such/page"), 404, "该页面不存在")
    _chinese_page(client.put("/chat"), 405, "不支持的操作")
    app.config["MAX_CONTENT_LENGTH"] = 1000
    _chinese_page(client.post("/console/login", data={"username": "x" * 5000}), 413, "内容过大")


def test_server_error_is_a_chinese_page_in_and_outside_the_console(app, staff, monkeypatch):
    from console import queries

    app.config["PROPAGATE_EXCEPTIONS"] = False

    def boom(*args, **kwargs):
        raise RuntimeError("broken on purpose")

    app.add_url_rule("/boom", "boom", boom)
    client = app.test_client()
    body = _chinese_page(client.get("/boom"), 500, "系统出错")
    assert "broken on purpose" not in body and "Traceback" not in body
    officer = Staff(app.test_client())
    officer.login(staff("officer"))
    monkeypatch.setattr(queries, "queue_counts", boom)
    body = _chinese_page(officer.get("/console/"), 500, "系统出错")
    assert "退出" in body  # inside the console's layout


@pytest.mark.parametrize("method, url, code", [
    ("get", "/webhooks/nosuch", 404), ("get", "/webhooks/twilio", 405), ("get", "/api/nosuch", 404),
    ("get", "/open311/v2/nosuch", 404),
])
def test_machine_endpoints_keep_json(client, method, url, code):
    response = getattr(client, method)(url)
    assert response.status_code == code and response.mimetype == "application/json"


def test_a_client_that_asks_for_json_gets_json(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["status"] == 404
