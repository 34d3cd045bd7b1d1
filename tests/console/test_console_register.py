"""登记 of letters, visits and calls by staff: the petitioner's 身份证号 sealed and masked,
attachments checked by content and stored outside the database, the same numbering, clock
and classification as an SMS petition; and the form in Chromium."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from cases import identity
from models import Attachment, Case, Message, Petitioner
from models.db import db
from tests.conftest import _empty_tables
from tests.console.console_helpers import csrf_token

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT = "我们是东屯镇前街村村民，村里的路三年没修，雨天学生上学都过不去，请县里帮忙解决。"


def valid_id(first17: str = "41072619800101123") -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


@pytest.fixture
def app(make_app, tmp_path):
    app = make_app(ATTACHMENT_DIR=tmp_path / "attachments", ATTACHMENT_MAX_BYTES=64 * 1024)
    with app.app_context():
        _empty_tables()
    return app


def _post(staff, data: dict, files: list[tuple[bytes, str]] = ()):
    token = csrf_token(staff.get("/console/register").get_data(as_text=True))
    form = {"form": "visit", "headcount": "1", **data, "csrf_token": token,
            "files": [(io.BytesIO(content), name) for content, name in files]}
    return staff.client.post("/console/register", data=form, content_type="multipart/form-data")


def _cases(app) -> list[Case]:
    with app.app_context():
        rows = db.session.execute(select(Case)).scalars().all()
        db.session.expunge_all()
        return rows


def test_a_visit_becomes_a_case_like_an_sms_petition(app, signed_in):
    officer = signed_in("officer")
    number_id = valid_id()
    response = _post(officer, {"form": "visit", "name": "赵六", "phone": "138 0000 1234", "id_number": number_id,
                               "address": "前街村3组", "township": "dongtun", "village": "前街村", "headcount": "6",
                               "content": TEXT}, [(PNG, "信件第1页.png"), (PDF, "scan.pdf")])
    assert response.status_code == 302, response.get_data(as_text=True)
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    [case] = _cases(app)
    assert re.fullmatch(r"YJ\d{10}", case.number) and f"已登记，编号 {case.number}" in page
    assert (case.channel, case.state, case.citizen_name, case.township, case.village) == \
        ("visit", "registered", "赵六", "dongtun", "前街村")
    assert case.issue_type and case.model_version and case.due_at  # classified and on the 15-day clock
    assert number_id not in page and "4107**********" + number_id[-4:] in page and 'id="headcount">6人' in page
    with app.app_context():
        person = db.session.execute(select(Petitioner)).scalar_one()
        assert number_id not in person.id_encrypted and identity.unseal(person.id_encrypted) == number_id
        assert person.id_digest == identity.digest(number_id) and person.phone == "+8613800001234"
        files = db.session.execute(select(Attachment).order_by(Attachment.id)).scalars().all()
        assert [(f.content_type, f.original_name) for f in files] == [("image/png", "信件第1页.png"),
                                                                       ("application/pdf", "scan.pdf")]
        stored = [Path(app.config["ATTACHMENT_DIR"]) / f.stored_name for f in files]
        assert stored[0].read_bytes() == PNG and re.fullmatch(r"[0-9a-f]{32}\.pdf", files[1].stored_name)
        ack = db.session.execute(select(Message).where(Message.direction == "out", Message.kind == "ack")).scalar_one()
        assert ack.address == "+8613800001234" and ack.channel == "sms" and case.number in ack.body
        kinds = [(e.kind, e.actor) for e in db.session.get(Case, case.id).events]
        assert ("created", "user:officer_all") in kinds and ("registered_by_staff", "user:officer_all") in kinds
    image = officer.get(f"/console/attachments/{files[0].id}")
    assert image.status_code == 200 and image.data == PNG and image.mimetype == "image/png"
    assert officer.get(f"/console/attachments/{files[1].id}").headers["Content-Disposition"].startswith("attachment")


def test_an_anonymous_letter_without_phone_or_id(app, signed_in):
    response = _post(signed_in("officer"), {"form": "letter", "content": TEXT})
    assert response.status_code == 302
    [case] = _cases(app)
    assert case.channel == "letter" and case.contact_id is None
    with app.app_context():
        assert db.session.execute(select(Message).where(Message.direction == "out", Message.kind == "ack")
                                  ).first() is None


@pytest.mark.parametrize("data, files, error", [
    ({"id_number": "410726198001011230"}, [], "身份证号校验位不对"),
    ({"id_number": "4107261980"}, [], "身份证号应为18位"),
    ({"phone": "call me maybe"}, [], "电话号码格式不对"),
    ({"content": ""}, [], "信访内容"),
    ({"headcount": "0"}, [], "人数"),
    ({"form": "telepathy"}, [], "信访形式"),
    ({}, [(b"<html><script>alert(1)</script></html>", "letter.png")], "只能上传图片"),
    ({}, [(b"MZ\x90\x00" + b"\x00" * 100, "scan.pdf")], "只能上传图片"),
    ({}, [(b"%PDF-1.4\n" + b"0" * (65 * 1024), "big.pdf")], "文件超过"),
    ({}, [(b"", "empty.png")], "文件为空"),
    ({}, [(b"", "")], None),  # the browser's part for a file input left empty: no attachment, no error
])
def test_bad_input_is_refused_and_nothing_is_stored(app, signed_in, data, files, error):
    response = _post(signed_in("officer"), {"content": TEXT, **data}, files)
    if error is None:
        assert response.status_code == 302
        return
    assert response.status_code == 400 and error in response.get_data(as_text=True)
    assert _cases(app) == []
    folder = Path(app.config["ATTACHMENT_DIR"])
    assert not folder.exists() or list(folder.iterdir()) == []


def test_only_the_bureau_registers_and_attachments_follow_the_case_scope(app, signed_in):
    officer = signed_in("officer")
    _post(officer, {"content": TEXT, "township": "dongtun"}, [(PNG, "a.png")])
    [case] = _cases(app)
    with app.app_context():
        attachment_id = db.session.execute(select(Attachment.id)).scalar_one()
    handler = signed_in("handler", "civil_affairs")
    assert handler.get("/console/register").status_code == 403
    assert handler.get(f"/console/attachments/{attachment_id}").status_code == 404
    assert officer.get("/console/attachments/999999").status_code == 404


def test_an_oversized_upload_gets_a_chinese_page(app, signed_in):
    officer = signed_in("officer")
    app.config["ATTACHMENT_MAX_FILES"] = 1
    response = _post(officer, {"content": TEXT}, [(b"%PDF-1.4\n" + b"0" * (400 * 1024), "huge.pdf")])
    assert response.status_code == 413 and "文件太大" in response.get_data(as_text=True)
    assert _cases(app) == []


def test_the_registration_form_in_chromium(app, staff, browser_page):
    staff("officer")
    page = browser_page("officer_all")
    page.click("text=登记")
    page.select_option("#form", "letter")
    page.fill("#name", "钱七")
    page.fill("#phone", "13900002222")
    page.fill("#id_number", valid_id("41072619751231002"))
    page.select_option("#township", "dongtun")
    page.fill("#village", "前街村")
    page.fill("#content", TEXT)
    page.set_input_files("#files", files=[{"name": "信.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#register-form button[type=submit]")
    page.wait_for_url("**/console/cases/*")
    assert page.is_visible("text=已登记，编号") and page.inner_text("#id-number").startswith("4107**********")
    assert page.locator("#attachments a", has_text="信.png").count() == 1
    assert "来信" in page.inner_text(".case-head")

    page.goto(page.base + "/console/register")
    page.fill("#id_number", "410726198001011230")
    page.fill("#content", TEXT)
    page.click("#register-form button[type=submit]")
    assert "身份证号校验位不对" in page.inner_text("#form-errors")
