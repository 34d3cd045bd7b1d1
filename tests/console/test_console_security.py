"""Console attacks from issue 11, each replayed against the real app: a petition about a
unit's own staff (回避) seen by that unit, merge copying text across units, a cookie that
outlives sign-out, lock-out used as denial of service, the simulator speaking as a real
citizen, reserved query names, and formula injection in the ledger."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from console import queries, stats
from console.models import AuditLog
from models import Case, User, utcnow
from models.db import db
from tests.conftest import Phone
from tests.console.console_helpers import PASSWORD, Staff, csrf_token, make_case

ACCUSATION = "我叫张三，东屯镇城管队员在集上掀了我的菜摊，还动手打人，把我胳膊打伤了"


def _case(app, needle: str) -> Case:
    with app.app_context():
        case = db.session.execute(select(Case).where(Case.text.contains(needle))).scalar_one()
        db.session.expunge(case)
        return case


def _user(app, username: str) -> User:
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == username)).scalar_one()
        db.session.expunge(user)
        return user


# --- 3. conflict of interest --------------------------------------------------------------

def test_a_petition_about_a_units_staff_is_invisible_to_that_unit(app, client, signed_in, staff):
    Phone(client, "+8613800005555").send(ACCUSATION)
    case = _case(app, "城管队员")
    assert case.conflict_unit == "urban_management" and case.conflict_level == "certain"
    assert case.department == "discipline" and case.needs_triage
    officer = signed_in("officer")
    page = officer.get(f"/console/cases/{case.id}").get_data(as_text=True)
    assert "涉及本单位人员" in page
    # Even assigned back to the accused unit by mistake, that unit still cannot see it.
    officer.post(f"/console/cases/{case.id}/assign", {"department": "urban_management", "assignee": ""},
                 token_from=f"/console/cases/{case.id}")
    assert _case(app, "城管队员").department == "urban_management"
    unit = signed_in("handler", "urban_management")
    assert unit.get(f"/console/cases/{case.id}").status_code == 404
    for url in ("/console/?queue=all", "/console/?queue=all&q=城管", f"/console/?q={case.number}",
                "/console/export.csv?queue=all", "/console/units", "/console/dashboard"):
        page = unit.get(url).get_data(as_text=True)
        assert f"/console/cases/{case.id}\"" not in page and "掀了我的菜摊" not in page, url
    assert case.number not in unit.get("/console/export.csv?queue=all").get_data(as_text=True)
    handler = _user(app, "handler_urban_management")
    with app.app_context():
        assert queries.queue_counts(handler, utcnow())["all"] == 0
        assert stats.dashboard(handler, utcnow(), "Asia/Shanghai").total == 0
    discipline = signed_in("handler", "discipline")
    assert discipline.get(f"/console/cases/{case.id}").status_code == 404  # it is urban's now, by mistake
    assert case.number in officer.get("/console/?queue=all").get_data(as_text=True)


def test_discipline_unit_sees_it_and_leaders_export_masks_the_petitioner(app, client, signed_in):
    Phone(client, "+8613800005556").send(ACCUSATION)
    case = _case(app, "城管队员")
    assert signed_in("handler", "discipline").get(f"/console/cases/{case.id}").status_code == 200
    leader = signed_in("leader")
    exported = leader.get("/console/export.csv?queue=all").get_data(as_text=True)
    row = next(r for r in csv.reader(io.StringIO(exported)) if r and r[0] == case.number)
    assert "张三" not in exported and row[9] == "张*" and "我叫张*" in row[-1] and "+8613800005556" not in exported
    assert "张三" in signed_in("officer").get("/console/export.csv?queue=all").get_data(as_text=True)


def test_a_possible_conflict_waits_for_an_officer_who_may_clear_it(app, client, signed_in):
    Phone(client, "+8613800005557").send("我叫李四，东屯镇城管队员说我的摊位要搬到市场里面去，请问搬到哪里")
    case = _case(app, "摊位")
    assert case.conflict_level == "possible" and case.conflict_unit
    officer = signed_in("officer")
    url = f"/console/cases/{case.id}"
    officer.post(url + "/assign", {"department": case.conflict_unit, "assignee": ""}, token_from=url)
    unit = signed_in("handler", case.conflict_unit)
    assert unit.get(url).status_code == 404
    officer.post(url + "/conflict/clear", {}, token_from=url)
    assert _case(app, "摊位").conflict_unit is None
    assert unit.get(url).status_code == 200


def test_open311_hides_a_conflict_case_from_other_clients(app, client):
    from api.keys import create_key

    with app.app_context():
        mine, other = create_key("unit-portal"), create_key("other-app")
    form = {"service_code": "urban", "address_string": "东屯镇集市", "api_key": mine,
            "description": "城管队员在集上掀了我的菜摊，还动手打人，索要好处费"}
    number = client.post("/open311/v2/requests.json", data=form).json[0]["service_request_id"]
    assert _case(app, "掀了我的菜摊").conflict_unit == "urban_management"
    listed = client.get("/open311/v2/requests.json", query_string={"api_key": other}).json
    assert number not in [r["service_request_id"] for r in listed]
    assert client.get(f"/open311/v2/requests/{number}.json", query_string={"api_key": other}).status_code == 404
    assert client.get(f"/open311/v2/requests/{number}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{number}.json", query_string={"api_key": mine}).status_code == 200


# --- 4. merge keeps scope -----------------------------------------------------------------

def test_merge_links_without_copying_the_citizens_words_across_units(app, signed_in):
    first = make_case(app, "YJ2611270301", department="hrss", citizen_name="王五")
    second = make_case(app, "YJ2611270302", text="我叫赵六，电话13900001111，东屯镇欠薪", phone="+8613800006666",
                       department="housing", citizen_name="赵六")
    officer = signed_in("officer")
    url = f"/console/cases/{second}"
    officer.post(url + "/merge", {"into": "YJ2611270301"}, token_from=url)
    with app.app_context():
        assert db.session.get(Case, second).merged_into_id == first
        assert "赵六" not in db.session.get(Case, first).text
    page = signed_in("handler", "hrss").get(f"/console/cases/{first}").get_data(as_text=True)
    assert "赵六" not in page and "13900001111" not in page


# --- 5. sessions ---------------------------------------------------------------------------

def test_session_cookie_flags_and_lifetime(app, staff):
    web = Staff(app.test_client())
    response = web.login(staff("officer"))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=8)


def test_production_cookie_is_secure(make_app, staff):
    app = make_app(APP_ENV="production", SESSION_COOKIE_SECURE=True)  # ONDUTY_PHONES set by the fixture
    assert app.config["SESSION_COOKIE_SECURE"] is True
    from config.settings import load_settings

    assert load_settings(app.instance_path, {"APP_ENV": "production", "SECRET_KEY": "x",
                                             "ONDUTY_PHONES": "+8613900000001"})["SESSION_COOKIE_SECURE"]


def test_a_cookie_copied_before_logout_is_dead_after_it(app, staff):
    name = staff("officer")
    web = Staff(app.test_client())
    web.login(name)
    stolen = app.test_client()
    stolen.set_cookie("session", web.client.get_cookie("session").value)
    assert stolen.get("/console/").status_code == 200
    page = web.get("/console/").get_data(as_text=True)
    web.client.post("/console/logout", data={"csrf_token": csrf_token(page)})
    assert stolen.get("/console/").status_code == 302


@pytest.mark.parametrize("key, age", [("seen_at", timedelta(minutes=31)), ("signed_in_at", timedelta(hours=8, minutes=1))])
def test_idle_and_absolute_timeouts(app, staff, key, age):
    web = Staff(app.test_client())
    web.login(staff("officer"))
    assert web.get("/console/").status_code == 200
    with web.client.session_transaction() as session:
        session[key] = int((datetime.now() - age).timestamp())
    assert web.get("/console/").status_code == 302


def test_x_forwarded_for_is_believed_only_through_trusted_proxies(make_app, staff):
    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.9")):
        app = make_app(TRUSTED_PROXY_COUNT=proxies)
        seen = []
        app.add_url_rule("/_ip", "ip", lambda: seen.append(__import__("flask").request.remote_addr) or "")
        app.test_client().get("/_ip", headers={"X-Forwarded-For": "203.0.113.9"})
        assert seen == [expected]


# --- 6. lock-out without denial of service ------------------------------------------------

def _from(app, address: str) -> Staff:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Staff(client)


def test_an_attacker_locks_only_his_own_address(app, staff):
    admin = staff("admin")
    attacker = _from(app, "198.51.100.7")
    for _ in range(6):
        attacker.login(admin, "guess")
    locked = attacker.login(admin)  # right password, from the attacking address
    assert locked.status_code == 200 and "已锁定" in locked.get_data(as_text=True)
    assert _from(app, "192.0.2.10").login(admin).status_code == 302  # the real admin elsewhere


def test_an_address_guessing_many_accounts_is_locked(app, make_app, staff):
    real = staff("officer")
    attacker = _from(make_app(LOGIN_RATE="1000 per minute"), "198.51.100.8")
    for i in range(30):
        attacker.login(f"user{i}", "guess")
    assert "已锁定" in attacker.login(real).get_data(as_text=True)


def test_unknown_locked_and_wrong_cost_one_password_check_each(app, staff, monkeypatch):
    import console.auth as auth

    name = staff("officer")
    checks = []
    real_check = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash", lambda h, p: checks.append(h) or real_check(h, p))
    web = _from(app, "198.51.100.9")
    web.login("nobody-by-this-name", "x")
    web.login(name, "wrong")
    for _ in range(5):
        web.login(name, "wrong")
    web.login(name, PASSWORD)  # locked
    assert len(checks) == 8  # one per attempt, whatever the outcome
    answers = {web.login(n, "x").get_data(as_text=True).count("用户名或密码错误") for n in ("nobody2", "nobody3")}
    assert answers == {1}


def test_login_is_rate_limited_per_address_in_chinese(make_app, staff):
    app = make_app(LOGIN_RATE="3 per minute")
    web = _from(app, "198.51.100.10")
    codes = [web.login("x", "y").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    assert "请求过于频繁" in web.login("x", "y").get_data(as_text=True)


# --- 9. simulator -------------------------------------------------------------------------

def test_simulator_cannot_act_as_a_real_citizen(app, client, signed_in):
    Phone(client, "+8613800007777").send("东屯镇建筑工地拖欠工资三个月")
    officer = signed_in("officer")
    url = "/console/simulator?phone=%2B8613800007777"
    refused = officer.post("/console/simulator", {"phone": "+8613800007777", "text": "退订"}, token_from=url)
    assert refused.status_code == 403
    with app.app_context():
        from models import Contact

        assert db.session.execute(select(Contact.opted_out).where(Contact.address == "+8613800007777")).scalar_one() \
            is False
    test_number = "+8610000000001"
    played = officer.post("/console/simulator", {"phone": test_number, "text": "东屯镇路灯坏了"}, token_from=url)
    assert played.status_code == 302
    with app.app_context():
        audit = db.session.execute(select(AuditLog).where(AuditLog.kind == "simulate")).scalar_one()
        assert audit.username == "officer_all" and audit.detail["phone"] != test_number


# --- 10. reserved query names -------------------------------------------------------------

@pytest.mark.parametrize("query", ["fmt=x", "endpoint=x", "_method=x", "_external=1", "_anchor=x", "_scheme=x"])
def test_reserved_query_names_are_not_a_500(signed_in, query):
    officer = signed_in("officer")
    for path in ("/console/", "/console/units", "/console/dashboard", "/console/audit", "/console/export.csv"):
        assert officer.get(f"{path}?{query}&page=2").status_code < 500, path


@pytest.mark.parametrize("target", ["/console/%0d%0aSet-Cookie:%20x=1", "/console/%0aX:y", "/console/\t"])
def test_crlf_in_next_goes_to_the_queue(app, staff, target):
    web = Staff(app.test_client())
    page = web.get("/console/login").get_data(as_text=True)
    response = web.client.post(f"/console/login?next={target}", data={
        "username": staff("officer"), "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/console/"


# --- 11. ledger formula guard -------------------------------------------------------------

def test_ledger_guards_hidden_formulas_but_leaves_phones_alone(app, signed_in):
    for number, text in (("YJ2611270401", " =1+1"), ("YJ2611270402", "\n=cmd|' /C calc'!A0"),
                         ("YJ2611270403", "＝HYPERLINK(\"http://evil\")"), ("YJ2611270404", "＋1"),
                         ("YJ2611270405", "－2"), ("YJ2611270406", "＠SUM(1)"), ("YJ2611270407", "\u3000=1")):
        make_case(app, number, text=text)
    officer = signed_in("officer")
    rows = list(csv.reader(io.StringIO(officer.get("/console/export.csv?queue=all").get_data(as_text=True))))
    texts = {row[0]: row[-1] for row in rows[1:]}
    assert all(texts[n].startswith("'") for n in texts), texts
    assert {row[10] for row in rows[1:]} == {"+8613811112222"}  # the full phone, no apostrophe
    book = load_workbook(io.BytesIO(officer.get("/console/export.xlsx?queue=all").data))
    cells = [row for row in book["台账"].iter_rows(values_only=True)][1:]
    assert all(row[-1].startswith("'") for row in cells) and {row[10] for row in cells} == {"+8613811112222"}
