"""Web chat: an anonymous per-browser identity that files petitions and sees only its own
cases; JSON only; CSP without inline script; hostile text stays text."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models.db import db
from models import Case, Contact, Message

PETITION = "我叫赵强，石婆固镇王庄村的低保被取消了，家里老人生病没钱看"


def say(client, text: str, **extra):
    return client.post("/api/chat/messages", json={"text": text, **extra})


def test_page_has_csp_without_inline_script(client):
    response = client.get("/chat")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    html = response.get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []   # no inline script at all
    assert not re.search(r"\son\w+\s*=", html)                        # no inline event handlers
    js = client.get("/chat/static/webchat.js")
    assert js.status_code == 200 and "innerHTML" not in js.get_data(as_text=True)


def test_a_browser_files_a_petition_and_sees_its_case(app, client):
    response = say(client, PETITION)
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    reply = response.json["replies"][0]
    cases = client.get("/api/chat/cases").json["cases"]
    assert len(cases) == 1 and cases[0]["number"] in reply and cases[0]["state_name"] == "已登记"
    thread = client.get("/api/chat/messages").json["messages"]
    assert thread[0] == {**thread[0], "from": "me", "text": PETITION} and thread[1]["from"] == "bureau"
    [status] = say(client, f"查询 {cases[0]['number']}").json["replies"]
    assert "已登记" in status
    with app.app_context():
        contact = db.session.execute(select(Contact)).scalar_one()
        assert contact.channel == "web" and contact.address.startswith("web:")
        assert response.headers["Set-Cookie"].split("=")[1].split(";")[0] not in contact.address


def test_another_browser_sees_nothing_of_it(app, client):
    say(client, PETITION)
    number = client.get("/api/chat/cases").json["cases"][0]["number"]
    stranger = app.test_client()
    assert stranger.get("/api/chat/cases").json == {"cases": []}
    assert stranger.get("/api/chat/messages").json == {"messages": []}
    [refused] = say(stranger, f"查询 {number}").json["replies"]
    assert "未查到" in refused
    forged = app.test_client()
    forged.set_cookie("chat_id", "A" * 43)
    assert forged.get("/api/chat/cases").json == {"cases": []}


def test_retried_client_id_is_answered_alike_and_stored_once(app, client):
    first = say(client, PETITION, client_id="abc-123").json
    second = say(client, PETITION, client_id="abc-123").json
    assert first == second
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Message)).scalar_one() == 1
        assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 1


@pytest.mark.parametrize("kwargs, code", [
    ({"data": "text=hi", "content_type": "application/x-www-form-urlencoded"}, 415),
    ({"data": "{not json", "content_type": "application/json"}, 400),
    ({"json": ["a list"]}, 400), ({"json": {"text": 5}}, 400), ({"json": {}}, 400),
    ({"json": {"text": "x" * 5001}}, 400), ({"json": {"text": "hi", "client_id": "../../etc"}}, 400),
    ({"json": {"text": "hi", "client_id": 7}}, 400),
])
def test_malformed_posts_are_4xx(client, kwargs, code):
    assert client.post("/api/chat/messages", **kwargs).status_code == code


def test_bad_after_parameter_is_400(client):
    assert client.get("/api/chat/messages?after=-1").status_code == 400
    assert client.get("/api/chat/messages?after=9" * 1).status_code == 200


def test_hostile_text_is_returned_as_json_text(client):
    hostile = "<img src=x onerror=alert(1)>东屯镇欠薪"
    say(client, hostile)
    response = client.get("/api/chat/messages")
    assert response.content_type == "application/json"
    assert response.json["messages"][0]["text"] == hostile


def test_notices_to_a_web_contact_appear_in_its_thread(app, client):
    from cases import services
    from cases.outbox import dispatch

    say(client, PETITION)
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        case.department = case.department or "civil_affairs"
        outbound = services.transition(case, "accepted", "user:test")
        db.session.commit()
        dispatch(outbound)
        assert db.session.execute(select(Message.state).where(Message.direction == "out")).scalar_one() == "sent"
    texts = [m["text"] for m in client.get("/api/chat/messages").json["messages"]]
    assert any("已受理" in text for text in texts)
