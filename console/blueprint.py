"""The console's blueprint: sign-in guard, CSRF on every change, security headers."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user

from console.extensions import csrf, login_manager

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
PUBLIC_ENDPOINTS = ("console.login", "console.static")


@bp.record_once
def _configure(state) -> None:
    # The session cookie's flags and lifetime are settings (config.settings._security).
    login_manager.login_view = "console.login"
    login_manager.login_message = "请先登录。"
    login_manager.session_protection = "strong"


@bp.before_request
def _guard():
    """Sign-in first; then a valid CSRF token on every state-changing request."""
    if current_user.is_authenticated and _expired():
        logout_user()
        session.clear()
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return None


def _expired() -> bool:
    """8 h after sign-in, or 30 min without a request, the session ends (settings)."""
    now, config = time.time(), current_app.config
    started, seen = session.get("signed_in_at", 0), session.get("seen_at", 0)
    if (now - started > config["PERMANENT_SESSION_LIFETIME"].total_seconds()
            or now - seen > config["SESSION_IDLE_MINUTES"] * 60):
        return True
    session["seen_at"] = int(now)
    return False


@bp.after_request
def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)  # our own PDFs set theirs (console.documents)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "console.static":
        response.headers["Cache-Control"] = "no-store"  # pages carry citizens' personal data
    return response
