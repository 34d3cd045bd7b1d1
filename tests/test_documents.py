"""Written documents (受理告知书 ... 督办单) made by the state changes that call for them, read
back as PDFs with pypdf: A4, Chinese text, the case number, the bureau, the 文号 and the
words that matter (the reason, the opinion, the body to turn to). And 一案一册."""
from __future__ import annotations

import io
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from cases import documents, services, workflow
from cases.document_pdf import document_pdf
from cases.dossier import Viewer, dossier_pdf
from config.data import DataError
from config.documents import load_documents
from models import Case, CaseDocument, CaseState, Contact, Message
from models.db import db

HOSTILE = "<b>加粗 & <i>未闭合 <para>]]> &amp; <font size=99>大</font> \x07\x1b 😀 " + "拖欠工资" * 1500
A4 = (595.28, 841.89)


def _case(text: str = "东屯镇某建筑公司拖欠我三个月工资共一万二千元。", phone: str = "+8613800000000") -> Case:
    contact = Contact(channel="sms", address=phone, dialogue={})
    message = Message(direction="in", channel="sms", provider_id="SM" + phone[-4:], address=contact.address, body=text,
                      state="received", contact=contact)
    db.session.add_all([contact, message])
    db.session.flush()
    case = services.open_case(contact, message, now=datetime(2026, 11, 27, 2, 0))
    case.citizen_name, case.department, case.issue_type, case.township = "王小明", "hrss", "labor", "dongtun"
    return case


def _read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
    return reader, "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def _text_of(row: CaseDocument) -> str:
    return _read(documents.pdf_bytes(row))[1]


def _docs(case: Case) -> dict[str, CaseDocument]:
    return {row.kind: row for row in documents.documents_of(case)}


def test_each_state_change_makes_its_document(app):
    with app.app_context():
        case = _case()
        t0 = datetime(2026, 11, 28, 2, 0)
        services.transition(case, CaseState.ACCEPTED, "user:officer", now=t0)  # + 交办单
        workflow.supervise(case, "请于五日内上报欠薪核查情况", date(2026, 12, 10), "user:officer")
        services.transition(case, CaseState.ANSWERED, "user:handler", answer="责令公司于12月5日前足额支付工资",
                            note="经核查，该公司确欠王小明工资一万二千元", now=t0 + timedelta(days=20))
        services.transition(case, CaseState.REVIEW, "citizen", now=t0 + timedelta(days=25))
        services.transition(case, CaseState.ANSWERED, "user:officer", answer="维持原处理意见", now=t0 + timedelta(days=40))
        services.transition(case, CaseState.REVIEW, "citizen", now=t0 + timedelta(days=45))
        services.transition(case, CaseState.ANSWERED, "user:officer", answer="复核维持", now=t0 + timedelta(days=60))
        db.session.commit()
        rows = documents.documents_of(case)
        assert [r.kind for r in rows] == ["accepted", "handover", "supervision", "opinion", "handover",  # 复查 body
                                          "review_opinion", "handover", "reexamine_opinion"]          # 复核 body
        year = rows[1].fields["date"][:4]  # a 交办 is dated when it happens (the clock of hand_over)
        assert [r.number for r in rows if r.kind == "handover"] == [
            f"延信交〔{year}〕{case.number}号", f"延信交〔{year}〕{case.number}-2号", f"延信交〔{year}〕{case.number}-3号"]
        docs = _docs(case)
        assert all(row.stored_name and row.error is None for row in docs.values())
        texts = {kind: _text_of(row) for kind, row in docs.items()}
    for kind, title in [("accepted", "受理告知书"), ("handover", "交办单"), ("supervision", "督办单"),
                        ("opinion", "处理意见书"), ("review_opinion", "复查意见书"), ("reexamine_opinion", "复核意见书")]:
        assert "延津县信访局" in texts[kind] and case.number in texts[kind] and title in texts[kind], kind
        assert re.search(r"〔\d{4}〕", texts[kind]) and "盖章" in texts[kind], kind
    assert "王小明" in texts["accepted"] and "人力资源" in texts["accepted"] and "2027年1月27日" in texts["accepted"]
    assert "请于五日内上报欠薪核查情况" in texts["supervision"] and "2026年12月10日" in texts["supervision"]
    opinion = texts["opinion"]
    assert "拖欠我三个月工资" in opinion and "确欠王小明工资" in opinion and "足额支付工资" in opinion
    assert "30日内" in opinion and "县人民政府复查复核办公室" in opinion and "第三十五条" in opinion
    assert "复核请求" in texts["review_opinion"] and "新乡市人民政府复查复核办公室" in texts["review_opinion"]
    assert "最终意见" in texts["reexamine_opinion"]


