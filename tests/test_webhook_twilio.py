"""The Twilio webhook: signatures, durable storage, retries, TwiML, bad input."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cases.replies import segments, ucs2_units
from models.db import db
from models import Case, CaseEvent, Contact, Message
from tests.conftest import BASE_URL, Phone, replies_of, sign

PETITION = "马庄乡小周庄村欠俺家修村委大院的工程款三万六，欠了六年了"


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_petition_creates_case_and_acknowledges_with_number(app, phone):
    reply, question = phone.send(PETITION)
    assert "姓名" in question  # the place is given, the name is not
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.number in reply
        assert reply.startswith("【延津信访】")
        assert ucs2_units(reply) <= 70 and segments(reply) == 1
        assert case.number.startswith("YJ") and len(case.number) == 12 and case.number[2:].isdigit()
        assert case.state == "registered"
        assert (case.due_at - case.received_at).days == 15
        assert case.text == PETITION
        message = db.session.execute(select(Message)).scalar_one()
        assert message.case_id == case.id and message.state == "processed"
        assert "MessageSid" in message.raw and message.replies == [reply, question]
        assert [e.kind for e in case.events][0] == "created"


def test_case_is_classified_inline_without_redis(app, phone):
    phone.send(PETITION)
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.classified_at is not None and case.model_version
        assert case.township == "mazhuang"
        assert case.issue_type is not None and 0 <= case.issue_type_confidence <= 1
        assert any(e.kind == "classified" for e in case.events)


def test_numbers_follow_a_daily_sequence(app, client):
    numbers = []
    for i in range(3):
        replies = Phone(client, f"+861380000000{i}").send(f"东屯镇路灯坏了第{i}回")
        numbers.append(replies[0])
    with app.app_context():
        cases = db.session.execute(select(Case).order_by(Case.id)).scalars().all()
        seqs = [int(c.number[-4:]) for c in cases]
        assert seqs == [1, 2, 3]
        assert len({c.number[2:8] for c in cases}) == 1


def test_forged_signature_is_refused_and_nothing_stored(app, phone):
    form = phone.form(PETITION)
    response = phone.post(form, signature=sign(BASE_URL + "/webhooks/twilio", form, "wrong-token"))
    assert response.status_code == 403
    response = phone.post(form, signature="")
    assert response.status_code == 403
    tampered = dict(form, Body="改过的内容")
    response = phone.post(tampered, signature=sign(BASE_URL + "/webhooks/twilio", form))
    assert response.status_code == 403
    with app.app_context():
        assert count(Message) == 0 and count(Case) == 0


def test_signature_is_checked_against_public_base_url(app, phone):
    """Behind a proxy the app sees http://localhost; Twilio signed the public URL."""
    form = phone.form(PETITION)
    local = sign("http://localhost/webhooks/twilio", form)
    assert phone.post(form, signature=local).status_code == 403
    assert phone.post(form).status_code == 200


def test_no_token_means_no_signature_check(make_app):
    app = make_app(TWILIO_AUTH_TOKEN=None)
    phone = Phone(app.test_client())
    response = phone.post(phone.form("帮助"), signature="anything")
    assert response.status_code == 200


def test_retried_delivery_gets_same_answer_and_changes_nothing(app, phone):
    form = phone.form(PETITION)
    first = phone.post(form)
    second = phone.post(form)
    assert first.status_code == second.status_code == 200
    assert replies_of(first) == replies_of(second) and replies_of(first)
    with app.app_context():
        assert count(Message) == 1 and count(Case) == 1 and count(Contact) == 1
        assert count(CaseEvent) == 2  # created + classified, once


def test_status_query_lists_and_details_only_own_cases(app, client):
    alice, bob = Phone(client, "+8613800000001"), Phone(client, "+8613800000002")
    alice.send("我叫王芳，胙城乡学校乱收费，每个学生多收三百")
    with app.app_context():
        number = db.session.execute(select(Case.number)).scalar_one()
    [listing] = alice.send("查询")
    assert number in listing and "已登记" in listing
    for query in (f"查询 {number}", f"查询：{number.lower()}", f"cx {number[:2]} {number[2:8]}-{number[8:]}",
                  number, f"查询{number[2:]}", "查询" + "".join(chr(ord(c) + 0xFEE0) for c in number)):
        [detail] = alice.send(query)
        assert number in detail and "已登记" in detail and "月" in detail, query
        assert ucs2_units(detail) <= 70
    [refused] = bob.send(f"查询 {number}")
    assert "已登记" not in refused and "未查到" in refused
    [nothing] = bob.send("查询")
    assert number not in nothing


def test_help_explains_petition_and_query(phone):
    [reply] = phone.send("帮助")
    assert "查询" in reply and reply.startswith("【延津信访】")
    assert phone.send("HELP") == [reply]
    assert phone.send("？") == [reply]


def test_mms_media_urls_are_kept(app, phone):
    phone.send("房子墙裂了看图", NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1",
               MediaContentType0="image/jpeg")
    with app.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        assert message.media == [{"url": "https://api.twilio.com/media/ME1", "content_type": "image/jpeg"}]


def test_whatsapp_address_is_its_own_channel(app, client):
    Phone(client, "whatsapp:+8613800000009").send("塔铺街道排水沟堵了")
    with app.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        assert message.channel == "whatsapp" and message.address == "whatsapp:+8613800000009"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"] == "ok"


def test_root_leads_to_the_console(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/")


def test_simultaneous_retries_store_once_and_answer_alike(app, client):
    """Twilio may retry while the first delivery is still being processed: both get the
    same answer, one message and one case are stored."""
    import threading

    phone = Phone(client, "+8613800000088")
    form = phone.form("我叫周八，僧固乡养殖场臭气熏天")
    answers = []

    def post():
        with app.test_client() as own:
            response = Phone(own, phone.number).post(form)
            answers.append((response.status_code, replies_of(response)))

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a[0] for a in answers] == [200, 200, 200]
    assert answers[0][1] and answers[0][1] == answers[1][1] == answers[2][1]
    with app.app_context():
        assert count(Message) == 1 and count(Case) == 1
