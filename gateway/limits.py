"""Request rate limits on the public entry points, with Flask-Limiter: counts in Redis when
REDIS_URL is set (shared by every process), in memory otherwise. A breach is a 429 with a
Chinese message (core.errors, console and Open311 render it in their own format)."""
from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter

MESSAGE = "请求过于频繁，请稍后再试。"


def client_address() -> str:
    """The client's address as werkzeug sees it: X-Forwarded-For counts only through
    ProxyFix (TRUSTED_PROXY_COUNT), so a client cannot choose its own key."""
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_address, default_limits=[], headers_enabled=True)


def init_limiter(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "gateway-limits")
    limiter.init_app(app)
