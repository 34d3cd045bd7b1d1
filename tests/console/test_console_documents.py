"""The case's documents and 一案一册 in the console: listed on the case page, served as PDFs
to whoever may see the case and to nobody else, every download in the audit log."""
from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from console.models import AuditLog
from models import Case, CaseDocument
from models.db import db
from tests.console.console_helpers import make_case

HOSTILE = "<b>东屯镇 & <i>拖欠工资</para> ]]> " + "很长的诉求" * 2000


def _text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def _accept(officer, case_id: int) -> str:
    url = f"/console/cases/{case_id}"
    officer.post(url + "/move", {"state": "accepted"}, token_from=url)
    return url


def _documents(app, case_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return [(d.id, d.kind) for d in db.session.execute(select(CaseDocument).where(
            CaseDocument.case_id == case_id).order_by(CaseDocument.id)).scalars()]


def _audit(app, kind: str) -> list[dict]:
    with app.app_context():
        return [row.detail for row in db.session.execute(select(AuditLog).where(AuditLog.kind == kind)).scalars()]


def test_documents_listed_downloaded_and_audited(app, signed_in):
    officer, own, other = signed_in("officer"), signed_in("handler", "hrss"), signed_in("handler", "housing")
    case_id = make_case(app, "YJ2612010001", citizen_name="李四", needs_triage=False)
    url = _accept(officer, case_id)
    docs = _documents(app, case_id)
    assert [kind for _, kind in docs] == ["accepted", "handover"]
    page = own.get(url).get_data(as_text=True)
    assert "受理告知书" in page and "交办单" in page and "一案一册" in page
    accepted = f"{url}/documents/{docs[0][0]}.pdf"
    text = _text(own.get(accepted))
    assert "受理告知书" in text and "YJ2612010001" in text and "李四" in text
    assert own.get(accepted + "?download=1").headers["Content-Disposition"].startswith("attachment")
    inline = own.get(accepted)  # opens in the browser's viewer to print: no object-src 'none' on it
    assert inline.headers["Content-Disposition"].startswith("inline") and "object-src" not in \
        inline.headers["Content-Security-Policy"] and inline.headers["X-Frame-Options"] == "DENY"
    assert "object-src 'none'" in own.get(url).headers["Content-Security-Policy"]  # the pages keep theirs
    dossier = _text(officer.get(url + "/dossier.pdf"))
    assert "一案一册" in dossier and "东屯镇拖欠工资" in dossier and "交办单" in dossier
    assert _audit(app, "document_download") == [{"case": "YJ2612010001", "document": _number(app, docs[0][0])}] * 3
    assert _audit(app, "dossier_download") == [{"case": "YJ2612010001"}]
    # another unit's handler learns nothing: 404 for the document, the dossier and the page
    for path in (accepted, url + "/dossier.pdf", url):
        assert other.get(path).status_code == 404
    assert len(_audit(app, "document_download")) == 3


def _number(app, document_id: int) -> str:
    with app.app_context():
        return db.session.get(CaseDocument, document_id).number


def test_a_document_is_served_only_under_its_own_case(app, signed_in):
    officer = signed_in("officer")
    first, second = make_case(app, "YJ2612010001", needs_triage=False), make_case(app, "YJ2612010002")
    _accept(officer, first)
    [(doc_id, _), _] = _documents(app, first)
    assert officer.get(f"/console/cases/{second}/documents/{doc_id}.pdf").status_code == 404
    assert officer.get(f"/console/cases/{first}/documents/999999.pdf").status_code == 404


def test_leader_reads_a_discipline_case_file_masked(app, signed_in):
    officer, leader = signed_in("officer"), signed_in("leader")
    case_id = make_case(app, "YJ2612010003", text="举报王五局长，电话13812345678", citizen_name="赵六",
                        department="discipline", needs_triage=False)
    url = _accept(officer, case_id)
    [(doc_id, _), *_] = _documents(app, case_id)
    assert leader.get(f"{url}/documents/{doc_id}.pdf").status_code == 403  # the letter carries the name
    text = _text(leader.get(url + "/dossier.pdf"))
    assert "赵*" in text and "赵六" not in text and "13812345678" not in text
    assert "赵六" in _text(officer.get(url + "/dossier.pdf"))


def test_hostile_text_prints(app, signed_in):
    officer = signed_in("officer")
    case_id = make_case(app, "YJ2612010004", text=HOSTILE, citizen_name="<script>x</script>", needs_triage=False)
    url = _accept(officer, case_id)
    text = _text(officer.get(url + "/dossier.pdf"))
    assert "<b>东屯镇&<i>拖欠工资</para>]]>" in text and "<script>x</script>" in text
    with app.app_context():
        assert all(d.stored_name for d in db.session.execute(select(CaseDocument)).scalars())
        assert db.session.execute(select(Case.state).where(Case.id == case_id)).scalar_one() == "accepted"


def test_documents_card_in_chromium(app, staff, browser_page):
    """The case page's 文书与案卷 card in real Chromium: the links carry the session and serve PDFs."""
    staff("officer")
    case_id = make_case(app, "YJ2612010005", needs_triage=False)
    page = browser_page("officer_all")
    page.goto(page.base + f"/console/cases/{case_id}")
    assert "尚无文书" in page.inner_text("#documents")
    page.click("#move-accepted button")
    card = page.inner_text("#documents")
    assert "受理告知书" in card and "交办单" in card and "待生成" not in card
    for link in page.locator("#documents a").all():
        response = page.request.get(page.base + link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
