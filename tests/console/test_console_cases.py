"""The main flows without a browser: triage, correct, accept, assign, answer, rating."""
from __future__ import annotations

import re

from sqlalchemy import select

from models.db import db
from models import Case, CaseEvent, Message, TrainingExample
from tests.conftest import Phone
from tests.console.console_helpers import case_by_text, make_case


def _flash(response) -> str:
    return " ".join(re.findall(r'class="flash[^"]*" role="status">([^<]*)<', response.get_data(as_text=True)))


def test_whole_lifecycle_from_the_console(app, client, signed_in):
    citizen = Phone(client, "+8613800001111")
    [ack] = citizen.send("我叫王五，东屯镇建筑工地拖欠农民工工资三个月了")
    case = case_by_text(app, "王五")
    assert case.number in ack
    officer = signed_in("officer")
    url = f"/console/cases/{case.id}"
    page = officer.get(url).get_data(as_text=True)
    assert "拖欠农民工工资" in page and "+8613800001111" in page  # officers see the full number

    response = officer.post(url + "/correct", {"issue_type": "labor", "department": "hrss", "township": "dongtun"},
                            token_from=url, follow_redirects=True)
    assert response.status_code == 200
    response = officer.post(url + "/move", {"state": "accepted"}, token_from=url, follow_redirects=True)
    assert "已受理" in _flash(response) and "已通知信访人" in _flash(response)
    officer.post(url + "/assign", {"department": "", "assignee": "李科长"}, token_from=url)
    handler = signed_in("handler", "hrss")
    response = handler.post(url + "/move", {"state": "answered", "answer": "工资已全额发放"}, token_from=url,
                            follow_redirects=True)
    assert "已答复" in _flash(response)
    assert citizen.send("1")[0].startswith("【延津信访】已记录您对")
    page = officer.get(url).get_data(as_text=True)
    assert 'id="rating">满意<' in page and "李科长" in page
    with app.app_context():
        case = db.session.get(Case, case.id)
        assert (case.state, case.rating, case.department, case.assignee) == ("answered", "satisfied", "hrss", "李科长")
        kinds = [(e.kind, e.actor) for e in case.events if e.user_id]
        assert ("state", "user:officer_all") in kinds and ("state", "user:handler_hrss") in kinds
        assert ("assigned", "user:officer_all") in kinds
        notices = db.session.execute(select(Message.kind).where(Message.case_id == case.id,
                                                                Message.direction == "out")).scalars().all()
        assert {"notice_accepted", "notice_answered"} <= set(notices)


def test_correction_becomes_a_training_example(app, signed_in):
    case_id = make_case(app, "YJ2611270001", issue_type="other", department="petition_bureau")
    officer = signed_in("officer")
    url = f"/console/cases/{case_id}"
    officer.post(url + "/correct", {"issue_type": "labor", "department": "hrss", "township": "dongtun",
                                    "urgent": "y"}, token_from=url)
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert (case.issue_type, case.urgent, case.needs_triage) == ("labor", True, False)
        [example] = db.session.execute(select(TrainingExample)).scalars().all()
        assert example.issue_type == "labor" and example.user_id is not None
        [event] = [e for e in case.events if e.kind == "corrected"]
        assert event.before == {"issue_type": "other", "department": "petition_bureau", "urgent": False}
        assert event.actor == "user:officer_all"


def test_illegal_transition_is_refused_with_a_clear_message(app, signed_in):
    case_id = make_case(app, "YJ2611270002")
    officer = signed_in("officer")
    url = f"/console/cases/{case_id}"
    response = officer.post(url + "/move", {"state": "closed", "note": "x"}, token_from=url, follow_redirects=True)
    assert "不能从「已登记」变为「已办结」" in _flash(response)
    response = officer.post(url + "/move", {"state": "not_accepted", "route": "other"}, token_from=url,
                            follow_redirects=True)
    assert "须写明理由" in _flash(response)
    with app.app_context():
        assert db.session.get(Case, case_id).state == "registered"


def test_handler_may_not_accept_and_leader_may_not_act(app, signed_in):
    case_id = make_case(app, "YJ2611270003")
    url = f"/console/cases/{case_id}"
    handler = signed_in("handler", "hrss")
    assert handler.post(url + "/move", {"state": "accepted"}, token_from=url).status_code == 403
    assert handler.post(url + "/correct", {"issue_type": "labor", "department": "hrss"}, token_from=url).status_code == 403
    leader = signed_in("leader")
    assert leader.get(url).status_code == 200
    for action in ("note", "reply", "move", "assign"):
        assert leader.post(f"{url}/{action}", {"text": "x", "state": "accepted"}, token_from=url).status_code == 403


def test_notes_replies_and_merge(app, signed_in):
    first = make_case(app, "YJ2611270004")
    second = make_case(app, "YJ2611270005", text="同一件事，东屯镇欠薪")
    officer = signed_in("officer")
    url = f"/console/cases/{second}"
    officer.post(url + "/note", {"text": "已电话联系"}, token_from=url)
    officer.post(url + "/reply", {"text": "请补充工地名称"}, token_from=url)
    response = officer.post(url + "/merge", {"into": "yj2611270004"}, token_from=url, follow_redirects=True)
    assert "已并入 YJ2611270004" in _flash(response)
    with app.app_context():
        merged = db.session.get(Case, second)
        assert merged.state == "merged" and merged.merged_into_id == first
        assert "同一件事" in db.session.get(Case, first).text
        reply = db.session.execute(select(Message).where(Message.kind == "staff_reply")).scalar_one()
        assert reply.body.endswith("请补充工地名称") and reply.state == "outbox"
        assert db.session.execute(select(CaseEvent).where(CaseEvent.kind == "note")).scalar_one().note == "已电话联系"


def test_thread_shows_messages_and_events_in_time_order(app, client, signed_in):
    citizen = Phone(client, "+8613800002222")
    citizen.send("马庄乡低保被取消了")
    case = case_by_text(app, "低保")
    citizen.send(f"补充 {case.number} 我叫赵六")
    page = signed_in("officer").get(f"/console/cases/{case.id}").get_data(as_text=True)
    assert page.index("马庄乡低保被取消了") < page.index("我叫赵六")
    assert "自动回复" in page and "机器分类" in page and "依据词" in page
