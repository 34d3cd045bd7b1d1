"""交办 and 签收 (or 退回), 督办 and its report, 包案 and 回访, through the console."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from models import Case, CaseWorkflow, Message, Supervision, utcnow
from models.db import db
from tests.conftest import _empty_tables
from tests.console.console_helpers import Staff, make_case

UNIT, HEAD, BUREAU = "+8613900000011", "+8613900000012", "+8613900000013"
PHONES = dict(UNIT_PHONES={"hrss": [UNIT]}, UNIT_HEAD_PHONES={"hrss": [HEAD]}, BUREAU_PHONES=[BUREAU])


@pytest.fixture
def app(make_app):
    app = make_app(**PHONES)
    with app.app_context():
        _empty_tables()
    return app


def _flash(response) -> str:
    return " ".join(re.findall(r'class="flash[^"]*" role="status"[^>]*>([^<]*)<', response.get_data(as_text=True)))


def _staff_sms(app, phone: str) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(Message.body).where(Message.address == phone, Message.kind == "staff")
                                       .order_by(Message.id)).scalars())


def _events(app, case_id: int) -> list[str]:
    with app.app_context():
        return [e.kind for e in db.session.get(Case, case_id).events]


def _accepted(app, officer: Staff, number: str = "YJ2612010001") -> tuple[int, str]:
    case_id = make_case(app, number, needs_triage=False)
    url = f"/console/cases/{case_id}"
    response = officer.post(url + "/move", {"state": "accepted"}, token_from=url, follow_redirects=True)
    assert "已受理" in _flash(response)
    return case_id, url


def test_acceptance_hands_the_case_to_its_unit_which_signs_for_it(app, signed_in):
    officer, handler = signed_in("officer"), signed_in("handler", "hrss")
    case_id, url = _accepted(app, officer)
    [sms] = _staff_sms(app, UNIT)
    assert "交办" in sms and "YJ2612010001" in sms and "签收" in sms
    with app.app_context():
        flow = db.session.get(CaseWorkflow, case_id)
        assert flow.handed_to == "hrss" and flow.signed_at is None
        assert timedelta(days=2, hours=23) < flow.sign_due_at - flow.handed_at <= timedelta(days=3)
    page = handler.get(url).get_data(as_text=True)
    assert "待签收" in page and 'id="sign-form"' in page and "交办" in page  # the event is on the case page

    assert _flash(handler.post(url + "/sign", {}, token_from=url, follow_redirects=True)) == "已签收。"
    assert "已签收 ·" in handler.get(url).get_data(as_text=True)
    assert "没有待签收" in _flash(handler.post(url + "/sign", {}, token_from=url, follow_redirects=True))
    assert _events(app, case_id).count("signed") == 1 and "handed" in _events(app, case_id)


def test_wrong_unit_returns_the_case_and_the_bureau_hands_it_again(app, signed_in):
    officer, handler = signed_in("officer"), signed_in("handler", "hrss")
    case_id, url = _accepted(app, officer)
    assert "须写明理由" in _flash(handler.post(url + "/give-back", {"reason": " "}, token_from=url,
                                               follow_redirects=True))
    response = handler.post(url + "/give-back", {"reason": "不属本单位职责，应由民政局办理"}, token_from=url,
                            follow_redirects=True)
    assert "已退回" in _flash(response)
    board = officer.get("/console/workflow").get_data(as_text=True)
    returned = board.split('id="board-returned"')[1].split("</section>")[0]
    assert "YJ2612010001" in returned and "应由民政局办理" in returned

    officer.post(url + "/assign", {"department": "civil_affairs", "assignee": ""}, token_from=url)
    with app.app_context():
        flow = db.session.get(CaseWorkflow, case_id)
        assert (flow.handed_to, flow.returned_at) == ("civil_affairs", None)
    assert _events(app, case_id).count("handed") == 2
    assert handler.get(url).status_code == 404  # no longer hrss's case
    assert signed_in("handler", "civil_affairs").get(url).get_data(as_text=True).count('id="sign-form"') == 1


def test_unsigned_past_the_limit_shows_in_the_bureaus_queue(app, signed_in, staff):
    officer = signed_in("officer")
    _accepted(app, officer, "YJ2612010002")
    _accepted(app, officer, "YJ2612010003")
    signed = make_case(app, "YJ2612010004", needs_triage=False)
    url = f"/console/cases/{signed}"
    officer.post(url + "/move", {"state": "accepted"}, token_from=url)
    officer.post(url + "/sign", {}, token_from=url)  # the bureau may sign on a unit's behalf (paper receipt)
    assert "YJ2612010002" not in officer.get("/console/?queue=unsigned").get_data(as_text=True)

    with time_machine.travel(utcnow() + timedelta(days=3, hours=1), tick=False):
        later = Staff(app.test_client())
        later.login("officer_all")
        page = later.get("/console/?queue=unsigned").get_data(as_text=True)
    assert re.findall(r">(YJ\d{10})</a>", page) == ["YJ2612010002", "YJ2612010003"]
    assert re.search(r'id="tab-unsigned">超时未签收 <b class="count">2</b>', page)


def test_bureau_supervises_and_the_unit_reports(app, signed_in):
    officer, handler, leader = signed_in("officer"), signed_in("handler", "hrss"), signed_in("leader")
    case_id, url = _accepted(app, officer)
    due = (utcnow() + timedelta(days=5)).date()
    assert "早于今天" in _flash(leader.post(url + "/supervise", {"note": "x", "due_date": "2020-01-01"},
                                           token_from=url, follow_redirects=True))
    response = leader.post(url + "/supervise", {"note": "群众反映强烈，请五日内报告进展", "due_date": due.isoformat()},
                           token_from=url, follow_redirects=True)
    assert _flash(response) == "已发出督办。"
    assert any("群众反映强烈" in body for body in _staff_sms(app, UNIT))
    assert handler.post(url + "/supervise", {"note": "x", "due_date": due.isoformat()},
                        token_from=url).status_code == 403  # units do not supervise
    board = officer.get("/console/workflow").get_data(as_text=True)
    assert "YJ2612010001" in board.split('id="board-supervised"')[1].split("</section>")[0]

    with app.app_context():
        item_id = db.session.execute(select(Supervision.id)).scalar_one()
    response = handler.post(f"/console/supervisions/{item_id}/report", {"response": "已约谈企业，工资本周发放"},
                            token_from=url, follow_redirects=True)
    assert _flash(response) == "督办已回复。"
    page = officer.get(url).get_data(as_text=True)
    assert "已约谈企业" in page and "督办回复" in page
    assert "YJ2612010001" not in officer.get("/console/workflow").get_data(as_text=True).split(
        'id="board-supervised"')[1].split("</section>")[0]


def test_leader_takes_a_case_as_baoan_and_it_shows_everywhere(app, signed_in):
    officer, leader = signed_in("officer"), signed_in("leader")
    case_id, url = _accepted(app, officer)
    assert officer.post(url + "/package", {}, token_from=url).status_code == 403
    assert _flash(leader.post(url + "/package", {}, token_from=url, follow_redirects=True)) == "已包案。"
    assert 'id="package-badge">领导包案·leader_all' in officer.get(url).get_data(as_text=True)
    row = officer.get("/console/?queue=all").get_data(as_text=True).split("YJ2612010001")[1].split("</tr>")[0]
    assert "包案" in row
    assert "YJ2612010001" in officer.get("/console/workflow").get_data(as_text=True).split(
        'id="board-packaged"')[1].split("</section>")[0]


def test_closing_a_case_creates_a_callback_for_the_handler(app, signed_in):
    officer, handler = signed_in("officer"), signed_in("handler", "hrss")
    case_id, url = _accepted(app, officer)
    handler.post(url + "/move", {"state": "answered", "answer": "工资已发放"}, token_from=url)
    assert 'id="callback-form"' not in handler.get(url).get_data(as_text=True)
    officer.post(url + "/move", {"state": "closed", "note": "工资已足额发放，信访人认可"}, token_from=url)
    page = handler.get(url).get_data(as_text=True)
    assert 'id="callback-form"' in page and "回访期限" in page
    assert "YJ2612010001" in handler.get("/console/workflow").get_data(as_text=True).split(
        'id="board-callbacks"')[1].split("</section>")[0]
    assert "请选择回访结果" in _flash(handler.post(url + "/callback", {"result": "maybe"}, token_from=url,
                                                   follow_redirects=True))
    response = handler.post(url + "/callback", {"result": "unreachable", "note": "三次电话未接通"}, token_from=url,
                            follow_redirects=True)
    assert _flash(response) == "回访结果已记录。"
    assert re.search(r'id="callback-result">联系不上 · [^<]*：三次电话未接通', handler.get(url).get_data(as_text=True))
    assert "callback" in _events(app, case_id)


def test_workflow_actions_are_scoped_and_need_csrf(app, signed_in, client):
    officer = signed_in("officer")
    case_id, url = _accepted(app, officer)
    other = signed_in("handler", "civil_affairs")
    for action in ("sign", "give-back", "callback", "supervise"):
        assert other.post(f"{url}/{action}", {"reason": "x"}, token_from="/console/").status_code == 404
    assert officer.client.post(url + "/sign", data={}).status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.get(CaseWorkflow, case_id).signed_at is None
