"""Failed and stuck outbound messages in the console: listed with error and attempts,
resent by admin or officer (CSRF-checked), hidden from other roles; pages labelled as
going to the on-duty officer; the dashboard's system figures."""
from __future__ import annotations

from sqlalchemy import select

from models import Case, Message
from models.db import db
from tests.conftest import Phone

URGENT = "拆迁款不给，俺明天就去县政府门口喝药，不想活了"


def failed_page(app) -> tuple[int, int]:
    """An urgent case whose page to the on-duty officer failed at the provider."""
    Phone(app.test_client()).send(URGENT)
    with app.app_context():
        page = db.session.execute(select(Message).where(Message.kind == "page")).scalar_one()
        page.state, page.attempts, page.error = "failed", 5, "twilio 30003 <unreachable>"
        db.session.commit()
        return page.id, page.case_id


def test_officer_sees_the_failed_page_and_resends_it(app, signed_in):
    message_id, case_id = failed_page(app)
    officer = signed_in("officer")
    html = officer.get("/console/outbound").get_data(as_text=True)
    assert "twilio 30003 &lt;unreachable&gt;" in html and ">5<" in html and "值班人员" in html
    response = officer.post(f"/console/outbound/{message_id}/resend", {}, token_from="/console/outbound")
    assert response.status_code == 302
    with app.app_context():
        page = db.session.get(Message, message_id)
        assert page.state == "outbox" and page.error is None   # no provider configured: recorded
    assert "没有失败或滞留的短信" in officer.get("/console/outbound").get_data(as_text=True)
    case_html = officer.get(f"/console/cases/{case_id}").get_data(as_text=True)
    assert "发给值班人员" in case_html


def test_resend_needs_the_role_and_the_token(app, signed_in):
    message_id, _ = failed_page(app)
    handler = signed_in("handler", "hrss")
    assert handler.get("/console/outbound").status_code == 403
    assert handler.post(f"/console/outbound/{message_id}/resend", {}).status_code == 403
    officer = signed_in("officer")
    assert officer.client.post(f"/console/outbound/{message_id}/resend").status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.get(Message, message_id).state == "failed"


def test_dashboard_shows_the_system_figures(app, signed_in):
    failed_page(app)
    html = signed_in("officer").get("/console/dashboard").get_data(as_text=True)
    assert 'id="system-health"' in html and "发送失败 <b>1</b>" in html
    assert 'id="system-health"' not in signed_in("leader").get("/console/dashboard").get_data(as_text=True)


def test_resend_button_in_a_browser(app, staff, browser_page):
    message_id, _ = failed_page(app)
    page = browser_page(staff("officer"))
    page.goto(page.base + "/console/outbound")
    page.click(f"form[action$='/outbound/{message_id}/resend'] button")
    page.wait_for_selector("#outbound-none")
    with app.app_context():
        assert db.session.get(Message, message_id).state == "outbox"
