"""Hostile, malformed and oversized console input: a clear 4xx or a polite refusal on the
page, never a 500, and nothing changed by a refused form."""
from __future__ import annotations

import pytest

from models.db import db
from models import Case
from tests.console.console_helpers import make_case

GARBAGE = ["", "nosuch", "<script>alert(1)</script>", "'; DROP TABLE cases; --", "x" * 100_000, "\u202e\u200b",
           "0", "-1", "999999999999999999999"]
ACTIONS = {
    "correct": ["issue_type", "department", "township", "urgent"],
    "move": ["state", "reason", "answer", "route", "note"],
    "assign": ["department", "assignee"],
    "note": ["text"],
    "reply": ["text"],
    "merge": ["into"],
    "confirm": [],
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_garbage_in_every_field_never_breaks_the_console(app, signed_in, action):
    case_id = make_case(app, "YJ2611270001", issue_type="labor", department="hrss", township="dongtun")
    officer = signed_in("officer")
    url = f"/console/cases/{case_id}"
    for value in GARBAGE:
        form = {field: value for field in ACTIONS[action]}
        response = officer.post(f"{url}/{action}", form, token_from=url)
        assert response.status_code < 500, (action, value[:20], response.status_code)
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.issue_type in ("labor", None) or case.issue_type in app.extensions["taxonomy"].issue_types
        assert case.department in app.extensions["taxonomy"].departments


@pytest.mark.parametrize("path", ["/console/cases/0", "/console/cases/-1", "/console/cases/abc",
                                  "/console/?page=-5", "/console/?page=abc", "/console/?page=99999999",
                                  "/console/?queue=nosuch", "/console/?date_from=2026-13-45",
                                  "/console/?q=" + "%" * 2000, "/console/export.exe", "/console/export.csv?state=x'--"])
def test_hostile_urls_get_a_clear_answer(app, signed_in, path):
    officer = signed_in("officer")
    assert officer.get(path).status_code < 500


def test_forms_without_csrf_are_refused(app, signed_in):
    case_id = make_case(app, "YJ2611270002")
    officer = signed_in("officer")
    response = officer.client.post(f"/console/cases/{case_id}/note", data={"text": "无令牌"})
    assert response.status_code == 400
