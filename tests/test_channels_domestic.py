"""Mainland SMS providers: Tencent Cloud and Alibaba Cloud. Callbacks are posted in the
providers' documented shapes to the secret path; sending goes through their official SDKs
against a local fake of each provider's API (tests/fakes_channels.py)."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from cases.outbox import queue_message
from config import ConfigError, load_settings
from config.data import DataError
from models import Case, Contact, Message
from models.db import db

SECRET = "cb-secret-0123456789abcdef"
PETITION = "我叫王五，东屯镇建筑工地拖欠农民工工资三个月了"


def domestic_app(make_app, fake, provider: str, **extra):
    keys = {"tencent": {"TENCENT_SECRET_ID": "AKIDtest", "TENCENT_SECRET_KEY": "tc-key", "TENCENT_SMS_APP_ID": "1400000001",
                        "TENCENT_SMS_ENDPOINT": fake.url if fake else None},
            "aliyun": {"ALIYUN_ACCESS_KEY_ID": "LTAItest", "ALIYUN_ACCESS_KEY_SECRET": "ali-key",
                       "ALIYUN_SMS_ENDPOINT": fake.url if fake else None}}[provider]
    settings = {"SMS_PROVIDER": provider, "SMS_CALLBACK_SECRET": SECRET, "SMS_CALLBACK_ALLOW": [], "SEND_TIMEOUT": 5.0}
    app = make_app(**{**settings, **keys, **extra})
    with app.app_context():
        from tests.conftest import _empty_tables
        _empty_tables()
    return app


def tencent_up(mobile="13800000000", text=PETITION, when=None) -> dict:
    return {"extend": "", "mobile": mobile, "nationcode": "86", "sign": "延津信访", "text": text,
            "time": when or int(time.time())}


def aliyun_up(*rows) -> list[dict]:
    return [{"phone_number": phone, "content": text, "send_time": "2026-12-02 09:15:00", "sign_name": "延津信访",
             "dest_code": "1234", "sequence_id": seq} for seq, phone, text in rows]


def outbound(app, address="+8613800000000") -> list[Message]:
    with app.app_context():
        rows = db.session.execute(select(Message).where(Message.direction == "out", Message.address == address)
                                  .order_by(Message.id)).scalars().all()
        db.session.expunge_all()
        return rows


# --- inbound -------------------------------------------------------------------------------

def test_tencent_petition_is_stored_answered_by_template_and_deduplicated(make_app, fake):
    app = domestic_app(make_app, fake, "tencent")
    client = app.test_client()
    payload = tencent_up()
    response = client.post(f"/webhooks/tencent/{SECRET}", json=payload)
    assert response.status_code == 200 and response.get_json() == {"result": 0, "errmsg": "OK"}
    again = client.post(f"/webhooks/tencent/{SECRET}", json=payload)   # Tencent's retry
    assert again.get_json() == {"result": 0, "errmsg": "OK"}
    with app.app_context():
        [case] = db.session.execute(select(Case)).scalars().all()
        number = case.number
    [reply] = outbound(app)
    assert reply.template["key"] == "ack" and reply.state == "sent" and reply.provider_id.startswith("2433:")
    assert reply.body.startswith("【延津信访】已收到您的信访，编号" + number)
    [sent] = fake.tencent_sent()
    assert sent["PhoneNumberSet"] == ["+8613800000000"] and sent["SmsSdkAppId"] == "1400000001"
    assert sent["SignName"] == "延津信访" and sent["TemplateId"] == "2000001"
    assert sent["TemplateParamSet"][0] == number and sent["SessionContext"] == str(reply.id)
    assert fake.requests[-1]["authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")


def test_aliyun_batch_push_opens_one_case_per_message_and_ignores_its_retry(make_app, fake):
    app = domestic_app(make_app, fake, "aliyun")
    client = app.test_client()
    batch = aliyun_up((1001, "13800000001", PETITION), (1002, "13800000002", "马庄乡小学门口的路灯坏了一个月了 我叫赵六"))
    response = client.post(f"/webhooks/aliyun/{SECRET}", json=batch)
    assert response.status_code == 200 and response.get_json() == {"code": 0, "msg": "接收成功"}
    client.post(f"/webhooks/aliyun/{SECRET}", json=batch)   # retried after 1 minute
    with app.app_context():
        assert db.session.execute(select(Case)).scalars().all().__len__() == 2
        assert {m.provider_id for m in db.session.execute(select(Message).where(Message.direction == "in")).scalars()} \
            == {"ali-1001", "ali-1002"}
    sent = fake.aliyun_sent()
    assert sorted(s["PhoneNumbers"] for s in sent) == ["13800000001", "13800000002"]
    first = next(s for s in sent if s["PhoneNumbers"] == "13800000001")
    assert first["SignName"] == "延津信访" and first["TemplateCode"] == "SMS_200000001"
    params = json.loads(first["TemplateParam"])
    assert set(params) == {"number", "deadline"} and params["number"].startswith("YJ")
    [reply] = outbound(app, "+8613800000001")
    assert first["OutId"] == str(reply.id) and reply.state == "sent"


@pytest.mark.parametrize("path, kwargs, code", [
    (f"/webhooks/tencent/{SECRET}x", {"json": tencent_up()}, 403),          # wrong secret
    ("/webhooks/tencent/short", {"json": tencent_up()}, 403),
    ("/webhooks/tencent", {"json": tencent_up()}, 403),                        # no secret at all
    (f"/webhooks/tencent/{SECRET}", {"data": "not json", "content_type": "application/json"}, 400),
    (f"/webhooks/tencent/{SECRET}", {"json": {"text": "没有号码"}}, 400),
    (f"/webhooks/tencent/{SECRET}", {"json": []}, 400),
    (f"/webhooks/tencent/{SECRET}", {"json": tencent_up(mobile="13800000000; DROP TABLE")}, 400),
    (f"/webhooks/tencent/{SECRET}", {"data": "mobile=1", "content_type": "application/x-www-form-urlencoded"}, 415),
    (f"/webhooks/aliyun/{SECRET}", {"json": [{"phone_number": "13800000000", "content": "无序号"}]}, 400),
    (f"/webhooks/aliyun/{SECRET}", {"json": [1, 2]}, 400),
    (f"/webhooks/aliyun/{SECRET}/status", {"json": [{"biz_id": "1", "success": "yes"}]}, 400),
])
def test_forged_and_malformed_callbacks_get_a_clear_4xx(make_app, path, kwargs, code):
    provider = path.split("/")[2]
    app = domestic_app(make_app, None, provider)
    response = app.test_client().post(path, **kwargs)
    assert response.status_code == code
    with app.app_context():
        assert db.session.execute(select(Case)).first() is None


def test_the_address_allow_list_refuses_other_callers(make_app):
    app = domestic_app(make_app, None, "tencent", SMS_CALLBACK_ALLOW=["10.8.0.0/16"])
    client = app.test_client()
    refused = client.post(f"/webhooks/tencent/{SECRET}", json=tencent_up())   # from 127.0.0.1
    allowed = client.post(f"/webhooks/tencent/{SECRET}", json=tencent_up(when=1),
                          environ_base={"REMOTE_ADDR": "10.8.3.4"})
    assert refused.status_code == 403 and allowed.status_code == 200


# --- sending and errors -------------------------------------------------------------------

def queue_notice(app, key="notice_accepted", text=None):
    """One unsolicited notice to a citizen, rendered from its template, then sent."""
    from cases.outbox import dispatch
    from cases.replies import Replies

    with app.app_context():
        contact = db.session.execute(select(Contact).where(Contact.address == "+8613800000000")).scalar_one_or_none()
        if contact is None:
            contact = Contact(channel="sms", address="+8613800000000", dialogue={}, opted_out=False)
            db.session.add(contact)
        body = text or Replies(app.extensions["templates"]).render(key, number="YJ2612020001", unit="县人力资源和社会保障局",
                                                                    deadline="1月1日")
        message = queue_message(contact.address, "sms", body, "notice", contact=contact, unsolicited=True)
        db.session.commit()
        dispatch([message])
        return message.id


def state(app, message_id):
    with app.app_context():
        message = db.session.get(Message, message_id)
        return message.state, message.error, message.next_attempt_at, message.contact.opted_out


@pytest.mark.parametrize("provider, script, expected, opted_out", [
    ("tencent", {"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "单个手机号日下发短信条数超过设定的上限"}, "queued", False),
    ("tencent", {"Code": "FailedOperation.PhoneNumberInBlacklist", "Message": "手机号在免打扰名单库中"}, "failed", True),
    ("tencent", {"Code": "InvalidParameterValue.IncorrectPhoneNumber", "Message": "手机号格式错误"}, "failed", False),
    ("aliyun", {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发号码天级流控"}, "queued", False),
    ("aliyun", {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}, "failed", False),
    ("aliyun", {"Code": "isv.AMOUNT_NOT_ENOUGH", "Message": "账户余额不足"}, "queued", False),
])
def test_provider_errors_map_to_retry_fail_or_opt_out(make_app, fake, provider, script, expected, opted_out):
    app = domestic_app(make_app, fake, provider)
    getattr(fake, f"{provider}_script").append(script)
    message_id = queue_notice(app)
    got, error, next_attempt, contact_out = state(app, message_id)
    assert got == expected and script["Code"] in error
    if expected == "queued":   # a temporary error: back in the queue, due later
        from models import utcnow
        assert next_attempt > utcnow()
    assert contact_out is opted_out


def test_free_text_never_goes_out_by_a_template_provider(make_app, fake):
    app = domestic_app(make_app, fake, "tencent")
    message_id = queue_notice(app, text="【延津信访】您好，请明天上午带身份证到信访局面谈。")
    got, error, _, _ = state(app, message_id)
    assert got == "failed" and "only approved templates" in error
    assert fake.tencent_sent() == []


def test_long_parameters_are_shortened_to_the_provider_limit(make_app, fake):
    app = domestic_app(make_app, fake, "aliyun")
    from cases.replies import Replies

    with app.app_context():
        body = Replies(app.extensions["templates"]).render("notice_extended", number="YJ2612020001", deadline="2月1日",
                                                           reason="需要调取十年前的土地承包合同原件，并会同自然资源局、农业农村局和乡政府三个部门到现场勘测边界")
    queue_notice(app, text=body)
    [sent] = fake.aliyun_sent()
    reason = json.loads(sent["TemplateParam"])["reason"]
    assert len(reason) == 35 and reason.endswith("…")


# --- delivery reports --------------------------------------------------------------------

def test_tencent_reports_several_per_request(make_app, fake):
    app = domestic_app(make_app, fake, "tencent")
    first, second = queue_notice(app), queue_notice(app, key="notice_accepted")
    with app.app_context():
        sids = [db.session.get(Message, m).provider_id for m in (first, second)]
    report = [{"user_receive_time": "2026-12-02 09:20:00", "nationcode": "86", "mobile": "13800000000",
               "report_status": "SUCCESS", "errmsg": "DELIVRD", "description": "用户短信送达成功", "sid": sids[0]},
              {"user_receive_time": "2026-12-02 09:20:01", "nationcode": "86", "mobile": "13800000000",
               "report_status": "FAIL", "errmsg": "MK:0001", "description": "用户关机", "sid": sids[1]}]
    response = app.test_client().post(f"/webhooks/tencent/{SECRET}/status", json=report)
    assert response.status_code == 204
    assert state(app, first)[0] == "delivered"
    assert state(app, second)[:2] == ("undelivered", "tencent MK:0001")


def test_aliyun_report_names_our_message_by_out_id(make_app, fake):
    app = domestic_app(make_app, fake, "aliyun")
    message_id = queue_notice(app)
    with app.app_context():
        biz_id = db.session.get(Message, message_id).provider_id
    report = [{"phone_number": "13800000000", "send_time": "2026-12-02 09:20:00", "report_time": "2026-12-02 09:20:05",
               "success": True, "err_code": "DELIVERED", "err_msg": "用户接收成功", "sms_size": "1", "biz_id": biz_id,
               "out_id": str(message_id)}]
    assert app.test_client().post(f"/webhooks/aliyun/{SECRET}/status", json=report).status_code == 204
    assert state(app, message_id)[0] == "delivered"


# --- configuration ------------------------------------------------------------------------

def test_start_refuses_a_reply_without_an_approved_template(make_app, tmp_path):
    import shutil
    from pathlib import Path

    import yaml

    config_dir = tmp_path / "config"
    shutil.copytree(Path(__file__).resolve().parent.parent / "config", config_dir)
    catalogue = yaml.safe_load((config_dir / "sms_templates.yaml").read_text(encoding="utf-8"))
    del catalogue["templates"]["safety"]["tencent"]
    (config_dir / "sms_templates.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="no tencent template for safety"):
        make_app(SMS_PROVIDER="tencent", CONFIG_DIR=config_dir)
    make_app(SMS_PROVIDER="aliyun", CONFIG_DIR=config_dir)   # the other provider is complete


@pytest.mark.parametrize("env, message", [
    ({"SMS_PROVIDER": "carrier-pigeon"}, "SMS_PROVIDER must be one of"),
    ({"SMS_PROVIDER": "tencent", "APP_ENV": "production", "SECRET_KEY": "k", "ONDUTY_PHONES": "+8613900000001"},
     "SMS_CALLBACK_SECRET must be set"),
    ({"SMS_PROVIDER": "aliyun", "SMS_CALLBACK_SECRET": "short"}, "at least 16"),
])
def test_settings_refuse_a_bad_sms_setup(tmp_path, env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path, env)


def test_sms_send_plays_the_citizen_through_the_configured_provider(make_app):
    app = domestic_app(make_app, None, "tencent")
    result = app.test_cli_runner().invoke(args=["sms", "send", "--from", "+8613800000000", PETITION])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("【延津信访】已收到您的信访，编号YJ")
    assert "查进度发:查询YJ" in result.output

