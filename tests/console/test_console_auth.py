"""Sign-in, lock-out, CSRF, roles and the security headers of console pages."""
from __future__ import annotations

from sqlalchemy import select

from console.models import AuditLog
from models.db import db
from models import User
from tests.console.console_helpers import PASSWORD, Staff, csrf_token


def _kinds(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(AuditLog.kind).order_by(AuditLog.id)).scalars())


def test_pages_need_sign_in(client):
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_sign_in_and_out_are_logged(app, staff):
    name = staff("officer")
    web = Staff(app.test_client())
    assert web.login(name).status_code == 302
    assert web.get("/console/").status_code == 200
    assert web.post("/console/logout", {}).status_code == 302
    assert web.get("/console/").status_code == 302
    assert _kinds(app) == ["login", "logout"]


def test_password_is_hashed(app, staff):
    name = staff("admin")
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == name)).scalar_one()
        assert PASSWORD not in user.password_hash and user.password_hash.startswith(("scrypt", "pbkdf2"))


def test_lock_out_after_five_failures(app, staff):
    name = staff("officer")
    web = Staff(app.test_client())
    for _ in range(5):
        response = web.login(name, "wrong-password")
        assert response.status_code == 200 and "用户名或密码错误" in response.get_data(as_text=True)
    response = web.login(name)  # the right password, but locked now
    assert response.status_code == 200 and "已锁定" in response.get_data(as_text=True)
    assert _kinds(app) == ["login_failed"] * 5 + ["locked", "login_locked"]


def test_unknown_user_is_refused_and_logged(app):
    web = Staff(app.test_client())
    assert "用户名或密码错误" in web.login("nobody", "whatever-1").get_data(as_text=True)
    assert _kinds(app) == ["login_failed"]


def test_post_without_csrf_token_is_refused(app, signed_in):
    officer = signed_in("officer")
    assert officer.client.post("/console/logout").status_code == 400
    page = app.test_client().get("/console/login").get_data(as_text=True)
    assert app.test_client().post("/console/login", data={"username": "x", "password": "y"}).status_code == 400
    assert csrf_token(page)


def test_security_headers(signed_in):
    officer = signed_in("officer")
    response = officer.get("/console/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"
    assert "<script>" not in response.get_data(as_text=True)


def test_open_redirect_is_refused(app, staff):
    name = staff("officer")
    client = app.test_client()
    token = csrf_token(client.get("/console/login").get_data(as_text=True))
    response = client.post("/console/login?next=//evil.example/x",
                           data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"].endswith("/console/")


def test_password_change_ends_old_sessions(app, signed_in):
    officer = signed_in("officer")
    with app.app_context():
        user = db.session.execute(select(User).where(User.role == "officer")).scalar_one()
        user.set_password("a-new-password-2")
        db.session.commit()
    assert officer.get("/console/").status_code == 302


def test_leader_cannot_act_and_only_admin_sees_audit(signed_in):
    leader = signed_in("leader")
    assert leader.get("/console/audit").status_code == 403
    assert leader.get("/console/simulator").status_code == 403
    assert signed_in("admin").get("/console/audit").status_code == 200
