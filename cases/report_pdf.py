"""The PDF of a periodic report: A4, Chinese text in reportlab's built-in CID font
STSong-Light (Adobe's Song, which every PDF reader provides: no font file to ship), the
tables of cases.report_files and a bar chart of intake by issue type, this period and the last."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table as Grid, TableStyle

from cases.report_files import FONT, Names, Table, tables, title
from cases.reports import Report

pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1, spaceAfter=4 * mm)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=16, spaceBefore=4 * mm, spaceAfter=2 * mm,
                         keepWithNext=1)  # never a heading alone at the foot of a page
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10)
GRID = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
    ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
])
CHART_BARS = 10


def _cell(value) -> object:
    if value is None:
        return "—"
    if isinstance(value, str) and len(value) > 18:
        return Paragraph(escape(value), SMALL)  # long cells (hotspot examples) wrap
    return value


def _grid(table: Table) -> list:
    if not table.rows:
        return [Paragraph(escape(table.title), HEADING), Paragraph("（本期无）", SMALL)]
    grid = Grid([table.headers, *[[_cell(v) for v in row] for row in table.rows]], repeatRows=1,
                hAlign="LEFT", style=GRID)
    return [Paragraph(escape(table.title), HEADING), grid]


def chart(report: Report, names: Names) -> Drawing:
    """Bars of intake per issue type: this period against the last, the biggest first."""
    now, before = report.current.by_issue, report.before.by_issue
    keys = sorted(set(now) | set(before), key=lambda k: (-now.get(k, 0), k))[:CHART_BARS]
    drawing = Drawing(170 * mm, 75 * mm)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 12 * mm, 18 * mm, 150 * mm, 50 * mm
    bars.data = [[now.get(k, 0) for k in keys] or [0], [before.get(k, 0) for k in keys] or [0]]
    bars.categoryAxis.categoryNames = [names.issue(k) for k in keys] or [""]
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.angle = 30
    bars.categoryAxis.labels.boxAnchor = "ne"
    bars.valueAxis.valueMin = 0
    bars.bars[0].fillColor, bars.bars[1].fillColor = colors.HexColor("#3b6ea5"), colors.HexColor("#b8c7d9")
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 130 * mm, 74 * mm, FONT, 8
    legend.colorNamePairs = [(bars.bars[0].fillColor, "本期"), (bars.bars[1].fillColor, "上期")]
    drawing.add(bars)
    drawing.add(legend)
    return drawing


def to_pdf(report: Report, names: Names, county: str) -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=16 * mm, bottomMargin=16 * mm, title=title(report, county))
    parts = tables(report, names)
    story = [Paragraph(escape(title(report, county)), TITLE),
             Paragraph(escape(f"上期：{report.previous.first} 至 {report.previous.last}；"
                              f"生成时间：{names.local(report.built_at)}"), SMALL)]
    story += _grid(parts[0])
    story += [Paragraph("来件按问题类型", HEADING), chart(report, names), Spacer(1, 2 * mm)]
    for table in parts[1:]:
        story += _grid(table)
    document.build(story)
    return out.getvalue()
