"""Staff management (admin) and the user's own password change.

A one-time password is shown once, in the answer to the POST that made it (never in a flash
message: the session cookie is signed, not encrypted). Until it is changed, every console
page sends its user to the password form."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from sqlalchemy import select

from console import staff
from console.auth import StaffUser, role_required
from console.blueprint import bp
from console.forms import PasswordForm, StaffActionForm, StaffCreateForm, StaffRoleForm
from models import User
from models.db import db

# Pages a user with a one-time password may still reach.
_BEFORE_CHANGE = ("console.password", "console.logout", "console.login", "console.static")


@bp.before_request
def _one_time_password_first():
    """Runs after the sign-in guard: a signed-in user with a one-time password changes it first."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in _BEFORE_CHANGE):
        return redirect(url_for("console.password"))
    return None


def _ip() -> str:
    return request.remote_addr or ""


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    return user if user is not None else abort(404)


def _page(created: StaffCreateForm | None = None, one_time: tuple[str, str] | None = None, status: int = 200):
    users = db.session.execute(select(User).order_by(User.active.desc(), User.role, User.username)).scalars().all()
    forms = {user.id: StaffRoleForm(formdata=None, prefix=f"u{user.id}",
                                    data={"role": user.role, "unit": staff.unit_code(user)}) for user in users}
    return render_template("console/users.html", users=users, forms=forms, action=StaffActionForm(),
                           create=created or StaffCreateForm(formdata=None), one_time=one_time), status


@bp.get("/users")
@role_required("admin")
def users():
    return _page()


@bp.post("/users")
@role_required("admin")
def user_create():
    form = StaffCreateForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        user, password = staff.create(form.username.data, form.role.data, form.unit.data or None,
                                      current_user.username, _ip())
    except staff.StaffError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _page(form, status=400)
    db.session.commit()
    return _page(one_time=(user.username, password))


def _change(user_id: int, change) -> tuple[User, object]:
    """Runs `change(user)`; a refusal is rolled back and flashed."""
    if not StaffActionForm().validate_on_submit():
        abort(400)
    user = _user_or_404(user_id)
    try:
        result = change(user)
    except staff.StaffError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return user, None
    db.session.commit()
    return user, result


@bp.post("/users/<int:user_id>/disable")
@role_required("admin")
def user_disable(user_id: int):
    user, done = _change(user_id, lambda u: staff.set_active(u, False, current_user.username, _ip()) or True)
    if done:
        flash(f"已停用 {user.username}：不能再登录，已登录的会话随即失效。", "ok")
    return redirect(url_for("console.users"))


@bp.post("/users/<int:user_id>/enable")
@role_required("admin")
def user_enable(user_id: int):
    user, done = _change(user_id, lambda u: staff.set_active(u, True, current_user.username, _ip()) or True)
    if done:
        flash(f"已启用 {user.username}。", "ok")
    return redirect(url_for("console.users"))


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def user_role(user_id: int):
    form = StaffRoleForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        flash("角色或单位无效。", "error")
        return redirect(url_for("console.users"))
    user = _user_or_404(user_id)
    try:
        changed = staff.set_role(user, form.role.data, form.unit.data or None, current_user.username, _ip())
    except staff.StaffError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("console.users"))
    db.session.commit()
    flash(f"已更新 {user.username} 的角色和单位。" if changed else "未作改动。", "ok")
    return redirect(url_for("console.users"))


@bp.post("/users/<int:user_id>/reset-password")
@role_required("admin")
def user_reset(user_id: int):
    user, password = _change(user_id, lambda u: staff.reset_password(u, current_user.username, _ip()))
    if password is None:
        return redirect(url_for("console.users"))
    return _page(one_time=(user.username, password))


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        if form.new.data != form.repeat.data:
            flash("两次输入的新密码不一致。", "error")
        else:
            user = db.session.get(User, current_user.id)
            try:
                staff.change_password(user, form.current.data, form.new.data, _ip())
            except staff.StaffError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                login_user(StaffUser(user))  # the session id carries the hash: renew it
                flash("密码已修改。", "ok")
                return redirect(url_for("console.queue"))
    return render_template("console/password.html", form=form, forced=current_user.must_change_password)
