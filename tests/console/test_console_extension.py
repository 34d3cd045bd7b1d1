"""Issue 13 item 7: a handler's 申请延期 is a request; only the unit's 负责人 (role head)
approves it (Art. 34), and only then the deadline moves and the citizen is told."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from models import CaseEvent, Message
from models.db import db
from tests.conftest import Phone
from tests.console.console_helpers import case_by_text


def _flash(response) -> str:
    return " ".join(re.findall(r'class="flash[^"]*" role="status">([^<]*)<', response.get_data(as_text=True)))


def _notices(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).where(Message.kind == "notice_extended")).scalar_one()


def _accepted_case(app, client, signed_in):
    Phone(client, "+8613800002222").send("我叫王五，东屯镇建筑工地拖欠农民工工资三个月了")
    case = case_by_text(app, "王五")
    officer = signed_in("officer")
    url = f"/console/cases/{case.id}"
    officer.post(url + "/correct", {"issue_type": "labor", "department": "hrss", "township": "dongtun"},
                 token_from=url)
    officer.post(url + "/move", {"state": "accepted"}, token_from=url)
    return case_by_text(app, "王五"), url


def test_extension_waits_for_the_head_then_extends_and_tells(app, client, signed_in):
    case, url = _accepted_case(app, client, signed_in)
    due = case.due_at
    handler = signed_in("handler", "hrss")
    response = handler.post(url + "/move", {"state": "extended", "reason": "需要现场勘验"}, token_from=url,
                            follow_redirects=True)
    assert "待单位负责人批准" in _flash(response)
    page = response.get_data(as_text=True)
    assert 'id="extension-request"' in page and 'id="extension-approve"' not in page  # a handler cannot approve
    case = case_by_text(app, "王五")
    assert case.state == "accepted" and case.due_at == due and case.extension_request == "需要现场勘验"
    assert _notices(app) == 0
    assert handler.post(url + "/extension/approve", {}, token_from=url).status_code == 403
    again = handler.post(url + "/move", {"state": "extended", "reason": "再申请"}, token_from=url, follow_redirects=True)
    assert "已有延期申请" in " ".join(re.findall(r'class="flash error" role="status">([^<]*)<', again.get_data(as_text=True)))

    head = signed_in("head", "hrss")
    assert head.get("/console/").status_code == 200 and case.number in head.get("/console/").get_data(as_text=True)
    page = head.get(url).get_data(as_text=True)
    assert 'id="extension-approve"' in page and "需要现场勘验" in page
    response = head.post(url + "/extension/approve", {}, token_from=url, follow_redirects=True)
    assert "已批准延期" in _flash(response)
    case = case_by_text(app, "王五")
    assert case.state == "extended" and case.due_at == due + timedelta(days=30) and case.extension_request is None
    assert _notices(app) == 1
    with app.app_context():
        kinds = [e.kind for e in db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalars()]
    assert kinds.count("extension_requested") == 1 and kinds.count("extension_approved") == 1


def test_refused_extension_leaves_the_deadline(app, client, signed_in):
    case, url = _accepted_case(app, client, signed_in)
    due = case.due_at
    signed_in("handler", "hrss").post(url + "/move", {"state": "extended", "reason": "人手不足"}, token_from=url)
    head = signed_in("head", "hrss")
    response = head.post(url + "/extension/refuse", {}, token_from=url, follow_redirects=True)
    assert "未批准延期" in _flash(response)
    case = case_by_text(app, "王五")
    assert case.state == "accepted" and case.due_at == due and case.extension_request is None
    assert _notices(app) == 0


def test_head_of_another_unit_sees_nothing(app, client, signed_in):
    case, url = _accepted_case(app, client, signed_in)
    signed_in("handler", "hrss").post(url + "/move", {"state": "extended", "reason": "需要现场勘验"}, token_from=url)
    other = signed_in("head", "education")
    assert other.get(url).status_code == 404
    assert other.post(url + "/extension/approve", {}, token_from="/console/").status_code == 404
    assert case_by_text(app, "王五").extension_request == "需要现场勘验"
