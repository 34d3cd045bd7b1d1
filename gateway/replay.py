"""Signed requests are single-use within their freshness window.

WeChat signs only (token, timestamp, nonce): the body is outside the signature, so a
signed query string seen once (a log, a proxy) would let anyone post any body as any
citizen. Each (timestamp, nonce, signature) is remembered with a hash of the body it came
with for the window; the same key with the same body is WeChat retrying (and the message
dedupe answers it), with another body it is a replay. Redis when configured, else the
database (seen_requests)."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from models import SeenRequest, utcnow
from models.base import dialect_insert
from models.db import db


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def first_use(parts: tuple[str, ...], body: bytes, ttl_seconds: int) -> bool:
    """True unless these signature parts were seen within ttl_seconds with another body."""
    key, body_hash = _digest("wechat", *parts), hashlib.sha256(body).hexdigest()
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        redis = queue.connection
        if redis.set(f"gateway:seen:{key}", body_hash, nx=True, ex=ttl_seconds):
            return True
        seen = redis.get(f"gateway:seen:{key}")
        return seen is None or seen.decode() == body_hash
    return _first_use_db(key, body_hash, ttl_seconds)


def _first_use_db(key: str, body_hash: str, ttl_seconds: int) -> bool:
    now = utcnow()
    db.session.execute(delete(SeenRequest).where(SeenRequest.expires_at < now))
    db.session.execute(dialect_insert(SeenRequest, db.session)
                       .values(key=key, body_hash=body_hash, expires_at=now + timedelta(seconds=ttl_seconds))
                       .on_conflict_do_nothing(index_elements=["key"]))
    seen = db.session.execute(select(SeenRequest.body_hash).where(SeenRequest.key == key)).scalar_one()
    db.session.commit()  # remembered even if the request fails later: a replay stays a replay
    return seen == body_hash
