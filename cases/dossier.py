"""一案一册: a case's whole record as one PDF, for the staff who may see the case. A cover
(number, petitioner as the reader may see them, the case's facts), the petition, every written
document, the thread (messages in and out, with times), the events (when, who, what) and the
attachments listed. Built on request from the database, so it is always the current record;
the reader's masking (``Viewer``, decided by the console's access rules) applies to every
citizen text in it."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from flask import current_app
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select

from cases.document_pdf import FONT, MARGINS, document_story, footer, para, style
from cases.documents import CHANNEL_NAMES, documents_of
from models import Attachment, Case, CaseEvent, Message, utcnow
from models.db import db

COVER_TITLE = style("cover-title", 26, 1, leading=36, spaceBefore=30 * mm, spaceAfter=12 * mm)
HEADING = style("heading", 15, spaceBefore=4 * mm, spaceAfter=3 * mm)
META = style("meta", 9, textColor=colors.HexColor("#555555"), spaceBefore=2 * mm)
ENTRY = style("entry", 11, spaceAfter=1 * mm)
CELL = style("cell", 10)
GRID = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                   ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7"))])


@dataclass(frozen=True)
class Viewer:
    """Who prints the file and what they may read: the petitioner's name and phone as shown
    to them, and a redaction applied to every citizen text (identity by default)."""
    username: str
    petitioner: str
    phone: str
    redact: Callable[[str], str] = field(default=lambda value: value)
    event_names: dict[str, str] = field(default_factory=dict)


def dossier_pdf(case: Case, viewer: Viewer) -> bytes:
    out = io.BytesIO()
    issuer = current_app.extensions["documents"].issuer
    sheet = SimpleDocTemplate(out, pagesize=A4, title=f"一案一册 {case.number}", author=issuer, **MARGINS)
    story = _cover(case, viewer, issuer) + _petition(case, viewer) + _documents(case, viewer)
    story += _thread(case, viewer) + _events(case, viewer) + _attachments(case)
    page = footer(f"一案一册 {case.number}")
    sheet.build(story, onFirstPage=page, onLaterPages=page)
    return out.getvalue()


def _cover(case: Case, viewer: Viewer, issuer: str) -> list:
    taxonomy = current_app.extensions["taxonomy"]
    states = current_app.extensions["templates"]["zh"]["states"]
    place = " ".join(x for x in (taxonomy.township_name(case.township), case.village or "") if x) or "—"
    rows = [("信访件编号", case.number), ("信访人", viewer.petitioner or "未留姓名"), ("联系电话", viewer.phone or "—"),
            ("信访形式", CHANNEL_NAMES.get(case.channel, case.channel)), ("收件时间", _local(case.received_at)),
            ("问题类型", taxonomy.issue_type_name(case.issue_type) or "未分类"), ("地点", place),
            ("责任单位", taxonomy.department_name(case.department, case.township) or "待分办"),
            ("当前状态", states.get(case.state, case.state)), ("受理时间", _local(case.accepted_at)),
            ("答复时间", _local(case.answered_at)), ("办结时间", _local(case.closed_at)),
            ("打印", f"{viewer.username} · {_local(utcnow())}")]
    grid = Table([[para(k, CELL), para(v, CELL)] for k, v in rows], colWidths=[32 * mm, 120 * mm], style=GRID)
    return [para(issuer, style("cover-issuer", 18, 1)), para("信访事项案卷（一案一册）", COVER_TITLE), grid,
            PageBreak()]


def _petition(case: Case, viewer: Viewer) -> list:
    return [para("一、信访内容", HEADING), para(viewer.redact(case.text or "（无）"), ENTRY)]


def _documents(case: Case, viewer: Viewer) -> list:
    rows = documents_of(case)
    story: list = [para(f"二、文书（{len(rows)} 份）", HEADING)]
    story += [para(f"{row.fields['title']} {row.number}", ENTRY) for row in rows] or [para("（无）", ENTRY)]
    for row in rows:
        fields = dict(row.fields, to=viewer.redact(row.fields.get("to", "")),
                      paragraphs=[viewer.redact(p) for p in row.fields.get("paragraphs", [])])
        story += [PageBreak(), *document_story(fields)]
    return story + [PageBreak()]


def _thread(case: Case, viewer: Viewer) -> list:
    messages = db.session.execute(select(Message).where(Message.case_id == case.id)
                                  .order_by(Message.created_at, Message.id)).scalars().all()
    story: list = [para(f"三、来往记录（{len(messages)} 条）", HEADING)]
    for message in messages:
        who = "信访人来信息" if message.direction == "in" else "发给信访人"
        channel = CHANNEL_NAMES.get(message.channel, message.channel)
        story.append(para(f"{_local(message.created_at)} · {who} · {channel}", META))
        story.append(para(viewer.redact(message.body or ""), ENTRY))
    return story if messages else story + [para("（无）", ENTRY)]


def _events(case: Case, viewer: Viewer) -> list:
    events = db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                .order_by(CaseEvent.at, CaseEvent.id)).scalars().all()
    states = current_app.extensions["templates"]["zh"]["states"]
    story: list = [Spacer(1, 4 * mm), para(f"四、办理记录（{len(events)} 项）", HEADING)]
    for event in events:
        actor = event.actor.replace("user:", "").replace("citizen", "信访人").replace("system", "系统")
        after = event.after or {}
        detail = [f"状态：{states.get(after['state'], after['state'])}" if after.get("state") else "",
                  viewer.redact(event.note or "")]
        story.append(para(f"{_local(event.at)} · {viewer.event_names.get(event.kind, event.kind)} · {actor}", META))
        if any(detail):
            story.append(para("；".join(d for d in detail if d), ENTRY))
    return story


def _attachments(case: Case) -> list:
    rows = db.session.execute(select(Attachment).where(Attachment.case_id == case.id)
                              .order_by(Attachment.id)).scalars().all()
    story: list = [Spacer(1, 4 * mm), para(f"五、附件（{len(rows)} 件）", HEADING)]
    if not rows:
        return story + [para("（无）", ENTRY)]
    head = [para(h, CELL) for h in ("文件名", "类型", "大小", "上传", "时间")]
    body = [[para(r.original_name, CELL), para(r.content_type, CELL), para(f"{max(1, r.size // 1024)} KB", CELL),
             para(r.uploaded_by.replace("user:", ""), CELL), para(_local(r.created_at), CELL)] for r in rows]
    grid = Table([head, *body], colWidths=[55 * mm, 30 * mm, 18 * mm, 25 * mm, 32 * mm], repeatRows=1,
                 style=TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return story + [grid]


def _local(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return local.strftime("%Y-%m-%d %H:%M")


__all__ = ["Viewer", "dossier_pdf"]