def test_refusal_gives_the_reason_and_where_to_turn(app):
    with app.app_context():
        case = _case()
        services.transition(case, CaseState.NOT_ACCEPTED, "user:officer", route="litigation",
                            reason="该事项已进入民事诉讼程序")
        db.session.commit()
        [row] = documents.documents_of(case)
        text = _text_of(row)
    assert row.kind == "not_accepted" and "不予受理告知书" in text
    assert "该事项已进入民事诉讼程序" in text and "人民法院" in text and case.number in text


def test_a_failed_typesetting_never_stops_the_state_change_and_is_retried(app, monkeypatch):
    def broken(fields):
        raise OSError("disk full")

    with app.app_context():
        case = _case()
        monkeypatch.setattr(documents, "document_pdf", broken)
        services.transition(case, CaseState.ACCEPTED, "user:officer")
        db.session.commit()
        assert case.state == CaseState.ACCEPTED
        rows, case_id = documents.documents_of(case), case.id
        assert [r.stored_name for r in rows] == [None, None] and rows[0].attempts == 1 and "disk full" in rows[0].error
        monkeypatch.undo()
    result = app.test_cli_runner().invoke(args=["supervise", "run"])  # the daily run retries
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = documents.documents_of(db.session.get(Case, case_id))
        assert all(r.stored_name and r.error is None for r in rows)
        assert "受理告知书" in _text_of(rows[0])


def test_a_failed_template_keeps_the_values_and_renders_later(app, monkeypatch):
    with app.app_context():
        case = _case()
        template = app.extensions["documents"]["not_accepted"]
        monkeypatch.setattr(type(template), "render", lambda self, values: 1 / 0)
        services.transition(case, CaseState.NOT_ACCEPTED, "user:officer", route="other", reason="不属本县管辖")
        db.session.commit()
        [row] = documents.documents_of(case)
        assert case.state == CaseState.NOT_ACCEPTED and row.stored_name is None and "ZeroDivision" in row.error
        monkeypatch.undo()
        text = _text_of(row)   # the first download renders it
        db.session.commit()
        assert "不属本县管辖" in text and "values" not in row.fields and row.stored_name


def test_hostile_citizen_and_staff_text_is_printed_as_written(app):
    with app.app_context():
        case = _case(HOSTILE)
        case.citizen_name = "<b>张&三"
        services.transition(case, CaseState.ACCEPTED, "user:officer")
        services.transition(case, CaseState.ANSWERED, "user:handler", answer="<i>已办 & 结</u>" * 300,
                            note="</para><br/>" * 50)
        db.session.commit()
        docs = _docs(case)
        assert all(row.stored_name for row in docs.values()), [row.error for row in docs.values()]
        reader, text = _read(documents.pdf_bytes(docs["opinion"]))
        assert "<i>已办&结</u>" in text and "</para><br/>" in text and len(reader.pages) >= 2
        assert "<b>张&三" in _text_of(docs["accepted"])
        data = dossier_pdf(case, Viewer("officer", case.citizen_name, "+8613800000000"))
        _, dossier = _read(data)
        assert "<b>加粗&<i>未闭合<para>]]>&amp;" in dossier
        fields = dict(docs["accepted"].fields, paragraphs=["\x00\ud800<br>" * 10])  # not storable, still printable
        assert "<br>" in _read(document_pdf(fields))[1]


