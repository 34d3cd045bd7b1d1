"""Issue 13: every turn of the conversation right. Each script plays through the signed
Twilio webhook (tests/test_conversation.play); the texts are the issue's and variants."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cases import services
from models import Case, CaseEvent, CaseState, Message
from models.db import db
from tests.conftest import Phone, _empty_tables
from tests.test_conversation import ALICE, BOB, Age, Check, Send, Staff, answer, cases, play


def events(kind: str) -> list[CaseEvent]:
    return list(db.session.execute(select(CaseEvent).where(CaseEvent.kind == kind)).scalars())


def pages() -> int:
    return db.session.execute(select(func.count()).where(Message.kind == "page")).scalar_one()


def accept(case: Case) -> list:
    case.department = case.department or "hrss"
    return services.transition(case, CaseState.ACCEPTED, "user:officer")


def answer_review(case: Case) -> list:
    return services.transition(case, CaseState.ANSWERED, "user:review", answer="维持原处理意见。")


def _notice(kind: str) -> str:
    return db.session.execute(select(Message.body).where(Message.kind == kind)
                              .order_by(Message.id.desc()).limit(1)).scalar_one()


def _last_notice() -> str:
    return _notice("notice_answered")


def answer_with_stop(case: Case) -> list:
    case.department = "hrss"
    return (services.transition(case, CaseState.ACCEPTED, "user:officer")
            + services.transition(case, CaseState.ANSWERED, "user:handler", answer="已督促企业发放。"))


SCRIPTS = {
    # 1. A new matter is a new case
    "after the question, another matter opens its own case and names both numbers": [
        Send("东屯镇建筑工地拖欠农民工工资三个月", has=["{n0}", "姓名"]),
        Age(timedelta(minutes=30)),
        Send("另外反映一件事：孩子在学校被老师打伤了", has=["{n1}", "{n0}", "前告知是否受理"]),
        Check(lambda: len(cases()) == 2 and "孩子" in cases()[1].text and "孩子" not in cases()[0].text),
        Check(lambda: cases()[1].due_at is not None and cases()[1].received_at > cases()[0].received_at),
        Send("我叫刘九，东屯镇", has=["已补充到{n1}"]),
        Check(lambda: cases()[1].citizen_name == "刘九" and cases()[0].citizen_name is None),
    ],
    "a full petition a few hours after the question is not taken as its answer": [
        Send("家门口的路灯坏了半年了，晚上黑", has=["{n0}", "姓名"]),
        Age(timedelta(hours=3)),
        Send("孩子在学校被老师打伤了，老师还不让孩子说出去", has=["{n1}", "{n0}"], lacks=["已补充"]),
        Check(lambda: len(cases()) == 2 and "老师" not in cases()[0].text),
    ],
    "还有一件事 within the story window opens its own case": [
        Send("我叫李四，王楼镇前进村的，俺家承包地被村里收回去了", has=["{n0}"]),
        Send("还有一件事，村里的路灯坏了半年没人修", has=["{n1}", "{n0}"]),
        Check(lambda: len(cases()) == 2 and "路灯" in cases()[1].text and "路灯" not in cases()[0].text),
    ],
    "a short reply still answers the question": [
        Send("家门口的路灯坏了半年了，晚上黑", has=["姓名和所在乡镇"]),
        Age(timedelta(hours=2)),
        Send("王五，塔铺街道王庄村", has=["已补充到{n0}"], replies=1),
        Check(lambda: len(cases()) == 1 and cases()[0].citizen_name == "王五"),
    ],
    "the repeat of an older matter is marked on both cases": [
        Send("我叫张三，东屯镇建筑工地拖欠农民工工资三个月", has=["{n0}"]),
        Age(timedelta(days=3)),
        Send("我叫张三，东屯镇建筑工地拖欠农民工工资三个月了还没给", has=["{n1}", "{n0}", "重复信访"]),
        Check(lambda: cases()[1].repeat_of_id == cases()[0].id and cases()[1].due_at is not None),
        Check(lambda: {e.case_id for e in events("repeat")} == {cases()[0].id, cases()[1].id}),
        Age(timedelta(days=1)),
        Send("我叫张三，马庄乡低保被取消了", has=["{n2}"], lacks=["重复信访"]),
        Check(lambda: cases()[2].repeat_of_id is None),
    ],
    # 2. Danger in any turn
    "a threat in the answer to the question pages and gets the safety reply": [
        Send("家门口的路灯坏了半年了，晚上黑", has=["{n0}"], lacks=["110"]),
        Send("王五，再不修我就从楼上跳下去", has=["110", "120", "值班人员", "已补充到{n0}"]),
        Check(lambda: cases()[0].urgent and pages() == 1),
    ],
    "a threat in a 补充 of an accepted case flags it and pages": [
        Send("我叫张三，东屯镇工地欠薪"),
        Staff(accept),
        Send("补充{n0} 老板再不给钱我就去他家门口喝药", has=["110", "已将补充内容加入{n0}"]),
        Check(lambda: cases()[0].urgent and pages() == 1 and cases()[0].state == "accepted"),
        Send("补充{n0} 老板姓王", lacks=["110"]),
        Check(lambda: pages() == 1),
    ],
    "a threat in a review request flags the case": [
        Send("我叫张三，东屯镇工地欠薪"),
        Staff(answer),
        Send("复查 {n0} 再不解决我就不想活了", has=["110", "复查申请"]),
        Check(lambda: cases()[0].urgent and pages() == 1),
    ],
    "a threat in a later part of one story gets the safety reply": [
        Send("我叫李四，王楼镇前进村，拆迁款一直不给", has=["{n0}"], lacks=["110"]),
        Send("俺明天就去县政府门口喝药，不想活了", has=["110", "值班人员"]),
        Check(lambda: cases()[0].urgent and pages() == 1),
    ],
    # 4. Traditional characters in commands
    "traditional 查詢, 補充, 幫助, 複查 are commands": [
        Send("我叫张三，东屯镇工地欠薪"),
        Send("查詢", has=["{n0}", "已登记"]),
        Send("幫助", has=["补充", "复查"]),
        Send("補充 {n0} 老闆跑了", has=["已将补充内容加入{n0}"]),
        Send("複查 {n0}", has=["尚未答复"]),
        Check(lambda: len(cases()) == 1 and "老板跑了" in cases()[0].text),
    ],
    "a supplement naming a case goes there or is refused, never elsewhere": [
        Send("我叫李四，马庄乡低保被取消", phone=BOB),
        Age(timedelta(minutes=10)),
        Send("我叫张三，东屯镇工地欠薪"),
        Send("補充 {n0} 我也要补充", has=["未查到"]),
        Send("补充 YJ9901010001 老板姓王", has=["未查到"]),
        Check(lambda: len(cases()) == 2 and "补充" not in cases()[0].text and "老板姓王" not in cases()[1].text),
    ],
    # 5. Garbage and emoji
    "garbage and emoji open no case and are answered as such": [
        Send("asdfghjkl;;;;", has=["没看懂"], replies=1),
        Send("zxcvbnm", has=["没看懂"]),
        Send("😀😀👍", has=["表情"], lacks=["为空"]),
        Check(lambda: len(cases()) == 0),
        Check(lambda: db.session.execute(select(func.count()).where(Message.body == "asdfghjkl;;;;")).scalar_one() == 1),
        Send("我叫张三，东屯镇工地欠薪"),
        Send("qwrtpsdf", has=["没看懂"]),
        Check(lambda: "qwrtpsdf" not in cases()[0].text),
    ],
    # 9. Names and places
    "names after 村民 and 家长 are taken": [
        Send("榆林乡中学乱收费每人三百", has=["姓名"]),
        Send("我是榆林乡后屯村村民赵六", has=["已补充到{n0}"], lacks=["姓名"]),
        Check(lambda: cases()[0].citizen_name == "赵六" and cases()[0].village == "后屯村"),
        Age(timedelta(days=1)),
        Send("我是家长刘九，榆林乡中学又收补课费", lacks=["姓名"]),
        Check(lambda: cases()[1].citizen_name == "刘九"),
    ],
    "我們村 is no village": [
        Send("我叫张三，我們村的路坏了半年", has=["所在乡镇"]),
        Check(lambda: cases()[0].village is None),
    ],
    # 10. Wording
    "help lists every command; thanks gets a close": [
        Send("帮助", has=["查询", "补充", "评价", "复查", "复核", "退订"]),
        Send("谢谢", has=["不客气"], lacks=["查询"]),
        Send("谢谢您", has=["不客气"]),
    ],
    "urgent acknowledgement keeps number, date and query hint": [
        Send("拆迁款不给，俺明天就去县政府门口喝药，不想活了",
             has=["110", "{n0}", "前告知是否受理", "查询{n0}", "值班人员"]),
    ],
    "staff text ending in 。 gets no 。。; 不予受理 其他 names the reason and where to turn": [
        Send("我叫张三，东屯镇工地欠薪"),
        Staff(answer_with_stop),
        Check(lambda: "已督促企业发放。回复1" in _last_notice() and "。。" not in _last_notice()),
        Age(timedelta(minutes=10)),
        Send("我叫张三，东屯镇邻居家的狗总叫"),
        Staff(lambda c: services.transition(c, CaseState.NOT_ACCEPTED, "user:o", route="other",
                                            reason="属民间纠纷，不属信访事项。")),
        Check(lambda: "原因：属民间纠纷，不属信访事项。如有疑问可向县信访局咨询" in _notice("notice_not_accepted")),
        Check(lambda: "。。" not in _notice("notice_not_accepted")),
    ],
    # 6. 复查 and 复核 (arts. 35-36)
    "复查 goes to the body above, 复核 after it, and its answer is final": [
        Send("我叫张三，东屯镇工地欠薪"),
        Send("复核 {n0}", has=["尚未答复"]),
        Staff(answer),
        Send("复核 {n0}", has=["须先申请复查"]),
        Send("复查 {n0}", has=["县人民政府复查复核办公室", "30日内"]),
        Check(lambda: cases()[0].state == "review" and cases()[0].department == "county_review"
              and cases()[0].review_round == 1),
        Send("查询 {n0}", has=["复查中", "复查期限"]),
        Staff(answer_review),
        Check(lambda: "复核" in _last_notice() and "复查意见" in _last_notice() and "。。" not in _last_notice()),
        Send("查询 {n0}", has=["可申请复核至"]),
        Send("复查 {n0}", has=["发:复核{n0}"]),
        Send("复核 {n0}", has=["新乡市人民政府复查复核办公室"]),
        Check(lambda: cases()[0].review_round == 2 and cases()[0].department == "city_review"),
        Send("查询 {n0}", has=["复核期限"]),
        Staff(answer_review),
        Check(lambda: "最终意见" in _last_notice() and "复查{n0}" not in _last_notice()),
        Check(lambda: cases()[0].due_at is None),
        Send("复核 {n0}", has=["最终意见"]),
        Check(lambda: cases()[0].state == "answered"),
    ],
    "复核 more than 30 days after the 复查 answer is refused": [
        Send("我叫张三，东屯镇工地欠薪"),
        Staff(answer),
        Send("复查 {n0}"),
        Staff(answer_review),
        Age(timedelta(days=31)),
        Send("复核{n0}", has=["超30日", "第36条"]),
    ],
}


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_turns(app, client, name):
    play(app, client, SCRIPTS[name], name)
