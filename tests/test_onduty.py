"""Issue 13 item 3: no false promises. Without an on-duty phone nobody is paged, so nobody
is said to be: the reply says only what happened, the start warns, the dashboard warns, and
production refuses to start."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from config.settings import ConfigError, load_settings
from models import Message, User
from models.db import db
from tests.conftest import Phone, _empty_tables
from tests.console.console_helpers import PASSWORD, Staff


@pytest.fixture
def unstaffed(make_app):
    app = make_app(ONDUTY_PHONES=[])
    with app.app_context():
        _empty_tables()
    return app


def test_urgent_without_onduty_phone_promises_no_officer(unstaffed):
    replies = Phone(unstaffed.test_client()).send("拆迁款不给，俺明天就去县政府门口喝药，不想活了")
    joined = "\n".join(replies)
    assert "110" in joined and "120" in joined and "紧急件" in joined
    assert "值班人员" not in joined
    with unstaffed.app_context():
        assert db.session.execute(select(func.count()).where(Message.kind == "page")).scalar_one() == 0


def test_start_warns_without_onduty_phone(make_app, caplog):
    with caplog.at_level(logging.WARNING, logger="gateway"):
        make_app(ONDUTY_PHONES=[])
    assert any("ONDUTY_PHONES" in r.getMessage() and "NOBODY" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="gateway"):
        make_app()
    assert not any("ONDUTY_PHONES" in r.getMessage() for r in caplog.records)


def test_production_refuses_to_start_without_onduty_phone(tmp_path):
    env = {"APP_ENV": "production", "SECRET_KEY": "s" * 32}
    with pytest.raises(ConfigError, match="ONDUTY_PHONES"):
        load_settings(tmp_path, env)
    assert load_settings(tmp_path, {**env, "ONDUTY_PHONES": "+8613900000001"})["ONDUTY_PHONES"]


def test_dashboard_warns_without_onduty_phone(unstaffed, make_app):
    with unstaffed.app_context():
        user = User(username="leader", role="leader")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    staff = Staff(unstaffed.test_client())
    assert staff.login("leader").status_code == 302
    page = staff.get("/console/dashboard").get_data(as_text=True)
    assert 'id="no-onduty"' in page and "ONDUTY_PHONES" in page
    staffed = Staff(make_app().test_client())
    assert staffed.login("leader").status_code == 302
    assert 'id="no-onduty"' not in staffed.get("/console/dashboard").get_data(as_text=True)
