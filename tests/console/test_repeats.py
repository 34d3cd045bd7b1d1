"""Repeat and group petitions through the webhook (citizens) and the console (staff)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models.db import db
from models import Case, CaseGroup, Message
from tests.conftest import Phone, _empty_tables
from tests.console.console_helpers import case_by_text
from tests.repeats_set import BURSTS, CHAINS, FIVE_MATTERS

LEADERS = ["+8613900000101", "+8613900000102"]


@pytest.fixture
def app(make_app):
    app = make_app(LEADER_PHONES=LEADERS)
    with app.app_context():
        _empty_tables()
    return app


def _flash(response) -> str:
    return " ".join(re.findall(r'class="flash[^"]*" role="status">([^<]*)<', response.get_data(as_text=True)))


def _alerts(app) -> list[Message]:
    with app.app_context():
        return list(db.session.execute(select(Message).where(Message.kind == "group_alert")).scalars())


def _cases(app) -> list[Case]:
    with app.app_context():
        cases = list(db.session.execute(select(Case).order_by(Case.id)).scalars())
        db.session.expunge_all()
        return cases


def test_same_person_again_is_linked_and_not_reaccepting_is_proposed(app, client, signed_in):
    citizen = Phone(client, "+8613800002222")
    citizen.send("我叫李海燕，东屯镇前屯村的，村东头新建的养猪场臭气熏天，猪粪水直接排进村边的沟里。")
    first = case_by_text(app, "猪粪水直接排进")
    officer = signed_in("officer")
    url = f"/console/cases/{first.id}"
    officer.post(url + "/move", {"state": "accepted"}, token_from=url)
    officer.post(url + "/move", {"state": "answered", "answer": "已责令养殖场整改"}, token_from=url)
    assert "复查申请" in citizen.send(f"复查{first.number}")[0]
    officer.post(url + "/move", {"state": "answered", "answer": "复查维持原处理意见"}, token_from=url)

    citizen.send("我叫李海燕，东屯镇前屯村的，上次反映的养猪场还是老样子，粪水照样往沟里排，臭味一天比一天重。")
    again = case_by_text(app, "臭味一天比一天重")
    assert again.repeat_of_id == first.id and again.repeat_count == 1
    assert case_by_text(app, "猪粪水直接排进").repeat_count == 1  # counted on both cases

    page = officer.get(f"/console/cases/{again.id}").get_data(as_text=True)
    assert 'id="repeat-count"' in page and f">{first.number}</a>" in page
    assert "第三十六条" in page and 'value="no_reaccept"' in page  # proposed, not done
    assert case_by_text(app, "臭味一天比一天重").state == "registered"
    response = officer.post(f"/console/cases/{again.id}/move", {"state": "not_accepted", "route": "no_reaccept"},
                            token_from=f"/console/cases/{again.id}", follow_redirects=True)
    assert "不予受理" in _flash(response)
    with app.app_context():
        notice = db.session.execute(select(Message).where(Message.case_id == again.id, Message.direction == "out")
                                    .order_by(Message.id.desc())).scalars().first()
        assert "第三十六条" in notice.body


def test_same_person_with_a_new_matter_is_not_a_repeat(app, client, signed_in):
    citizen = Phone(client, "+8613800003333")
    citizen.send("我叫贺建国，东屯镇前屯村的，我家的地被邻居多占了两垄，找村里调解不管用。")
    first = case_by_text(app, "多占了两垄")
    officer = signed_in("officer")
    officer.post(f"/console/cases/{first.id}/move", {"state": "accepted"}, token_from=f"/console/cases/{first.id}")
    citizen.send("我叫贺建国，东屯镇前屯村的，我儿子在外打工受了工伤，工厂不给赔偿。")
    second = case_by_text(app, "受了工伤")
    assert second.repeat_of_id is None and second.repeat_count == 0
    assert 'id="repeats"' not in officer.get(f"/console/cases/{second.id}").get_data(as_text=True)


def test_five_neighbours_on_one_matter_form_one_group_with_one_alert(app, client, signed_in):
    place, facts = BURSTS[1]  # 僧固乡大庄村: the broken irrigation well
    for i, fact in enumerate(facts[:4]):
        Phone(client, f"+861380000410{i}").send(f"我叫周{'一二三四五六'[i]}林，{place}的，{fact}")
    assert not any(c.group_id for c in _cases(app)) and _alerts(app) == []  # four are not yet a group

    Phone(client, "+8613800004104").send(f"我叫周五林，{place}的，{facts[4]}")
    cases = _cases(app)
    assert len({c.group_id for c in cases}) == 1 and cases[0].group_id is not None
    alerts = _alerts(app)
    assert sorted(m.address for m in alerts) == LEADERS  # one alert per leader, not one per case
    assert "5人" in alerts[0].body and "周" not in alerts[0].body  # no petitioner's name in the page

    Phone(client, "+8613800004105").send(f"我叫周六林，{place}的，{facts[5]}")
    assert len({c.group_id for c in _cases(app)}) == 1 and len(_alerts(app)) == len(LEADERS)
    with app.app_context():
        assert db.session.execute(select(CaseGroup)).scalar_one().size == 6

    officer = signed_in("officer")
    queue = officer.get("/console/?queue=groups").get_data(as_text=True)
    assert all(c.number in queue for c in _cases(app))
    assert re.search(r'id="tab-groups">集体访 <b class="count">6<', queue)
    page = officer.get(f"/console/cases/{cases[0].id}").get_data(as_text=True)
    assert 'id="group-size">6 人<' in page and page.count('class="group-link"') == 5


def test_five_different_matters_in_one_township_form_no_group(app, client):
    place, facts = FIVE_MATTERS[0]
    for i, fact in enumerate(facts):
        Phone(client, f"+861380000500{i}").send(f"我叫孙{'一二三四五'[i]}民，{place}的，{fact}")
    cases = _cases(app)
    assert len(cases) == 5 and {c.township for c in cases} == {"shipogu"}
    assert not any(c.group_id or c.repeat_of_id for c in cases) and _alerts(app) == []


def test_a_letter_signed_by_many_is_a_group_of_its_size(app, client, signed_in):
    Phone(client, "+8613800006000").send(
        "我们司寨乡后街村王树林、李新民等32户村民联名反映：村里的扶贫资金被挪用修了村委会办公楼，要求公开账目。")
    [case] = _cases(app)
    with app.app_context():
        group = db.session.get(CaseGroup, case.group_id)
        assert group.kind == "joint" and group.size == 32
    assert len(_alerts(app)) == len(LEADERS) and "32人" in _alerts(app)[0].body
    page = signed_in("officer").get(f"/console/cases/{case.id}").get_data(as_text=True)
    assert 'id="group-size">32 人<' in page and "联名信" in page


def test_repeat_links_respect_the_handlers_scope(app, client, signed_in):
    """A handler sees the link to an earlier case only when that case is his unit's."""
    citizen = Phone(client, "+8613800007000")
    place, (told, again_told), _, _ = CHAINS[1]  # 王楼镇李庄村: the land compensation paid by half
    citizen.send(f"我叫张建华，{place}的，{told}")
    first = case_by_text(app, told)
    officer = signed_in("officer")
    url = f"/console/cases/{first.id}"
    officer.post(url + "/correct", {"issue_type": "land", "department": "natural_resources", "township": "wanglou"},
                 token_from=url)
    officer.post(url + "/move", {"state": "accepted"}, token_from=url)
    citizen.send(f"我叫张建华，{place}的，{again_told}")
    again = case_by_text(app, again_told)
    assert again.repeat_of_id == first.id
    with app.app_context():
        db.session.get(Case, again.id).department = "hrss"  # pretend it went to another unit
        db.session.commit()
    page = signed_in("handler", "hrss").get(f"/console/cases/{again.id}").get_data(as_text=True)
    assert "重复信访" in page and f">{first.number}</a>" not in page  # no link into another unit's case


def test_an_id_number_ties_petitions_from_two_phones(app, client):
    """No name, another phone: the 身份证号 written in both petitions is the same person."""
    id_number = "410726195304040038"
    Phone(client, "+8613800008000").send(f"僧固乡杨庄村，我是低保户，今年突然被取消了低保，一家老小没有收入。身份证号{id_number}")
    first = case_by_text(app, "突然被取消了低保")
    Phone(client, "+8613800008001").send(f"僧固乡杨庄村，被取消低保的事还没解决，我家真的困难。身份证号 {id_number}")
    again = case_by_text(app, "还没解决")
    assert again.repeat_of_id == first.id and again.id_digest == first.id_digest
    assert id_number not in (again.id_digest or "")
