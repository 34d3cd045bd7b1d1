"""Queue order, counts, filters, search, escaping, dashboard, simulator."""
from __future__ import annotations

import re
from datetime import timedelta

from models import utcnow
from tests.console.console_helpers import make_case


def _numbers(html: str) -> list[str]:
    return re.findall(r">(YJ\d{10})</a>", html)


def test_triage_puts_urgent_first_then_least_confident(app, signed_in):
    make_case(app, "YJ2611270201", issue_type_confidence=0.55, department_confidence=0.5)
    make_case(app, "YJ2611270202", issue_type_confidence=0.2, department_confidence=0.9)
    make_case(app, "YJ2611270203", issue_type_confidence=0.58, department_confidence=0.59, urgent=True)
    make_case(app, "YJ2611270204", needs_triage=False)
    page = signed_in("officer").get("/console/?queue=triage").get_data(as_text=True)
    assert _numbers(page) == ["YJ2611270203", "YJ2611270202", "YJ2611270201"]
    assert re.search(r'id="tab-triage">待分类确认 <b class="count">3</b>', page)


def test_overdue_due_soon_awaiting_rating_and_unsatisfied(app, signed_in):
    now = utcnow()
    make_case(app, "YJ2611270301", due_at=now - timedelta(days=1), needs_triage=False)
    make_case(app, "YJ2611270302", due_at=now + timedelta(days=1), needs_triage=False)
    make_case(app, "YJ2611270303", state="answered", due_at=now + timedelta(days=20))
    make_case(app, "YJ2611270304", state="answered", rating="unsatisfied", flagged=True)
    officer = signed_in("officer")
    assert _numbers(officer.get("/console/?queue=overdue").get_data(as_text=True)) == ["YJ2611270301"]
    assert _numbers(officer.get("/console/?queue=due_soon").get_data(as_text=True)) == ["YJ2611270302"]
    assert _numbers(officer.get("/console/?queue=awaiting_rating").get_data(as_text=True)) == ["YJ2611270303"]
    assert _numbers(officer.get("/console/?queue=unsatisfied").get_data(as_text=True)) == ["YJ2611270304"]


def test_filters_and_search(app, signed_in):
    make_case(app, "YJ2611270401", text="东屯镇工地欠薪", received_at=utcnow() - timedelta(days=10))
    make_case(app, "YJ2611270402", text="马庄乡低保100%取消", township="mazhuang", channel="wechat")
    officer = signed_in("officer")
    get = lambda q: _numbers(officer.get("/console/?queue=all&" + q).get_data(as_text=True))  # noqa: E731
    assert get("q=低保") == ["YJ2611270402"]
    assert get("q=100%25") == ["YJ2611270402"]
    assert get("q=yj2611270401") == ["YJ2611270401"]
    assert get("township=mazhuang") == ["YJ2611270402"]
    assert get("channel=wechat") == ["YJ2611270402"]
    day = (utcnow() - timedelta(days=3)).date().isoformat()
    assert get(f"date_from={day}") == ["YJ2611270402"]
    assert get(f"date_to={day}") == ["YJ2611270401"]
    assert set(get("date_from=not-a-date")) == {"YJ2611270401", "YJ2611270402"}


def test_pagination(app, signed_in):
    for i in range(55):
        make_case(app, f"YJ261127{5000 + i:04d}", phone=f"+86138000{i:05d}")
    officer = signed_in("officer")
    assert len(_numbers(officer.get("/console/?queue=all").get_data(as_text=True))) == 50
    second = officer.get("/console/?queue=all&page=2").get_data(as_text=True)
    assert len(_numbers(second)) == 5 and "第 2 / 2 页" in second


def test_citizen_script_is_escaped_everywhere(app, signed_in, client):
    from tests.conftest import Phone

    Phone(client, "+8613800003333").send("<script>alert(1)</script><img src=x onerror=alert(2)> 东屯镇欠薪")
    officer = signed_in("officer")
    for url in ("/console/?queue=all", "/console/cases/1", "/console/simulator?phone=%2B8613800003333"):
        page = officer.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


def test_dashboard_and_units(app, signed_in):
    make_case(app, "YJ2611270601", state="answered", rating="satisfied", accepted_at=utcnow())
    make_case(app, "YJ2611270602", state="answered", rating="unsatisfied")
    make_case(app, "YJ2611270603", due_at=utcnow() - timedelta(days=1), received_at=utcnow() - timedelta(days=16))
    leader = signed_in("leader")
    page = leader.get("/console/dashboard").get_data(as_text=True)
    assert "<svg" in page and "劳动和社会保障" in page and "东屯镇" in page
    assert re.search(r'id="kpi-overdue"><b>1</b>', page)
    assert re.search(r'id="kpi-satisfaction"><b>50%</b>', page)
    units = leader.get("/console/units").get_data(as_text=True)
    assert "县人力资源和社会保障局" in units


def test_simulator_plays_a_phone_through_the_pipeline(app, signed_in):
    officer = signed_in("officer")
    url = "/console/simulator?phone=%2B8613800004444"
    response = officer.post("/console/simulator", {"phone": "+8613800004444", "text": "塔铺街道排水沟堵了臭得很"},
                            token_from=url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "排水沟堵了" in page and "已收到您的信访" in page
    page = officer.post("/console/simulator", {"phone": "+8613800004444", "text": "查询"}, token_from=url,
                        follow_redirects=True).get_data(as_text=True)
    assert "已登记" in page
    bad = officer.post("/console/simulator", {"phone": "abc", "text": "x"}, token_from=url)
    assert "手机号格式不对" in bad.get_data(as_text=True)
