"""A handler reaches only his unit's cases, by every route; phones masked where not needed."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.console.console_helpers import make_case


@pytest.fixture
def two_units(app):
    mine = make_case(app, "YJ2611270101", text="东屯镇欠薪", phone="+8613811110001")
    other = make_case(app, "YJ2611270102", text="马庄乡低保取消", phone="+8613811110002", issue_type="civil",
                      department="civil_affairs", township="mazhuang")
    town = make_case(app, "YJ2611270103", text="榆林乡村务不公开", phone="+8613811110003", issue_type="rural",
                     department="township_gov", township="yulin")
    return mine, other, town


def test_handler_is_refused_other_units_cases_by_every_route(two_units, signed_in):
    mine, other, _ = two_units
    handler = signed_in("handler", "hrss")
    assert handler.get(f"/console/cases/{mine}").status_code == 200
    assert handler.get(f"/console/cases/{other}").status_code == 404
    for action in ("note", "reply", "move", "assign", "correct", "merge", "confirm"):
        response = handler.post(f"/console/cases/{other}/{action}", {"text": "x", "state": "in_progress"})
        assert response.status_code in (403, 404), action
    listing = handler.get("/console/?queue=all&q=低保").get_data(as_text=True)
    assert "YJ2611270102" not in listing
    listing = handler.get("/console/?queue=all&department=civil_affairs").get_data(as_text=True)
    assert "YJ2611270102" not in listing
    exported = handler.get("/console/export.csv?queue=all").get_data(as_text=True)
    assert "YJ2611270101" in exported and "YJ2611270102" not in exported and "YJ2611270103" not in exported
    assert "YJ2611270102" not in handler.get("/console/dashboard").get_data(as_text=True)


def test_handler_cannot_merge_into_or_link_another_units_case(two_units, signed_in, app):
    mine, other, _ = two_units
    officer_like = signed_in("handler", "hrss")
    url = f"/console/cases/{mine}"
    assert officer_like.post(url + "/merge", {"into": "YJ2611270102"}, token_from=url).status_code == 403


def test_township_handler_sees_only_his_township(two_units, signed_in):
    mine, _, town = two_units
    handler = signed_in("handler", "township_gov", "yulin")
    assert handler.get(f"/console/cases/{town}").status_code == 200
    assert handler.get(f"/console/cases/{mine}").status_code == 404
    assert signed_in("handler", "township_gov", "dongtun").get(f"/console/cases/{town}").status_code == 404


def test_phone_numbers_masked_for_handlers_and_leaders(two_units, signed_in):
    mine, _, _ = two_units
    for role, dept in (("handler", "hrss"), ("leader", None)):
        client = signed_in(role, dept)
        page = client.get(f"/console/cases/{mine}").get_data(as_text=True)
        assert "+8613811110001" not in page and "+86138****0001" in page
        exported = client.get("/console/export.csv?queue=all").get_data(as_text=True)
        assert "+8613811110001" not in exported
    assert "+8613811110001" in signed_in("officer").get(f"/console/cases/{mine}").get_data(as_text=True)


def test_export_guards_formulas_in_csv_and_xlsx(app, signed_in):
    make_case(app, "YJ2611270104", text="=HYPERLINK(\"http://evil\",\"点我\")")
    make_case(app, "YJ2611270105", text="@SUM(1+1)")
    officer = signed_in("officer")
    rows = list(csv.reader(io.StringIO(officer.get("/console/export.csv?queue=all").get_data(as_text=True))))
    assert rows[0][0] == "\ufeff编号"
    texts = {row[0]: row[-1] for row in rows[1:]}
    assert texts["YJ2611270104"].startswith("'=") and texts["YJ2611270105"].startswith("'@")
    book = load_workbook(io.BytesIO(officer.get("/console/export.xlsx?queue=all").data))
    cells = [row for row in book["台账"].iter_rows(values_only=True)][1:]
    assert {row[-1] for row in cells} >= {"'=HYPERLINK(\"http://evil\",\"点我\")", "'@SUM(1+1)"}
    assert all(not str(v).startswith("=") for row in cells for v in row if v)


def test_export_follows_the_filters(app, two_units, signed_in):
    officer = signed_in("officer")
    exported = officer.get("/console/export.csv?queue=all&township=mazhuang").get_data(as_text=True)
    assert "YJ2611270102" in exported and "YJ2611270101" not in exported
