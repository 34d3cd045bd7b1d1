"""Typesetting of the written documents (cases.documents) on A4, in the standard layout of an
official letter: the issuer's name in red over a red rule, the document's name, its 文号,
the addressee, the body, the legal basis, and the issuer, date and seal line at the foot.
Chinese in reportlab's built-in CID font STSong-Light (no font file to ship).

Every text is escaped before it reaches reportlab's Paragraph, which parses XML-like markup:
a citizen's "<b>" or "&" is printed as written, never interpreted."""
from __future__ import annotations

import io
import re
from typing import Any, Callable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
RED = colors.HexColor("#c00000")
MARGINS = {"leftMargin": 26 * mm, "rightMargin": 24 * mm, "topMargin": 30 * mm, "bottomMargin": 28 * mm}


def style(name: str, size: float, align: int = TA_LEFT, **extra: Any) -> ParagraphStyle:
    extra.setdefault("leading", size * 1.6)
    return ParagraphStyle(name, fontName=FONT, fontSize=size, alignment=align, wordWrap="CJK", **extra)


ISSUER = style("issuer", 24, TA_CENTER, textColor=RED, leading=32)
TITLE = style("doc-title", 20, TA_CENTER, spaceBefore=4 * mm, spaceAfter=2 * mm)
NUMBER = style("doc-number", 11, TA_CENTER, spaceAfter=6 * mm)
TO = style("to", 13, spaceAfter=2 * mm)
BODY = style("body", 13, TA_JUSTIFY, firstLineIndent=26, spaceAfter=2 * mm)
BASIS = style("basis", 12, spaceBefore=3 * mm)
SIGN = style("sign", 13, TA_RIGHT, rightIndent=8 * mm)
SMALL = style("small", 9)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def text(value: Any) -> str:
    """Plain text as Paragraph markup: control characters dropped, markup escaped, line breaks kept."""
    return escape(_CONTROL.sub("", str(value if value is not None else ""))).replace("\n", "<br/>")


def para(value: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text(value), style)


def document_story(fields: dict[str, Any]) -> list:
    """The flowables of one document (also placed in a case's 一案一册)."""
    story = [para(fields["issuer"], ISSUER), HRFlowable(width="100%", thickness=1.6, color=RED, spaceAfter=2 * mm),
             para(fields["title"], TITLE), para(fields["number"], NUMBER), para(fields.get("to", ""), TO)]
    story += [para(p, BODY) for p in fields.get("paragraphs", [])]
    story.append(para(f"依据：{fields.get('basis', '')}", BASIS))
    story.append(KeepTogether([Spacer(1, 14 * mm), para(fields["issuer"], SIGN), para(fields["date"], SIGN),
                               para("（盖章）", SIGN)]))
    return story


def footer(label: str) -> Callable[[Any, Any], None]:
    """A page callback: the case number and the page number at the foot of every page."""
    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 14 * mm, f"{label} · 第 {document.page} 页")
        canvas.restoreState()
    return draw


def document_pdf(fields: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    sheet = SimpleDocTemplate(out, pagesize=A4, title=f"{fields['title']} {fields['number']}",
                              author=fields["issuer"], **MARGINS)
    page = footer(f"信访件 {fields.get('case_number', '')}")
    sheet.build(document_story(fields), onFirstPage=page, onLaterPages=page)
    return out.getvalue()
