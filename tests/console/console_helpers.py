"""Helpers shared by the console tests (imported as tests.console.console_helpers)."""
from __future__ import annotations

import re

from models.db import db
from models import Case

PASSWORD = "correct-horse-1"
TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Staff:
    """A signed-in browser-less client: get pages, post forms with the page's CSRF token."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD):
        page = self.client.get("/console/login")
        return self.client.post("/console/login", data={"username": username, "password": password,
                                                        "csrf_token": csrf_token(page.get_data(as_text=True))})

    def get(self, url: str, **kw):
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict, token_from: str | None = None, **kw):
        page = self.client.get(token_from or "/console/")
        return self.client.post(url, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))}, **kw)


def case_by_text(app, needle: str) -> Case:
    with app.app_context():
        case = db.session.query(Case).filter(Case.text.contains(needle)).one()
        db.session.expunge(case)
        return case


def make_case(app, number: str, text: str = "东屯镇拖欠工资", phone: str = "+8613811112222", **fields) -> int:
    """A case straight in the database (for queue and scope tests); returns its id."""
    from datetime import timedelta

    from cases.clocks import due_after
    from models import Contact, utcnow

    with app.app_context():
        contact = db.session.query(Contact).filter_by(channel="sms", address=phone).one_or_none()
        contact = contact or Contact(channel="sms", address=phone, dialogue={})
        now = fields.pop("received_at", utcnow() - timedelta(hours=1))
        values = dict(number=number, channel="sms", text=text, contact=contact, received_at=now,
                      state="registered", due_at=due_after("registered", now), issue_type="labor",
                      department="hrss", township="dongtun", issue_type_confidence=0.9,
                      department_confidence=0.9, keywords=["工资"], needs_triage=True)
        values.update(fields)
        case = Case(**values)
        db.session.add(case)
        db.session.commit()
        return case.id
