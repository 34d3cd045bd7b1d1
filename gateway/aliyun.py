"""Alibaba Cloud SMS (阿里云短信服务): inbound replies (SmsUp) and delivery reports
(SmsReport) by HTTP batch push, sending by approved template through the official SDK
(alibabacloud-dysmsapi20170525). Alibaba retries a push after 1, 5 and 10 minutes when it
gets no {"code": 0}: a retry is deduplicated on its sequence_id."""
from __future__ import annotations

import json

from flask import Request, Response, current_app, jsonify

from gateway import domestic
from gateway.base import BadPayload, InboundEvent, PermanentError, Sent, TemporaryError
from gateway.status import StatusEvent
from models import Message

DEFAULT_ENDPOINT = "dysmsapi.aliyuncs.com"
TEMPORARY_CODES = ("isv.BUSINESS_LIMIT", "BUSINESS_LIMIT", "isv.DAY_LIMIT", "isv.AMOUNT_NOT_ENOUGH",
                   "isv.OUT_OF_SERVICE", "isp.", "Throttling", "isv.DATA_NOT_EXIST", "ServiceUnavailable")


class AliyunChannel:
    name = "aliyun"
    content_types = domestic.JSON_TYPES
    deliver_replies = True

    def verify(self, request: Request, config: dict) -> bool:
        return domestic.verify_callback(request, config)

    def parse(self, request: Request, config: dict) -> list[InboundEvent]:
        """[{"phone_number", "content", "send_time", "sign_name", "dest_code", "sequence_id"}]"""
        events = []
        for row in domestic.items(domestic.json_body(request)):
            sequence = str(row.get("sequence_id") or "")
            if not sequence or len(sequence) > 40:
                raise BadPayload("sequence_id is required")
            events.append(InboundEvent(channel="sms", provider_id=f"ali-{sequence}",
                                       address=domestic.phone(row.get("phone_number")),
                                       body=str(row.get("content") or ""), to=str(row.get("dest_code") or "") or None))
        return events

    def acknowledge(self, replies: list[str]) -> Response:
        return jsonify(code=0, msg="接收成功")

    def parse_status(self, request: Request, config: dict) -> list[StatusEvent]:
        """[{"biz_id", "out_id", "success", "err_code", "err_msg", "phone_number", ...}]"""
        events = []
        for row in domestic.items(domestic.json_body(request)):
            biz_id, ours = str(row.get("biz_id") or ""), str(row.get("out_id") or "")
            if not biz_id or len(biz_id) > 64 or not isinstance(row.get("success"), bool):
                raise BadPayload("biz_id and success are required")
            ok = row["success"]
            events.append(StatusEvent(provider_id=biz_id, status="delivered" if ok else "undelivered",
                                      error_code=None if ok else str(row.get("err_code") or "")[:16] or None,
                                      message_id=int(ours) if ours.isdigit() and len(ours) < 12 else None,
                                      provider="aliyun"))
        return events


class AliyunSender:
    def send(self, message: Message, config: dict) -> Sent:
        from alibabacloud_dysmsapi20170525 import models
        from Tea.exceptions import TeaException, UnretryableException

        template_code, key, values = domestic.template_of(message, "aliyun")
        names = _catalogue().get(key).params
        request = models.SendSmsRequest(phone_numbers=domestic.national(message.address), sign_name=_catalogue().signature,
                                        template_code=template_code,
                                        template_param=json.dumps(dict(zip(names, values)), ensure_ascii=False),
                                        out_id=str(message.id))
        try:
            body = _client(config).send_sms(request).body
        except TeaException as exc:
            raise aliyun_error(str(exc.code or ""), str(exc.message or "")) from exc
        except (UnretryableException, OSError) as exc:
            raise TemporaryError(f"aliyun unreachable: {type(exc).__name__}") from exc
        if body.code != "OK":
            raise aliyun_error(body.code or "", body.message or "")
        return Sent(body.biz_id)


def aliyun_error(code: str, text: str) -> Exception:
    reason = f"aliyun {code}: {text}"[:200]
    if not code or code.startswith(TEMPORARY_CODES):
        return TemporaryError(reason)
    return PermanentError(reason)


def _catalogue():
    return current_app.extensions["sms_catalogue"]


def _client(config: dict):
    from alibabacloud_dysmsapi20170525.client import Client
    from alibabacloud_tea_openapi import models as open_api

    endpoint = config.get("ALIYUN_SMS_ENDPOINT") or DEFAULT_ENDPOINT
    timeout_ms = int(config["SEND_TIMEOUT"] * 1000)
    return Client(open_api.Config(access_key_id=config["ALIYUN_ACCESS_KEY_ID"],
                                  access_key_secret=config["ALIYUN_ACCESS_KEY_SECRET"],
                                  endpoint=endpoint.split("://", 1)[-1],
                                  protocol="http" if endpoint.startswith("http://") else "https",
                                  read_timeout=timeout_ms, connect_timeout=timeout_ms))
