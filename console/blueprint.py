"""The console's blueprint: sign-in guard, CSRF on every change, security headers."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, redirect, request, url_for
from flask_login import current_user

from console.extensions import csrf, login_manager

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
PUBLIC_ENDPOINTS = ("console.login", "console.static")


@bp.record_once
def _configure(state) -> None:
    app: Flask = state.app
    production = app.config.get("APP_ENV") == "production"
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("SESSION_COOKIE_SECURE", production)
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
    login_manager.login_view = "console.login"
    login_manager.login_message = "请先登录。"
    login_manager.session_protection = "strong"


@bp.before_request
def _guard():
    """Sign-in first; then a valid CSRF token on every state-changing request."""
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return None


@bp.after_request
def _headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "console.static":
        response.headers["Cache-Control"] = "no-store"  # pages carry citizens' personal data
    return response
