"""Staff management in real Chromium: the admin creates an account, the new user signs in
with the one-time password and must set his own; the admin disables him."""
from __future__ import annotations


def test_admin_creates_a_user_who_sets_his_password_then_is_disabled(app, staff, browser_page):
    staff("admin", username="admin")
    admin = browser_page("admin")
    admin.on("dialog", lambda dialog: dialog.accept())  # the 停用 button asks first
    admin.click("header.top nav >> text=人员")
    admin.fill("#create-user input[name=username]", "wang")
    admin.select_option("#create-user select[name=role]", "handler")
    admin.select_option("#create-user select[name=unit]", label="东屯镇政府")
    admin.click("#create-user button[type=submit]")
    one_time = admin.inner_text("#one-time code.secret")
    assert len(one_time) == 12 and admin.is_visible("text=只显示这一次")
    assert "东屯镇政府" in admin.locator("#user-wang select[name$=unit] option:checked").inner_text()

    wang = browser_page(None)
    wang.fill("#username", "wang")
    wang.fill("#password", one_time)
    wang.click("button[type=submit]")
    wang.wait_for_url("**/console/password")
    assert wang.is_visible("text=一次性密码")
    wang.goto(wang.base + "/console/?queue=all")  # every page leads back to the form
    assert wang.url.endswith("/console/password")
    wang.fill("#current", one_time)
    wang.fill("#new", "wang-own-pass-1")
    wang.fill("#repeat", "wang-own-pass-1")
    wang.click("#password-form button[type=submit]")
    assert wang.is_visible("text=密码已修改") and "东屯镇政府" in wang.inner_text(".who")

    admin.goto(admin.base + "/console/users")
    admin.click("#user-wang .disable-form button")
    assert admin.is_visible("text=已停用 wang")
    wang.goto(wang.base + "/console/")
    assert "/console/login" in wang.url  # his open session ended

    admin.goto(admin.base + "/console/audit")
    logins = admin.inner_text("#logins")
    assert "新增人员" in logins and "停用账号" in logins and "修改密码" in logins and "对象：wang" in logins
