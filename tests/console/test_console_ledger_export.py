"""The 台账 export read back with openpyxl (and as CSV): the 台账 columns filled from the
case's history, dates as real dates, phones as text without an apostrophe, a frozen header
and readable widths."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from openpyxl import load_workbook

from console.export import HEADERS
from models import Case, CaseGroup, utcnow
from models.db import db
from tests.console.console_helpers import make_case

PHONE = "+8613811112222"


def _setup(app, officer) -> tuple[str, str]:
    received = datetime(2026, 11, 2, 1, 30)  # 09:30 in the county
    online = make_case(app, "YJ2611020001", phone=PHONE, received_at=received)
    url = f"/console/cases/{online}"
    officer.post(url + "/move", {"state": "accepted"}, token_from=url)
    due = (utcnow() + timedelta(days=5)).date().isoformat()
    officer.post(url + "/supervise", {"note": "请五日内报告", "due_date": due}, token_from=url)
    officer.post(url + "/move", {"state": "answered", "answer": "已责令公司补发工资。"}, token_from=url)
    with app.app_context():
        group = CaseGroup(kind="joint", township="dongtun", petitioners=3, declared=12)
        db.session.add(group)
        db.session.commit()
        group_id = group.id
    make_case(app, "YJ2611020002", channel="letter", phone="+8613811113333", received_at=received,
              state="closed", accepted_at=received + timedelta(days=2), answered_at=received + timedelta(days=20),
              closed_at=received + timedelta(days=40), repeat_count=2, group_id=group_id)
    return "YJ2611020001", "YJ2611020002"


def test_xlsx_has_the_ledger_columns_real_dates_text_phones_and_a_frozen_header(app, signed_in):
    officer = signed_in("officer")
    online, letter = _setup(app, officer)
    book = load_workbook(io.BytesIO(officer.get("/console/export.xlsx?queue=all").data))
    sheet = book["台账"]
    assert [c.value for c in sheet[1]] == HEADERS and sheet[1][0].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 12 and sheet.column_dimensions["W"].width >= 40
    rows = {row[0].value: {h: c for h, c in zip(HEADERS, row)} for row in sheet.iter_rows(min_row=2)}
    first, second = rows[online], rows[letter]
    assert first["收件时间"].value == datetime(2026, 11, 2, 9, 30) and first["收件时间"].is_date
    assert first["收件时间"].number_format == "yyyy-mm-dd hh:mm"
    assert first["受理日期"].is_date and first["受理日期"].value.date() == first["答复日期"].value.date()
    assert first["联系方式"].value == PHONE and first["联系方式"].data_type == "s"
    assert first["联系方式"].number_format == "@"
    assert (first["信访形式"].value, first["人数"].value, first["重复次数"].value) == ("网上信访", 1, 0)
    assert first["答复意见"].value == "已责令公司补发工资。"
    assert first["督办"].value == "督办1次，1次未复"
    assert first["办结日期"].value is None
    assert (second["信访形式"].value, second["人数"].value, second["重复次数"].value) == ("来信", 12, 2)
    assert second["受理日期"].value == datetime(2026, 11, 4) and second["办结日期"].value == datetime(2026, 12, 12)
    assert second["督办"].value is None and second["答复意见"].value is None
    assert isinstance(second["人数"].value, int)


def test_csv_has_the_same_columns_as_text(app, signed_in):
    officer = signed_in("officer")
    online, letter = _setup(app, officer)
    rows = list(csv.reader(io.StringIO(officer.get("/console/export.csv?queue=all").get_data(as_text=True))))
    assert rows[0][0].lstrip("\ufeff") == "编号" and rows[0][1:] == HEADERS[1:]
    by_number = {row[0]: dict(zip(HEADERS, row)) for row in rows[1:]}
    assert by_number[online]["收件时间"] == "2026-11-02 09:30" and by_number[online]["联系方式"] == PHONE
    assert by_number[letter]["办结日期"] == date(2026, 12, 12).isoformat()
    assert by_number[letter]["人数"] == "12" and by_number[online]["督办"] == "督办1次，1次未复"