def test_dossier_holds_the_documents_thread_events_and_attachments(app, tmp_path):
    from models import Attachment

    with app.app_context():
        case = _case()
        services.transition(case, CaseState.ACCEPTED, "user:officer")
        services.add_note(case, "已电话联系公司负责人", "user:officer")
        services.staff_reply(case, "您好，已转人社局办理。", "user:officer")
        db.session.add(Attachment(case_id=case.id, stored_name="x.jpg", original_name="来信扫描件.jpg",
                                  content_type="image/jpeg", size=204800, uploaded_by="user:officer"))
        db.session.commit()
        masked = Viewer("leader", "王*明", "138****0000", lambda t: t.replace("王小明", "王*明"),
                        {"created": "登记", "handed": "交办"})
        reader, text = _read(dossier_pdf(case, masked))
    assert "一案一册" in text and case.number in text and "王*明" in text and "王小明" not in text
    assert "拖欠我三个月工资" in text and "您好，已转人社局办理" in text    # the thread, both ways
    assert "登记" in text and "交办" in text and "已电话联系公司负责人" in text and "officer" in text
    assert "受理告知书" in text and "交办单" in text and "来信扫描件.jpg" in text
    assert len(reader.pages) >= 4


def test_documents_yaml_is_checked_at_start(tmp_path):
    source = (Path(__file__).resolve().parents[1] / "config" / "documents.yaml").read_text(encoding="utf-8")
    (tmp_path / "documents.yaml").write_text(source.replace("{{ deadline }}", "{{ dedline }}"), encoding="utf-8")
    with pytest.raises(DataError, match="accepted.*dedline"):
        load_documents(tmp_path)
    (tmp_path / "documents.yaml").write_text(source.replace("title: 督办单", "").replace(
        "title: 信访事项督办单", ""), encoding="utf-8")
    with pytest.raises(DataError, match="supervision"):
        load_documents(tmp_path)
    assert load_documents().issuer == "延津县信访局"


@pytest.mark.skipif(not os.environ.get("REPORT_IMAGES"),
                    reason="set REPORT_IMAGES=docs/img to draw the pages shown in docs/reports.md")
def test_draw_document_pages_for_the_docs(app):
    """REPORT_IMAGES=docs/img .venv/bin/python -m pytest tests/test_documents.py -k "draw_document and sqlite" """
    import pypdfium2

    out = Path(os.environ["REPORT_IMAGES"])
    out.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        case = _case()
        services.transition(case, CaseState.ACCEPTED, "user:officer", now=datetime(2026, 11, 28, 2, 0))
        workflow.supervise(case, "请于五日内上报欠薪核查情况", date(2026, 12, 10), "user:officer")
        services.transition(case, CaseState.ANSWERED, "user:handler", answer="责令公司于12月5日前足额支付工资",
                            note="经核查，该公司确欠王小明工资一万二千元")
        services.transition(case, CaseState.REVIEW, "citizen")
        services.transition(case, CaseState.ANSWERED, "user:officer", answer="维持原处理意见")
        services.transition(case, CaseState.REVIEW, "citizen")
        services.transition(case, CaseState.ANSWERED, "user:officer", answer="复核维持")
        other = _case(phone="+8613800000001")
        services.transition(other, CaseState.NOT_ACCEPTED, "user:officer", route="litigation", reason="已进入诉讼程序")
        db.session.commit()
        rows = documents.documents_of(case) + documents.documents_of(other)
        pages: dict[str, bytes] = {}
        for row in rows:  # the first of each kind (a 复查 hands the case over again, to the 复查 body)
            pages.setdefault(row.kind, documents.pdf_bytes(row))
        pages["dossier"] = dossier_pdf(case, Viewer("officer", "王小明", "+8613800000000"))
    for kind, data in pages.items():
        image = pypdfium2.PdfDocument(data)[0].render(scale=1.0).to_pil()
        image.save(out / f"document-{kind}.png", optimize=True)
        assert image.size[0] > 500
