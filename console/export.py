"""The ledger (台账) of a filtered list, as xlsx or CSV, with the columns a 台账 keeps
(信访形式, 人数, 受理/答复/办结日期, 答复意见, 重复次数, 督办). Times and dates are real dates
in the xlsx (formatted, sortable), phone numbers text cells; the sheet has a frozen header and
readable column widths. Cells are guarded against formula injection: a citizen's text
starting with = + - @ (or a tab/CR) would run in Excel."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from itertools import islice
from typing import Iterable, Iterator
from zoneinfo import ZoneInfo

from flask import current_app
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from console.helpers import RATING_NAMES, state_names
from console.forms import CHANNELS
from models import Case, CaseEvent, CaseState, Supervision
from models.db import db

HEADERS = ["编号", "收件时间", "渠道", "状态", "问题类型", "责任单位", "乡镇", "村", "紧急", "信访人", "联系方式",
           "责任人", "期限", "评价", "信访形式", "人数", "受理日期", "答复日期", "办结日期", "答复意见", "重复次数",
           "督办", "内容"]
# Column widths in the xlsx (Excel's character units; a Chinese character is about two).
WIDTHS = {"编号": 15, "收件时间": 17, "渠道": 8, "状态": 10, "问题类型": 14, "责任单位": 22, "乡镇": 11, "村": 11,
          "紧急": 6, "信访人": 10, "联系方式": 16, "责任人": 10, "期限": 17, "评价": 10, "信访形式": 10, "人数": 6,
          "受理日期": 12, "答复日期": 12, "办结日期": 12, "答复意见": 40, "重复次数": 9, "督办": 14, "内容": 60}
TIMES, DATES = ("收件时间", "期限"), ("受理日期", "答复日期", "办结日期")
# 信访形式 of the 条例 (art. 17): 书信, 走访, 电话, 网上信访 (SMS, WeChat, the web form, apps)
FORMS = {"letter": "来信", "visit": "来访", "phone": "来电", "call": "来电", "ledger": "台账导入"}
ONLINE = "网上信访"
BATCH = 500  # cases whose answers and 督办 are read in one query
# Excel and LibreOffice skip leading blanks and read full-width signs as formula starts too.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
BLANKS = " \t\r\n\u3000\u00a0"
# A phone number (+8613800000000, masked +86138****0000, whatsapp:+86...) is data, not a formula.
PHONE = re.compile(r"^(?:[a-z]+:)?\+?[0-9*]{5,20}$")


def guard(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if not isinstance(value, str) or PHONE.match(value):
        return value
    if value.startswith(DANGEROUS) or value.lstrip(BLANKS).startswith(DANGEROUS):
        return "'" + value
    return value


def ledger_rows(cases: Iterable[Case], phone, name=lambda case: case.citizen_name or "",
                text=lambda case: case.text) -> Iterator[list]:
    """Rows of the ledger; `phone(address)`, `name(case)` and `text(case)` mask what the
    reader may not see. Times are local datetimes, the 受理/答复/办结 days dates."""
    taxonomy = current_app.extensions["taxonomy"]
    names, channels = state_names(), dict(CHANNELS)
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    cases = iter(cases)
    while batch := list(islice(cases, BATCH)):
        answers, supervised = _answers([c.id for c in batch]), _supervision([c.id for c in batch])
        for case in batch:
            row = [case.number, _local(case.received_at, zone), channels.get(case.channel, case.channel),
                   names.get(case.state, case.state), taxonomy.issue_type_name(case.issue_type),
                   taxonomy.department_name(case.department, case.township), taxonomy.township_name(case.township),
                   case.village or "", "是" if case.urgent else "", name(case),
                   phone(case.contact.address if case.contact else case.citizen_phone), case.assignee or "",
                   _local(case.due_at, zone), RATING_NAMES.get(case.rating, ""),
                   FORMS.get(case.channel, ONLINE), case.group.size if case.group else 1,
                   _day(case.accepted_at, zone), _day(case.answered_at, zone),
                   _day(case.closed_at if case.state == CaseState.CLOSED else None, zone),
                   answers.get(case.id, ""), case.repeat_count or 0, supervised.get(case.id, ""), text(case)]
            yield [guard(value) for value in row]


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """Naive UTC to the county's local time (naive, as a spreadsheet keeps it), to the minute."""
    if moment is None:
        return None
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def _day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    local = _local(moment, zone)
    return local.date() if local else None


def _answers(case_ids: list[int]) -> dict[int, str]:
    """The latest answer (答复意见) recorded on each case's state changes."""
    stmt = (select(CaseEvent.case_id, CaseEvent.after).where(CaseEvent.case_id.in_(case_ids),
                                                            CaseEvent.kind == "state").order_by(CaseEvent.id))
    out: dict[int, str] = {}
    for case_id, after in db.session.execute(stmt):
        if after and after.get("answer"):
            out[case_id] = after["answer"]
    return out


def _supervision(case_ids: list[int]) -> dict[int, str]:
    """督办: how many times, and how many still unanswered by the unit."""
    stmt = (select(Supervision.case_id, func.count(Supervision.id), func.count(Supervision.responded_at))
            .where(Supervision.case_id.in_(case_ids)).group_by(Supervision.case_id))
    return {case_id: f"督办{n}次" + (f"，{n - answered}次未复" if n > answered else "")
            for case_id, n, answered in db.session.execute(stmt)}


def _text(value: object) -> object:
    """CSV: times to the minute, days as 2025-11-03, nothing as an empty cell."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def to_csv(rows: Iterable[list]) -> Iterator[str]:
    """UTF-8 with a BOM, so Excel on Chinese Windows opens it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in [HEADERS, *rows]:
        writer.writerow([_text(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def to_xlsx(rows: Iterable[list]) -> bytes:
    """One sheet 台账, streamed (write-only): header frozen and bold, fixed readable widths,
    times and dates as date cells, phone numbers as text cells (format @), long texts wrapped."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.freeze_panes = "A2"
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[header]
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header, font=bold) for header in HEADERS])
    formats = [_format(header) for header in HEADERS]
    for row in rows:
        sheet.append([_cell(sheet, value, number_format=fmt) for value, fmt in zip(row, formats)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _format(header: str) -> str | None:
    if header in TIMES:
        return "yyyy-mm-dd hh:mm"
    if header in DATES:
        return "yyyy-mm-dd"
    if header in ("编号", "联系方式"):
        return "@"  # text: a phone is never a number (no lost 0, no 1.38E+10, no apostrophe)
    return None


WRAP = Alignment(wrap_text=True, vertical="top")


def _cell(sheet, value: object, number_format: str | None = None, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if isinstance(value, str) and len(value) > 40:
        cell.alignment = WRAP
    return cell
