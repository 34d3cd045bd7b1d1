"""Sign-in with lock-out after repeated failures, roles, and the sign-in log."""
from __future__ import annotations

import functools
import hashlib
from datetime import timedelta
from typing import Callable

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from console.blueprint import bp
from console.forms import LoginForm
from console.models import AuditLog
from models.db import db
from console.extensions import login_manager
from models import User, utcnow

MAX_FAILURES = 5
LOCK_MINUTES = 15
ROLE_NAMES = {"admin": "管理员", "officer": "登记分办", "handler": "承办单位", "leader": "领导"}
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
    """Changes with the password, so a new password ends every old session."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


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
    """Signs the user in, or returns why not. Failures count towards the lock-out."""
    now = utcnow()
    if user is not None and user.locked_until and user.locked_until > now:
        audit("login_locked", username, user.id)
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        return f"连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试。"
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        _count_failure(user, username, now)
        return "用户名或密码错误。"
    user.failed_logins, user.locked_until = 0, None
    session.clear()  # no session fixation: a fresh session for the signed-in user
    login_user(StaffUser(user))
    audit("login", username, user.id)
    return None


def _count_failure(user: User | None, username: str, now) -> None:
    audit("login_failed", username, user.id if user else None)
    if user is None:
        return
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until, user.failed_logins = now + timedelta(minutes=LOCK_MINUTES), 0
        audit("locked", username, user.id, minutes=LOCK_MINUTES)


def _next_url() -> str:
    target = request.args.get("next", "")
    if target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("console.queue")


@bp.post("/logout")
def logout():
    audit("logout", current_user.username, current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("console.login"))
