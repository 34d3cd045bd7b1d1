"""Tencent Cloud SMS (腾讯云短信): inbound replies (上行) and delivery reports by callback,
sending by approved template through the official SDK (tencentcloud-sdk-python-sms)."""
from __future__ import annotations

import hashlib

from flask import Request, Response, current_app, jsonify

from gateway import domestic
from gateway.base import BadPayload, InboundEvent, PermanentError, Sent, TemporaryError
from gateway.status import StatusEvent
from models import Message

DEFAULT_ENDPOINT = "sms.tencentcloudapi.com"
OPT_OUT = {"FailedOperation.PhoneNumberInBlacklist"}   # the number is on the do-not-disturb list (回复TD)
TEMPORARY_PREFIXES = ("LimitExceeded", "RequestLimitExceeded", "InternalError", "FailedOperation.InsufficientBalance")


class TencentChannel:
    name = "tencent"
    content_types = domestic.JSON_TYPES
    deliver_replies = True  # the callback's answer carries no text: replies go by the outbox

    def verify(self, request: Request, config: dict) -> bool:
        return domestic.verify_callback(request, config)

    def parse(self, request: Request, config: dict) -> list[InboundEvent]:
        """{"mobile", "nationcode", "text", "sign", "time", "extend"}; Tencent sends no id,
        so a digest of number, time and text deduplicates its retries."""
        events = []
        for row in domestic.items(domestic.json_body(request)):
            address = domestic.phone(row.get("mobile"), row.get("nationcode"))
            text, when = str(row.get("text") or ""), str(row.get("time") or "")
            digest = hashlib.sha256(f"{address}|{when}|{text}".encode()).hexdigest()[:40]
            events.append(InboundEvent(channel="sms", provider_id=f"tc-{digest}", address=address, body=text,
                                       to=str(row.get("extend") or "") or None))
        return events

    def acknowledge(self, replies: list[str]) -> Response:
        return jsonify(result=0, errmsg="OK")

    def parse_status(self, request: Request, config: dict) -> list[StatusEvent]:
        """[{"sid", "report_status": SUCCESS|FAIL, "errmsg", "mobile", ...}, ...]"""
        events = []
        for row in domestic.items(domestic.json_body(request)):
            sid, status = str(row.get("sid") or ""), str(row.get("report_status") or "").upper()
            if not sid or len(sid) > 64 or status not in ("SUCCESS", "FAIL"):
                raise BadPayload("sid and report_status are required")
            events.append(StatusEvent(provider_id=sid, status="delivered" if status == "SUCCESS" else "undelivered",
                                      error_code=None if status == "SUCCESS" else str(row.get("errmsg") or "")[:16] or None,
                                      provider="tencent"))
        return events


class TencentSender:
    def send(self, message: Message, config: dict) -> Sent:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        template_id, _, values = domestic.template_of(message, "tencent")
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [message.address]
        request.SmsSdkAppId = config["TENCENT_SMS_APP_ID"]
        request.SignName = _signature()
        request.TemplateId = template_id
        request.TemplateParamSet = values
        request.SessionContext = str(message.id)
        try:
            status = _client(config).SendSms(request).SendStatusSet[0]
        except TencentCloudSDKException as exc:
            raise tencent_error(exc.get_code() or "", str(exc.get_message() or "")) from exc
        except (IndexError, AttributeError) as exc:
            raise TemporaryError("tencent: no send status in the answer") from exc
        if status.Code != "Ok":
            raise tencent_error(status.Code, status.Message or "")
        return Sent(status.SerialNo)


def tencent_error(code: str, text: str) -> Exception:
    reason = f"tencent {code}: {text}"[:200]
    if code in OPT_OUT:
        return PermanentError(reason, opt_out=True)
    if not code or code.startswith(TEMPORARY_PREFIXES) or code.startswith("ClientNetworkError"):
        return TemporaryError(reason)
    return PermanentError(reason)


def _signature() -> str:
    return current_app.extensions["sms_catalogue"].signature


def _client(config: dict):
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sms.v20210111 import sms_client

    endpoint = config.get("TENCENT_SMS_ENDPOINT") or DEFAULT_ENDPOINT
    http = HttpProfile(endpoint=endpoint.split("://", 1)[-1], reqTimeout=max(1, int(config["SEND_TIMEOUT"])))
    if endpoint.startswith("http://"):
        http.scheme = "http"  # a local fake or an egress proxy without TLS
    cred = credential.Credential(config["TENCENT_SECRET_ID"], config["TENCENT_SECRET_KEY"])
    return sms_client.SmsClient(cred, config["TENCENT_SMS_REGION"], ClientProfile(httpProfile=http))
