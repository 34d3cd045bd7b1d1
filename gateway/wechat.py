"""WeChat Official Account (微信公众号): GET echo check, POST XML in plain or AES mode.

Signatures are sha1 over the sorted (token, timestamp, nonce[, Encrypt]) strings,
compared in constant time. wechatpy does the AES envelope and renders passive replies;
the XML itself is read here so that hostile input can only ever be a 400."""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from xml.parsers.expat import ExpatError

import xmltodict
from flask import Request, Response, g, request as current_request
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply

from gateway.base import BadPayload, Forged, InboundEvent
from gateway.replay import first_use

MEDIA_TYPES = ("image", "voice", "video", "shortvideo", "file", "link")
MAX_REPLY_BYTES = 2048  # WeChat truncates longer passive text replies


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signed(given: str, *parts: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode("utf-8", "replace"), signature(*parts).encode())


def fresh(timestamp: str, max_skew: int, now: float | None = None) -> bool:
    """The signed timestamp is within max_skew seconds of now (either way)."""
    if not timestamp.isdigit() or len(timestamp) > 12:
        return False
    now = time.time() if now is None else now
    return abs(now - int(timestamp)) <= max_skew


def crypto(config: dict) -> WeChatCrypto:
    return WeChatCrypto(config["WECHAT_TOKEN"], config["WECHAT_AES_KEY"], config["WECHAT_APP_ID"] or "")


@dataclass(frozen=True)
class ReplyTo:
    user: str
    account: str
    aes: bool


class WeChatChannel:
    name = "wechat"
    content_types = ("text/xml", "application/xml")

    def verify(self, request: Request, config: dict) -> bool:
        """Signed, fresh (timestamp within WECHAT_MAX_SKEW_SECONDS of now) and not a
        replay of a signature seen with another body (gateway.replay)."""
        token, args = config.get("WECHAT_TOKEN"), request.args
        if not token:
            return False  # not configured: nothing can be verified, so nothing is accepted
        timestamp, nonce, given = args.get("timestamp", ""), args.get("nonce", ""), args.get("signature", "")
        if not signed(given, token, timestamp, nonce) or not fresh(timestamp, config["WECHAT_MAX_SKEW_SECONDS"]):
            return False
        window = config["WECHAT_MAX_SKEW_SECONDS"]
        parts = (timestamp, nonce, given, args.get("msg_signature", ""))
        return first_use(parts, request.get_data(cache=True), 2 * window)

    def echo(self, request: Request, config: dict) -> Response:
        return Response(request.args.get("echostr", "")[:256], mimetype="text/plain")

    def parse(self, request: Request, config: dict) -> list[InboundEvent]:
        body = request.get_data(as_text=True)
        fields = _xml(body)
        if config.get("WECHAT_AES_KEY") and request.args.get("encrypt_type") != "aes":
            # Encrypted mode configured: a plaintext body is unsigned, so it is a downgrade.
            raise Forged("plaintext messages are refused: WECHAT_AES_KEY is set (safe mode)")
        if request.args.get("encrypt_type") == "aes":
            fields = _xml(_decrypt(body, fields, request.args, config))
        event = _event(fields)
        g.wechat_reply_to = ReplyTo(event.address, _text(fields, "ToUserName", 64),
                                    request.args.get("encrypt_type") == "aes")
        return [event]

    def acknowledge(self, replies: list[str]) -> Response:
        reply_to: ReplyTo | None = g.get("wechat_reply_to")
        if not replies or reply_to is None:
            return Response("success", mimetype="text/plain")  # WeChat's "nothing to say"
        content = "\n".join(replies).encode("utf-8")[:MAX_REPLY_BYTES].decode("utf-8", "ignore")
        xml = TextReply(source=reply_to.account, target=reply_to.user, content=content).render()
        if reply_to.aes:
            from flask import current_app

            args = current_request.args
            xml = crypto(current_app.config).encrypt_message(xml, args.get("nonce", ""), args.get("timestamp"))
        return Response(xml, mimetype="application/xml")


def _xml(body: str) -> dict:
    if "<!DOCTYPE" in body or "<!ENTITY" in body:
        raise BadPayload("XML with a DTD is refused")
    try:
        root = xmltodict.parse(body or "")
    except (ExpatError, ValueError) as exc:
        raise BadPayload("malformed XML") from exc
    fields = root.get("xml") if isinstance(root, dict) else None
    if not isinstance(fields, dict):
        raise BadPayload("an <xml> root element is required")
    return fields


def _decrypt(body: str, fields: dict, args, config: dict) -> str:
    encrypted = _text(fields, "Encrypt", 1 << 20)
    if not (config.get("WECHAT_AES_KEY") and encrypted):
        raise BadPayload("AES mode needs an Encrypt element and WECHAT_AES_KEY")
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    if not signed(args.get("msg_signature", ""), config["WECHAT_TOKEN"], timestamp, nonce, encrypted):
        raise Forged("invalid msg_signature")
    try:
        return crypto(config).decrypt_message({"Encrypt": encrypted}, args["msg_signature"], timestamp, nonce)
    except (InvalidAppIdException, InvalidSignatureException) as exc:
        raise Forged("message for another account") from exc
    except Exception as exc:  # wrong padding, bad base64, broken UTF-8: not a message of ours
        raise BadPayload("cannot decrypt the message") from exc


def _text(fields: dict, name: str, limit: int, required: bool = False) -> str:
    value = fields.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit:
        raise BadPayload(f"{name} is malformed")
    if required and not value:
        raise BadPayload(f"{name} is required")
    return value


def _event(fields: dict) -> InboundEvent:
    kind = _text(fields, "MsgType", 32, required=True).lower()
    sender = _text(fields, "FromUserName", 128, required=True)
    common = {"channel": "wechat", "address": sender, "to": _text(fields, "ToUserName", 64)}
    if kind == "event":
        return _subscription(fields, common)
    provider_id = _text(fields, "MsgId", 64, required=True)
    if kind == "text":
        return InboundEvent(provider_id=provider_id, body=_text(fields, "Content", 20000), **common)
    if kind == "voice" and _text(fields, "Recognition", 20000).strip():
        # Speech recognised by WeChat reads like a typed petition; the voice stays attached.
        return InboundEvent(provider_id=provider_id, body=_text(fields, "Recognition", 20000),
                            media=[_media(fields, kind)], **common)
    if kind == "location":
        place = {"type": "location", "lat": _text(fields, "Location_X", 32), "lng": _text(fields, "Location_Y", 32),
                 "label": _text(fields, "Label", 512)}
        return InboundEvent(provider_id=provider_id, body="", media=[place], kind="location", **common)
    return InboundEvent(provider_id=provider_id, body="", media=[_media(fields, kind)], kind="media", **common)


def _media(fields: dict, kind: str) -> dict:
    return {"type": kind, "media_id": _text(fields, "MediaId", 256),
            "url": _text(fields, "PicUrl", 1024) or _text(fields, "Url", 1024) or None}


def _subscription(fields: dict, common: dict) -> InboundEvent:
    """Events carry no MsgId: WeChat's own dedupe key is FromUserName + CreateTime."""
    name = _text(fields, "Event", 64, required=True).lower()
    created = _text(fields, "CreateTime", 16, required=True)
    kind = name if name in ("subscribe", "unsubscribe") else "event"
    provider_id = f"{common['address']}:{created}:{name}"[:64]
    return InboundEvent(provider_id=provider_id, body="", kind=kind, **common)
