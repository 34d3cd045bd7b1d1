"""Staff management on the admin page and the first sign-in with a one-time password."""
from __future__ import annotations

import re

from sqlalchemy import select

from console.models import AuditLog
from models import User
from models.db import db
from tests.console.console_helpers import PASSWORD, Staff

ONE_TIME = re.compile(r'<code class="secret">([a-z0-9]+)</code>')


def _user(app, username: str) -> User:
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == username)).scalar_one()
        db.session.expunge(user)
        return user


def _audit(app) -> list[tuple[str, str, dict | None]]:
    with app.app_context():
        rows = db.session.execute(select(AuditLog).where(AuditLog.kind.not_in(("login", "logout")))
                                  .order_by(AuditLog.id)).scalars()
        return [(row.kind, row.username, row.detail) for row in rows]


def _create(admin: Staff, username: str, role: str, unit: str = ""):
    return admin.post("/console/users", {"username": username, "role": role, "unit": unit},
                      token_from="/console/users")


def test_admin_creates_a_handler_who_must_change_the_one_time_password(app, signed_in):
    admin = signed_in("admin")
    response = _create(admin, "zhao", "handler", "township_gov:dongtun")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "只显示这一次" in page
    one_time = ONE_TIME.search(page).group(1)
    user = _user(app, "zhao")
    assert (user.role, user.department, user.township, user.must_change_password) == \
        ("handler", "township_gov", "dongtun", True)
    assert one_time not in admin.get("/console/users").get_data(as_text=True)  # shown once only

    zhao = Staff(app.test_client())
    assert zhao.login("zhao", one_time).status_code == 302
    forced = zhao.get("/console/")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/console/password")
    assert zhao.get("/console/cases/1").headers["Location"].endswith("/console/password")
    form = {"current": one_time, "new": "zhao-own-pass", "repeat": "zhao-own-pass"}
    done = zhao.post("/console/password", form, token_from="/console/password")
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/")
    assert zhao.get("/console/").status_code == 200  # the renewed session goes on
    assert _user(app, "zhao").must_change_password is False
    assert [kind for kind, *_ in _audit(app)] == ["user_created", "password_changed"]


def test_password_change_refusals_are_in_chinese(app, signed_in):
    officer = signed_in("officer")
    wrong = officer.post("/console/password", {"current": "nope-nope", "new": "a-new-pass", "repeat": "a-new-pass"},
                         token_from="/console/password")
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    short = officer.post("/console/password", {"current": PASSWORD, "new": "short", "repeat": "short"},
                         token_from="/console/password")
    assert "字段长度必须介于 8 到 256 个字符之间" in short.get_data(as_text=True)  # WTForms' zh catalogue
    differ = officer.post("/console/password", {"current": PASSWORD, "new": "a-new-pass", "repeat": "b-new-pass"},
                          token_from="/console/password")
    assert "不一致" in differ.get_data(as_text=True)


def test_disabling_ends_the_users_open_session_and_sign_in(app, signed_in, staff):
    admin = signed_in("admin")
    officer = signed_in("officer")
    assert officer.get("/console/").status_code == 200
    user = _user(app, "officer_all")
    assert admin.post(f"/console/users/{user.id}/disable", {}, token_from="/console/users").status_code == 302
    assert officer.get("/console/").status_code == 302  # the open session stops at once
    again = Staff(app.test_client()).login("officer_all")
    assert again.status_code == 200 and "用户名或密码错误" in again.get_data(as_text=True)
    admin.post(f"/console/users/{user.id}/enable", {}, token_from="/console/users")
    assert Staff(app.test_client()).login("officer_all").status_code == 302
    kinds = [(kind, actor, detail) for kind, actor, detail in _audit(app) if kind.startswith("user_")]
    assert kinds == [("user_disabled", "admin_all", {"target": "officer_all"}),
                     ("user_enabled", "admin_all", {"target": "officer_all"})]


def test_reset_password_ends_sessions_and_lifts_a_lock(app, signed_in):
    admin = signed_in("admin")
    handler = signed_in("handler", "hrss")
    user = _user(app, "handler_hrss")
    for _ in range(5):
        Staff(app.test_client()).login("handler_hrss", "wrong-password")
    from console import throttle
    with app.app_context():
        assert throttle.locked("handler_hrss", "127.0.0.1")  # this address is locked out
    page = admin.post(f"/console/users/{user.id}/reset-password", {}, token_from="/console/users")
    one_time = ONE_TIME.search(page.get_data(as_text=True)).group(1)
    assert handler.get("/console/").status_code == 302  # old session gone
    assert Staff(app.test_client()).login("handler_hrss").status_code == 200  # old password gone
    fresh = Staff(app.test_client())
    assert fresh.login("handler_hrss", one_time).status_code == 302
    assert fresh.get("/console/").headers["Location"].endswith("/console/password")
    assert ("password_reset", "admin_all", {"target": "handler_hrss"}) in _audit(app)


def test_role_and_unit_change_takes_effect_and_is_audited(app, signed_in):
    admin = signed_in("admin")
    handler = signed_in("handler", "hrss")
    user = _user(app, "handler_hrss")
    prefix = f"u{user.id}-"
    admin.post(f"/console/users/{user.id}/role", {prefix + "role": "handler", prefix + "unit": "civil_affairs"},
               token_from="/console/users")
    assert _user(app, "handler_hrss").department == "civil_affairs"
    assert "县民政局" in handler.get("/console/").get_data(as_text=True)  # next request, new unit
    refused = admin.post(f"/console/users/{user.id}/role", {prefix + "role": "handler", prefix + "unit": ""},
                         token_from="/console/users", follow_redirects=True)
    assert "须指定责任单位" in refused.get_data(as_text=True)
    assert _user(app, "handler_hrss").department == "civil_affairs"
    audit = admin.get("/console/audit").get_data(as_text=True)
    assert "更改角色或单位" in audit and "县人力资源和社会保障局 → 承办单位·县民政局" in audit
    assert '{"' not in audit  # no JSON on the audit page


def test_last_admin_cannot_be_disabled_or_demoted(app, signed_in):
    admin = signed_in("admin")
    me = _user(app, "admin_all")
    page = admin.post(f"/console/users/{me.id}/disable", {}, token_from="/console/users", follow_redirects=True)
    assert "最后一个管理员" in page.get_data(as_text=True) and _user(app, "admin_all").active


def test_only_admins_manage_staff(app, signed_in):
    officer = signed_in("officer")
    assert officer.get("/console/users").status_code == 403
    assert officer.post("/console/users", {"username": "x", "role": "admin"}).status_code == 403
    assert officer.post("/console/users/1/disable", {}).status_code == 403


def test_duplicate_and_bad_usernames_are_refused(app, signed_in):
    admin = signed_in("admin")
    assert "已存在" in _create(admin, "admin_all", "officer").get_data(as_text=True)
    bad = _create(admin, "<b>x</b>", "officer")
    assert bad.status_code == 400 and "<b>x</b>" not in bad.get_data(as_text=True)
