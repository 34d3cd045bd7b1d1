"""With a template-only SMS provider (Tencent, Alibaba) the console does not pretend that
free text reaches the citizen by SMS."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Case
from models.db import db
from tests.conftest import _empty_tables

SECRET = "cb-secret-0123456789abcdef"


@pytest.fixture
def app(make_app):
    app = make_app(SMS_PROVIDER="tencent", SMS_CALLBACK_SECRET=SECRET)
    with app.app_context():
        _empty_tables()
    return app


def test_case_page_offers_no_free_text_sms(app, signed_in):
    response = app.test_client().post(f"/webhooks/tencent/{SECRET}", json={
        "mobile": "13800000000", "nationcode": "86", "text": "我叫王五，东屯镇建筑工地拖欠农民工工资三个月了",
        "sign": "延津信访", "time": 1796190000, "extend": ""})
    assert response.status_code == 200
    with app.app_context():
        case_id = db.session.execute(select(Case.id)).scalar_one()
    officer = signed_in("officer")
    page = officer.get(f"/console/cases/{case_id}").get_data(as_text=True)
    assert 'id="template-only"' in page and 'id="reply-form"' not in page
