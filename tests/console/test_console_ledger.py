"""Imported history in the console: the channel by name, the ledger's phone masked by role."""
from __future__ import annotations

from sqlalchemy import select

from models import Case
from models.db import db
from tests.test_ledger import HEADERS, ROWS, write_xlsx


def test_history_case_page_masks_the_ledger_phone(app, runner, signed_in, tmp_path):
    result = runner.invoke(args=["cases", "import", str(write_xlsx(tmp_path / "l.xlsx", HEADERS["a"], ROWS[:1]))])
    assert "imported 1 of 1" in result.output
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
    handler = signed_in("handler", "hrss").get(f"/console/cases/{case.id}").get_data(as_text=True)
    assert "+86138****0001" in handler and "13800000001" not in handler and "来信" in handler
    officer = signed_in("officer").get(f"/console/cases/{case.id}").get_data(as_text=True)
    assert "+8613800000001" in officer and "已办结" in officer
