"""Issue 13 item 11: the web chat speaks web (no SMS signature or "发:" wording, a bubble for
every message), and an optional phone, proven by an SMS code, brings notices by SMS and the
cases back after a cleared browser."""
from __future__ import annotations

import re

from sqlalchemy import select

from cases import services
from cases.outbox import dispatch
from models import Case, Contact, Message
from models.db import db

PETITION = "我叫赵强，石婆固镇王庄村的低保被取消了，家里老人生病没钱看"


def say(client, text: str) -> list[str]:
    response = client.post("/api/chat/messages", json={"text": text})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["replies"]


def test_every_message_gets_a_web_bubble_without_sms_wording(client):
    turns = [PETITION, "家里就老两口", "查询", "帮助", "谢谢", "asdfghjkl", "补充 还有医院的单子"]
    for text in turns:
        replies = say(client, text)
        assert replies, text  # a bubble for every message, the continuation too
        for reply in replies:
            assert "【延津信访】" not in reply and "发:" not in reply, (text, reply)
    assert "已加入" in say(client, "村里也没人来看")[0]


def test_page_has_busy_state_phone_form_and_privacy_notice(client):
    html = client.get("/chat").get_data(as_text=True)
    assert 'id="privacy"' in html and "隐私说明" in html and 'id="phone-form"' in html
    js = client.get("/chat/static/webchat.js").get_data(as_text=True)
    assert "aria-busy" in js and "发送中" in js and "disabled" in js


def _code(app, phone: str) -> str:
    with app.app_context():
        body = db.session.execute(select(Message.body).where(Message.kind == "verify_code", Message.address == phone)
                                  .order_by(Message.id.desc()).limit(1)).scalar_one()
    return re.search(r"\d{6}", body).group(0)


def test_verified_phone_gets_notices_by_sms_and_keeps_cases_after_a_cleared_browser(app, client):
    say(client, PETITION)
    response = client.post("/api/chat/phone", json={"phone": "138 0013 8000"})
    assert response.status_code == 200 and response.json["phone"] == "+86138****8000"
    with app.app_context():
        contact = db.session.execute(select(Contact).where(Contact.channel == "web")).scalar_one()
        stored = str(contact.dialogue)
        assert _code(app, "+8613800138000") not in stored  # kept only as a keyed hash
    assert client.post("/api/chat/phone/verify", json={"code": "000000" if _code(app, "+8613800138000") != "000000"
                                                       else "111111"}).status_code == 400
    assert client.post("/api/chat/phone/verify", json={"code": _code(app, "+8613800138000")}).json["verified"]
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        case.department = "civil_affairs"
        outbound = services.transition(case, "accepted", "user:o")
        db.session.commit()
        dispatch(outbound)
        sent = {(m.channel, m.address) for m in outbound}
        assert ("sms", "+8613800138000") in sent and any(channel == "web" for channel, _ in sent)
        sms = next(m for m in outbound if m.channel == "sms")
        assert sms.body.startswith("【延津信访】")  # SMS wording for the SMS copy
        number = case.number

    cleared = app.test_client()  # the same citizen, cookies gone
    assert cleared.get("/api/chat/cases").json == {"cases": []}
    assert cleared.post("/api/chat/phone", json={"phone": "13800138000"}).status_code == 200
    assert cleared.post("/api/chat/phone/verify", json={"code": _code(app, "+8613800138000")}).json["verified"]
    assert [c["number"] for c in cleared.get("/api/chat/cases").json["cases"]] == [number]
    assert any(m["text"] == PETITION for m in cleared.get("/api/chat/messages").json["messages"])
    assert client.get("/api/chat/cases").json == {"cases": []}  # the old browser no longer holds them


def test_codes_expire_limit_attempts_and_resends(app, client):
    assert client.post("/api/chat/phone", json={"phone": "12345"}).status_code == 400
    assert client.post("/api/chat/phone", json={"phone": ["x"]}).status_code == 400
    assert client.post("/api/chat/phone/verify", json={"code": "123456"}).status_code == 400  # none asked
    assert client.post("/api/chat/phone", json={"phone": "13900001111"}).status_code == 200
    assert client.post("/api/chat/phone", json={"phone": "13900001111"}).status_code == 429  # once a minute
    right = _code(app, "+8613900001111")
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert client.post("/api/chat/phone/verify", json={"code": wrong}).status_code == 400
    assert client.post("/api/chat/phone/verify", json={"code": right}).status_code == 429  # locked after 5
    with app.app_context():
        contact = db.session.execute(select(Contact).where(Contact.channel == "web")).scalar_one()
        assert contact.phone is None
        state = dict(contact.dialogue)
        state["phone_code"] = dict(state["phone_code"], attempts=0, expires="2000-01-01T00:00:00")
        contact.dialogue = state
        db.session.commit()
    assert client.post("/api/chat/phone/verify", json={"code": right}).status_code == 400  # expired
