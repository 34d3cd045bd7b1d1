"""Sign-in with lock-out of the failing address after repeated failures, roles, and the sign-in log."""
from __future__ import annotations

import functools
import hashlib
import time
from typing import Callable

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from console import throttle
from console.blueprint import bp
from console.forms import LoginForm
from console.models import AuditLog
from models.db import db
from console.extensions import login_manager
from gateway.limits import MESSAGE as LIMIT_MESSAGE, client_address, limiter
from models import User, utcnow

LOCKED = "登录失败次数过多，从此处登录已锁定，请 15 分钟后再试。"
ROLE_NAMES = {"admin": "管理员", "officer": "登记分办", "handler": "承办单位", "head": "单位负责人", "leader": "领导"}
_DUMMY_HASH = generate_password_hash("not-a-password")  # unknown users cost the same time


class StaffUser(UserMixin):
    """The signed-in User as Flask-Login wants it; attributes pass through."""

    def __init__(self, user: User):
        self.user = user

    def __getattr__(self, name: str):
        return getattr(self.user, name)

    def get_id(self) -> str:
        return f"{self.user.id}:{_fingerprint(self.user)}"

    @property
    def is_active(self) -> bool:
        return bool(self.user.active)

    @property
    def actor(self) -> str:
        return f"user:{self.user.username}"


def _fingerprint(user: User) -> str:
    """Changes with the password and at every sign-out, so a new password or a sign-out
    ends every session issued before."""
    material = f"{user.password_hash}|{user.session_version or 0}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


@login_manager.user_loader
def _load(session_id: str) -> StaffUser | None:
    user_id, _, tag = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or tag != _fingerprint(user):
        return None
    return StaffUser(user)


def role_required(*roles: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def audit(kind: str, username: str, user_id: int | None = None, **detail) -> None:
    db.session.add(AuditLog(kind=kind, username=username[:64], user_id=user_id, at=utcnow(),
                            ip=(request.remote_addr or "")[:64], detail=detail or None))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE"], methods=["POST"], error_message=LIMIT_MESSAGE)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.execute(select(User).where(User.username == form.username.data)).scalar_one_or_none()
        error = _attempt(user, form.username.data, form.password.data)
        db.session.commit()
        if error is None:
            return redirect(_next_url())
        flash(error, "error")
    return render_template("console/login.html", form=form)


def _attempt(user: User | None, username: str, password: str) -> str | None:
    """Signs the user in, or returns why not. Unknown, locked and wrong cost one password
    check each (no timing tells them apart); failures lock this address, not the account."""
    address = client_address()
    locked = throttle.locked(username, address)
    valid = check_password_hash(user.password_hash if user and not locked else _DUMMY_HASH, password)
    if locked:
        audit("login_locked", username, user.id if user else None)
        return LOCKED
    if user is None or not valid or not user.active:
        audit("login_failed", username, user.id if user else None)
        if throttle.failed(username, address):
            audit("locked", username, user.id if user else None, minutes=throttle.LOCK_MINUTES)
        return "用户名或密码错误。"
    throttle.succeeded(username, address)
    session.clear()  # no session fixation: a fresh session for the signed-in user
    session.permanent = True
    login_user(StaffUser(user))
    session["signed_in_at"] = session["seen_at"] = int(time.time())
    audit("login", username, user.id)
    return None


def _next_url() -> str:
    target = request.args.get("next", "")
    if (target.startswith("/console/") and not target.startswith("//") and "\\" not in target
            and target.isprintable()):  # no CR/LF (header splitting) nor other controls
        return target
    return url_for("console.queue")


@bp.post("/logout")
def logout():
    audit("logout", current_user.username, current_user.id)
    # A copy of this cookie (and of any other session of this user) is dead from now on.
    current_user.user.session_version = (current_user.user.session_version or 0) + 1
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("console.login"))
