"""Whole conversations over the signed Twilio webhook, one table row a script: what the
citizen (or staff) does, what the reply must contain, what the database must hold."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

import pytest
from sqlalchemy import func, select

from cases import services
from cases.replies import segments, ucs2_units
from models.db import db
from models import Case, CaseState, Contact, Message
from tests.conftest import Phone

ALICE, BOB = "+8613800000001", "+8613800000002"


@dataclass
class Send:
    text: str
    has: list[str] = field(default_factory=list)      # every reply together must contain these
    lacks: list[str] = field(default_factory=list)
    replies: int | None = None                         # exact number of replies, when it matters
    phone: str = ALICE


@dataclass
class Staff:
    """A staff action on the newest case (or the case with index `which`)."""
    act: Callable[[Case], list]
    which: int = -1


@dataclass
class Age:
    """Let time pass: shift every stored moment back."""
    delta: timedelta


@dataclass
class Check:
    """Assert on the database."""
    test: Callable[[], bool]


def answer(case: Case) -> list:
    case.department = case.department or "hrss"
    return (services.transition(case, CaseState.ACCEPTED, "user:officer")
            + services.transition(case, CaseState.ANSWERED, "user:handler", answer="已督促企业发放"))


def cases() -> list[Case]:
    return list(db.session.execute(select(Case).order_by(Case.id)).scalars())


def contact(number: str = ALICE) -> Contact:
    return db.session.execute(select(Contact).where(Contact.address == number)).scalar_one()


SCRIPTS = {
    "petition gets number, clock and how to query": [
        Send("我叫张三，东屯镇建筑工地拖欠农民工工资三个月", has=["{n0}", "前告知是否受理", "查询"], replies=1),
        Check(lambda: len(cases()) == 1 and cases()[0].citizen_name == "张三"),
    ],
    "status list by 查询, 进度, CX and full width": [
        Send("我叫张三，东屯镇欠薪"),
        Send("查询", has=["{n0}", "已登记"]),
        Send("进度", has=["{n0}"]),
        Send("CX", has=["{n0}"]),
        Send("ＣＸ", has=["{n0}"]),
        Send("查询", phone=BOB, has=["未查到"], lacks=["{n0}"]),
    ],
    "status of one case in any width and spacing, only to its phone": [
        Send("我叫张三，东屯镇欠薪"),
        Send("查询：{n0l}", has=["{n0}", "已登记", "受理告知截止"]),
        Send("{n0sp}", has=["{n0}", "已登记"]),
        Send("查询{n0fw}", has=["{n0}", "已登记"]),
        Send("查询 {n0}", phone=BOB, has=["未查到"], lacks=["已登记"]),
    ],
    "status after acceptance names the unit and the 60-day deadline": [
        Send("我叫张三，东屯镇欠薪"),
        Staff(lambda c: setattr(c, "department", "hrss") or services.transition(c, CaseState.ACCEPTED, "user:o")),
        Send("查询 {n0}", has=["已受理", "人力资源和社会保障局", "办理期限"]),
    ],
    "supplement with number joins the case": [
        Send("我叫张三，东屯镇欠薪"),
        Send("补充{n0} 老板姓王，电话打不通", has=["已将补充内容加入{n0}"]),
        Check(lambda: "老板姓王" in cases()[0].text and len(cases()) == 1),
    ],
    "supplement without number: one open case takes it, several ask which": [
        Send("我叫张三，东屯镇欠薪"),
        Send("补充 欠了三万二", has=["{n0}"]),
        Age(timedelta(minutes=10)),
        Send("我叫张三，马庄乡低保被取消"),
        Send("补充 还有一件事", has=["请注明编号"]),
        Check(lambda: "欠了三万二" in cases()[0].text and "还有一件事" not in cases()[1].text),
    ],
    "several SMS of one story make one case, no second number": [
        Send("我叫李四，王楼镇前进村的，俺家承包地", has=["{n0}"]),
        Send("被村里收回去给了别人", replies=0),
        Send("也没有补偿，找了好几回没人管", replies=0),
        Check(lambda: len(cases()) == 1 and "没人管" in cases()[0].text),
        Age(timedelta(minutes=6)),
        Send("另外村里路灯坏了半年", has=["{n1}"]),
        Check(lambda: len(cases()) == 2),
    ],
    "missing details get one question; the answer fills the case": [
        Send("家门口的路灯坏了半年了晚上黑", has=["{n0}", "姓名和所在乡镇"], replies=2),
        Send("王五，塔铺街道王庄村", has=["已补充到{n0}"], replies=1),
        Check(lambda: len(cases()) == 1 and cases()[0].township == "tapu" and cases()[0].citizen_name == "王五"
              and cases()[0].village == "王庄村"),
        Send("又停电了", replies=0),  # within the thread window: joins silently, no new question
        Check(lambda: len(cases()) == 1 and "又停电了" in cases()[0].text),
    ],
    "one question per message: name only when the place is given": [
        Send("榆林乡中学乱收费每人三百", has=["姓名"], lacks=["乡镇"], replies=2),
        Send("我叫赵六", has=["已补充"], replies=1),
        Check(lambda: cases()[0].citizen_name == "赵六"),
    ],
    "ratings 1/2/3 and words after an answer; 不满意 flags for a supervisor": [
        Send("我叫张三，东屯镇欠薪"),
        Send("满意", has=["暂无待评价"]),
        Staff(answer),
        Send("3", has=["不满意", "督查"]),
        Check(lambda: cases()[0].rating == "unsatisfied" and cases()[0].flagged),
        Send("基本满意", has=["基本满意"]),
        Send("1", has=["满意"]),
        Check(lambda: cases()[0].rating == "satisfied"),
    ],
    "rating with several answered cases asks which, then binds by number": [
        Send("我叫张三，东屯镇欠薪"),
        Age(timedelta(minutes=10)),
        Send("我叫张三，马庄乡低保被取消"),
        Staff(answer, which=0),
        Staff(answer, which=1),
        Send("满意", has=["请注明编号"]),
        Check(lambda: all(c.rating is None for c in cases())),
        Send("不满意 {n0}", has=["{n0}"]),
        Check(lambda: cases()[0].rating == "unsatisfied" and cases()[1].rating is None),
    ],
    "review within 30 days opens a review; later it is refused": [
        Send("我叫张三，东屯镇欠薪"),
        Send("复查 {n0}", has=["尚未答复"]),
        Staff(answer),
        Send("复查 {n0}", has=["已收到对{n0}的复查申请"]),
        Check(lambda: cases()[0].state == "review"),
    ],
    "review after 30 days is refused politely": [
        Send("我叫张三，东屯镇欠薪"),
        Staff(answer),
        Age(timedelta(days=31)),
        Send("复查{n0}", has=["超30日"]),
        Check(lambda: cases()[0].state == "answered"),
    ],
    "help in Chinese and English": [
        Send("帮助", has=["查询"]),
        Send("HELP", has=["查询"]),
        Send("?", has=["查询"]),
        Check(lambda: len(cases()) == 0),
    ],
    "opt-out keeps answers but stops notices; opt-in restores": [
        Send("我叫张三，东屯镇欠薪"),
        Send("退订", has=["已退订"]),
        Check(lambda: contact().opted_out),
        Send("查询", has=["{n0}"]),  # answers to their own messages still go
        Staff(lambda c: setattr(c, "department", "hrss") or services.transition(c, CaseState.ACCEPTED, "user:o")),
        Check(lambda: db.session.execute(select(Message.state).where(Message.kind == "notice_accepted")).scalar_one()
              == "suppressed"),
        Send("START", has=["已恢复订阅"]),
        Check(lambda: not contact().opted_out),
    ],
    "every opt-out word": [
        Send("TD", has=["已退订"]), Send("STOP", has=["已退订"]), Send("unsubscribe", has=["已退订"]),
        Send("订阅", has=["已恢复"]),
    ],
    "greetings and thanks open no case": [
        Send("你好", has=["直接发送"]), Send("谢谢", has=["直接发送"]),
        Check(lambda: len(cases()) == 0),
    ],
    "urgent content names 110/120 and pages the on-duty officer": [
        Send("拆迁款不给，俺明天就去县政府门口喝药，不想活了", has=["110", "120", "{n0}"]),
        Check(lambda: cases()[0].urgent),
        Check(lambda: db.session.execute(select(Message).where(Message.kind == "page")).scalar_one().address
              == "+8613900000001"),
    ],
}


def _expand(text: str, numbers: list[str]) -> str:
    for i, n in enumerate(numbers):
        text = (text.replace(f"{{n{i}l}}", n.lower()).replace(f"{{n{i}sp}}", f"{n[:2]} {n[2:8]}-{n[8:]}")
                .replace(f"{{n{i}fw}}", "".join(chr(ord(ch) + 0xFEE0) for ch in n)).replace(f"{{n{i}}}", n))
    return text


def _age(delta: timedelta) -> None:
    from datetime import datetime

    for c in db.session.execute(select(Contact)).scalars():
        state = {}
        for key, value in (c.dialogue or {}).items():
            value = dict(value)
            for stamp in ("at", "since"):
                if stamp in value:
                    value[stamp] = (datetime.fromisoformat(value[stamp]) - delta).isoformat()
            state[key] = value
        c.dialogue = state
    for case in db.session.execute(select(Case)).scalars():
        for stamp in ("received_at", "accepted_at", "answered_at"):
            if getattr(case, stamp):
                setattr(case, stamp, getattr(case, stamp) - delta)
    db.session.execute(Message.__table__.update().values(created_at=Message.created_at - delta))
    db.session.commit()


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_conversation(app, client, name):
    from cases.outbox import dispatch

    phones = {ALICE: Phone(client, ALICE), BOB: Phone(client, BOB)}
    for step in SCRIPTS[name]:
        with app.app_context():
            numbers = [c.number for c in cases()]
        if isinstance(step, Send):
            replies = phones[step.phone].send(_expand(step.text, numbers))
            with app.app_context():
                numbers = [c.number for c in cases()]
            joined = "\n".join(replies)
            for reply in replies:
                assert reply.startswith("【延津信访】") and segments(reply) <= 3, reply
            for want in step.has:
                assert _expand(want, numbers) in joined, (step.text, joined)
            for unwanted in step.lacks:
                assert _expand(unwanted, numbers) not in joined, (step.text, joined)
            if step.replies is not None:
                assert len(replies) == step.replies, (step.text, replies)
        elif isinstance(step, Staff):
            with app.app_context():
                outbound = step.act(cases()[step.which])
                db.session.commit()
                dispatch(outbound or [])
        elif isinstance(step, Age):
            with app.app_context():
                _age(step.delta)
        else:
            with app.app_context():
                assert step.test(), name


def test_acknowledgement_and_status_fit_one_segment(app, phone):
    replies = phone.send("我叫欧阳建国，石婆固镇西街社区门口下水道堵塞污水横流好几天了")
    assert ucs2_units(replies[0]) <= 70
    with app.app_context():
        number = cases()[0].number
        case = cases()[0]
        case.department, case.township = "township_gov", "shipogu"
        services.transition(case, CaseState.ACCEPTED, "user:o")
        db.session.commit()
    [status] = phone.send(f"查询 {number}")
    assert ucs2_units(status) <= 70 and "石婆固镇政府" in status


def test_flood_gets_one_notice_and_every_message_is_kept(make_app):
    app = make_app(FLOOD_LIMIT=5)
    with app.app_context():
        from tests.conftest import _empty_tables
        _empty_tables()
    phone = Phone(app.test_client())
    answers = [phone.send(f"查询{i}" if i % 2 else "帮助") for i in range(9)]
    notices = [a for a in answers if any("发送较多" in r for r in a)]
    assert len(notices) == 1 and answers[5] == notices[0]
    assert answers[6:] == [[], [], []]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Message)).scalar_one() == 9
        assert db.session.execute(select(func.count()).where(Message.state == "processed")).scalar_one() == 9


def test_english_templates(make_app):
    app = make_app(LANGUAGE="en")
    with app.app_context():
        from tests.conftest import _empty_tables
        _empty_tables()
    phone = Phone(app.test_client())
    [help_text] = phone.send("HELP")
    assert help_text.startswith("[Yanjin Petitions]") and "CX" in help_text
    ack = phone.send("My name is Wang, 东屯镇 unpaid wages")[0]
    assert "case YJ" in ack


def test_simultaneous_parts_of_one_story_make_one_case(app, client):
    """Two SMS of one sender processed at once: the contact's row lock lets one open the
    case and the other join it."""
    phone = Phone(client, "+8613800000077")
    forms = [phone.form("我叫孙七，司寨乡拖欠土地流转费"), phone.form("三年没给了，村里说没钱")]
    results = []

    def post(form):
        with app.test_client() as own:
            results.append(Phone(own, phone.number).post(form).status_code)

    threads = [threading.Thread(target=post, args=(f,)) for f in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200, 200]
    with app.app_context():
        assert len(cases()) == 1 and "没钱" in cases()[0].text and "土地流转费" in cases()[0].text
