"""The 定期报告 page in real Chromium: a leader builds a month from the form, sees it listed,
and downloads the PDF, which is a PDF of that month."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from console.models import AuditLog
from models.db import db


@pytest.fixture
def app(make_app, tmp_path):
    """The console's app with the report archive in a temporary folder."""
    from tests.conftest import _empty_tables

    app = make_app(REPORTS_DIR=tmp_path / "reports")
    with app.app_context():
        _empty_tables()
    return app


def test_leader_builds_lists_and_downloads_a_monthly_report(app, staff, browser_page, tmp_path):
    staff("leader")
    page = browser_page("leader_all")
    page.click("nav >> text=定期报告")
    assert page.is_visible("text=尚无报告")
    page.select_option("#build-report select[name=kind]", "monthly")
    page.fill("#build-report input[name=day]", "2025-11-30")
    page.click("#build-report button[type=submit]")
    assert page.is_visible("text=已生成月报 2025-11")
    rows = page.locator("#report-files tbody tr")
    assert rows.count() == 2
    with page.expect_download() as info:
        page.locator("#report-files tr", has_text="PDF").locator("text=下载").click()
    download = info.value
    assert download.suggested_filename == "monthly-2025-11.pdf"
    reader = PdfReader(io.BytesIO(open(download.path(), "rb").read()))
    assert "延津县信访月报（2025-11-01 至 2025-11-30）" in reader.pages[0].extract_text()
    with app.app_context():
        kinds = [e.kind for e in db.session.query(AuditLog).filter(AuditLog.kind.like("report_%"))]
    assert kinds == ["report_build", "report_download"]
