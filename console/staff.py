"""Staff accounts: create, disable, enable, change role or unit, reset and change a password.

The one place these changes happen; the admin page (console.users) and the CLI
(`flask users ...`) both call it. Every change writes an AuditLog row naming who did it,
to whom, and what changed; the caller commits. A password change (reset included) ends
every session of that user, because the session id carries a fingerprint of the hash."""
from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import func, select

from console import throttle
from console.models import AuditLog
from models import User, utcnow
from models.db import db
from models.user import ROLES

MIN_PASSWORD = 8
# No 0/O, 1/l/I: the one-time password is read aloud or copied by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class StaffError(ValueError):
    """A refused change; the message is Chinese, shown to the admin as is."""


def find(username: str) -> User:
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise StaffError(f"没有用户 {username}。")
    return user


def log(kind: str, actor: str, target: User | None = None, ip: str | None = None, **detail) -> None:
    """An audit row: `actor` did `kind` (to `target`)."""
    if target is not None:
        detail = {"target": target.username, **detail}
    db.session.add(AuditLog(kind=kind, username=actor[:64], user_id=target.id if target else None,
                            at=utcnow(), ip=(ip or "")[:64], detail=detail or None))


def one_time_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def parse_unit(value: str | None) -> tuple[str | None, str | None]:
    """'hrss' -> ('hrss', None); 'township_gov:dongtun' -> ('township_gov', 'dongtun')."""
    if not value:
        return None, None
    code, _, township = value.partition(":")
    taxonomy = current_app.extensions["taxonomy"]
    if code not in taxonomy.departments:
        raise StaffError(f"未知单位代码 {code}。")
    if township and township not in taxonomy.townships:
        raise StaffError(f"未知乡镇代码 {township}。")
    if code == "township_gov" and not township:
        raise StaffError("乡镇政府须写明乡镇，如 township_gov:dongtun。")
    return code, township or None


def unit_code(user: User) -> str:
    if user.department and user.township:
        return f"{user.department}:{user.township}"
    return user.department or ""


def _check_scope(role: str, department: str | None) -> None:
    if role not in ROLES:
        raise StaffError(f"未知角色 {role}。")
    if role == "handler" and not department:
        raise StaffError("承办单位账号须指定责任单位。")


def create(username: str, role: str, unit: str | None, actor: str, ip: str | None = None,
           password: str | None = None) -> tuple[User, str | None]:
    """A new account. Without `password` it gets a one-time password (returned, shown once)
    that must be changed at the first sign-in."""
    username = username.strip()
    if not username or len(username) > 64:
        raise StaffError("用户名须为 1 到 64 个字符。")
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise StaffError(f"用户名 {username} 已存在。")
    department, township = parse_unit(unit)
    _check_scope(role, department)
    one_time = None
    if password is None:
        password = one_time = one_time_password()
    elif len(password) < MIN_PASSWORD:
        raise StaffError(f"密码至少 {MIN_PASSWORD} 位。")
    user = User(username=username, role=role, department=department, township=township, active=True,
                must_change_password=one_time is not None, failed_logins=0)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    log("user_created", actor, user, ip, role=role, unit=unit_code(user))
    return user, one_time


def _admins_left(excluding: User) -> int:
    return db.session.execute(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.id != excluding.id)).scalar_one()


def set_active(user: User, active: bool, actor: str, ip: str | None = None) -> None:
    """Disable (or enable again). A disabled user cannot sign in, and his open sessions stop
    at their next request (the session loader refuses an inactive user)."""
    if not active and user.role == "admin" and _admins_left(user) == 0:
        raise StaffError("不能停用最后一个管理员账号。")
    if bool(user.active) == active:
        return
    user.active = active
    log("user_enabled" if active else "user_disabled", actor, user, ip)


def set_role(user: User, role: str, unit: str | None, actor: str, ip: str | None = None) -> bool:
    """Change role and unit; False when nothing changed (and nothing is logged)."""
    department, township = parse_unit(unit)
    _check_scope(role, department)
    if user.role == "admin" and role != "admin" and _admins_left(user) == 0:
        raise StaffError("不能更改最后一个管理员的角色。")
    before = {"role": user.role, "unit": unit_code(user)}
    user.role, user.department, user.township = role, department, township
    after = {"role": role, "unit": unit_code(user)}
    if before == after:
        return False
    log("user_role", actor, user, ip, before=before, after=after)
    return True


def reset_password(user: User, actor: str, ip: str | None = None) -> str:
    """A new one-time password, returned once; it must be changed at the next sign-in. The
    old password and every session of the user stop working; a lock-out is lifted."""
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    throttle.lift(user.username)
    log("password_reset", actor, user, ip)
    return password


def change_password(user: User, current: str, new: str, ip: str | None = None) -> None:
    """The user's own change (required after a one-time password)."""
    if not user.check_password(current):
        raise StaffError("当前密码不正确。")
    if len(new) < MIN_PASSWORD:
        raise StaffError(f"新密码至少 {MIN_PASSWORD} 位。")
    if new == current:
        raise StaffError("新密码不能与当前密码相同。")
    user.set_password(new)
    user.must_change_password = False
    log("password_changed", user.username, user, ip)
