"""WeChat's server API: one access token shared by every process, and the customer-service
message (客服消息) that carries what we send after the passive reply, within 48 hours.

The token is refreshed under a lock (Redis when configured, else a row lock in the
database) because each fetch invalidates the previous token within minutes: processes
refreshing on their own would keep knocking each other's token out."""
from __future__ import annotations

import json
from datetime import timedelta

import requests
from flask import current_app
from sqlalchemy import select

from gateway.base import PermanentError, Sent, TemporaryError
from models import ChannelToken, Message, utcnow
from models.base import dialect_insert
from models.db import db

KEY = "wechat_access_token"
JSON = {"Content-Type": "application/json; charset=utf-8"}
MARGIN = 300                              # refresh five minutes before WeChat's expiry
TOKEN_ERRORS = {40001, 40014, 42001}      # invalid or expired access token
TEMPORARY = {-1, 45009, 45011}            # system busy, daily / per-minute API quota
PERMANENT = {45015: "outside the 48-hour window", 43004: "the citizen unfollowed the account",
             40003: "unknown openid", 45047: "too many messages since the citizen's last one"}


class WeChatSender:
    def send(self, message: Message, config: dict) -> Sent:
        # WeChat shows \uXXXX escapes literally: the JSON must carry the characters themselves.
        payload = json.dumps({"touser": message.address, "msgtype": "text", "text": {"content": message.body}},
                             ensure_ascii=False).encode("utf-8")
        token = access_token(config)
        result = _call(config, "POST", "/cgi-bin/message/custom/send", token, data=payload, headers=JSON)
        if result.get("errcode") in TOKEN_ERRORS:  # revoked early: one fresh token, once
            token = access_token(config, stale=token)
            result = _call(config, "POST", "/cgi-bin/message/custom/send", token, data=payload, headers=JSON)
        code = result.get("errcode", 0)
        if code == 0:
            return Sent(None)
        reason = f"wechat {code}: {PERMANENT.get(code) or str(result.get('errmsg', ''))[:80]}"
        if code in TEMPORARY:
            raise TemporaryError(reason)
        raise PermanentError(reason, opt_out=code == 43004)


def access_token(config: dict, stale: str | None = None) -> str:
    """The shared token; `stale` is one WeChat just refused (refetched unless another
    process already replaced it)."""
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        return _redis_token(queue.connection, config, stale)
    return _db_token(config, stale)


def _redis_token(conn, config: dict, stale: str | None) -> str:
    key = f"gateway:{KEY}"
    cached = _fresh(conn.get(key), stale)
    if cached:
        return cached
    with conn.lock(f"{key}:lock", timeout=30, blocking_timeout=30):
        cached = _fresh(conn.get(key), stale)
        if cached:
            return cached
        token, expires_in = _fetch(config)
        conn.set(key, token, ex=max(60, expires_in - MARGIN))
        return token


def _fresh(value, stale: str | None) -> str | None:
    value = value.decode() if isinstance(value, bytes) else value
    return value if value and value != stale else None


def _db_token(config: dict, stale: str | None) -> str:
    """A transaction of its own: the row lock is held only while refreshing."""
    with db.engine.begin() as conn:
        conn.execute(dialect_insert(ChannelToken, db.session).values(name=KEY)
                     .on_conflict_do_nothing(index_elements=["name"]))
        row = conn.execute(select(ChannelToken.value, ChannelToken.expires_at)
                           .where(ChannelToken.name == KEY).with_for_update()).one()
        if _fresh(row.value, stale) and row.expires_at and row.expires_at > utcnow():
            return row.value
        token, expires_in = _fetch(config)
        conn.execute(ChannelToken.__table__.update().where(ChannelToken.name == KEY).values(
            value=token, expires_at=utcnow() + timedelta(seconds=max(60, expires_in - MARGIN))))
        return token


def _fetch(config: dict) -> tuple[str, int]:
    result = _call(config, "GET", "/cgi-bin/token", None, params={
        "grant_type": "client_credential", "appid": config["WECHAT_APP_ID"], "secret": config["WECHAT_APP_SECRET"]})
    token = result.get("access_token")
    if not isinstance(token, str) or not token:
        # A wrong secret or a server IP missing from the whitelist: fixable, so retried.
        raise TemporaryError(f"wechat token refused: {result.get('errcode')}")
    return token, int(result.get("expires_in") or 7200)


def _call(config: dict, method: str, path: str, token: str | None, **kwargs) -> dict:
    params = dict(kwargs.pop("params", {}), **({"access_token": token} if token else {}))
    try:
        response = requests.request(method, config["WECHAT_API_BASE"] + path, params=params,
                                    timeout=config["SEND_TIMEOUT"], **kwargs)
        response.raise_for_status()
        result = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise TemporaryError(f"wechat unreachable: {type(exc).__name__}") from exc
    return result if isinstance(result, dict) else {}
