"""热点预警 in the console: a leader finds the alert a burst raised in the nav, opens it and
sees the cases behind it (real Chromium); an officer closes it (audited); handlers are kept out."""
from __future__ import annotations

from datetime import timedelta

import pytest

from console.models import AuditLog
from models import HotspotAlert, utcnow
from models.db import db
from tests.conftest import _empty_tables
from tests.test_hotspots import Stream, burst, noise


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        _empty_tables()
    return app


@pytest.fixture
def surge(app) -> list[str]:
    """Seventy quiet days, then a burst of ten land cases in 东屯镇 ending an hour ago."""
    start = utcnow() - timedelta(days=72)
    with app.app_context():
        stream = Stream()
        stream.feed(noise(7, days=70, start=start) + burst(70, "dongtun", "land", 10, hours=30, start=start))
        return [f"T{n:07d}" for n in range(stream.serial - 9, stream.serial + 1)]


def test_leader_sees_the_alert_and_its_cases(app, staff, browser_page, surge):
    staff("leader")
    page = browser_page("leader_all")
    page.click("nav >> text=热点预警")
    row = page.locator("#hotspot-list tbody tr")
    assert row.count() == 1 and "持续中" in row.inner_text() and "东屯镇" in row.inner_text()
    page.click("#hotspot-list >> text=东屯镇")
    listed = page.locator("#hotspot-cases tbody tr td:first-child").all_inner_texts()
    assert set(surge) <= set(listed)
    assert "已处置，关闭预警" not in page.content()  # leaders read; officers close


def test_officer_closes_it_and_handlers_are_kept_out(app, signed_in, surge):
    with app.app_context():
        alert_id = db.session.query(HotspotAlert.id).scalar()
    officer = signed_in("officer")
    url = f"/console/hotspots/{alert_id}"
    assert officer.get(url).status_code == 200
    officer.post(url + "/close", {}, token_from=url)
    with app.app_context():
        alert = db.session.get(HotspotAlert, alert_id)
        assert alert.open_key is None and alert.closed_by == "user:officer_all"
        assert db.session.query(AuditLog).filter_by(kind="hotspot_close").count() == 1
    assert "已结束" in officer.get("/console/hotspots").get_data(as_text=True)
    handler = signed_in("handler", "hrss")
    assert handler.get("/console/hotspots").status_code == 403
    assert handler.get(url).status_code == 403
    assert officer.get("/console/hotspots/99999").status_code == 404
