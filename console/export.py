"""The ledger (台账) of a filtered list, as xlsx or CSV. Cells are guarded against formula
injection: a citizen's text starting with = + - @ (or a tab/CR) would run in Excel."""
from __future__ import annotations

import csv
import io
import re
from typing import Iterable, Iterator

from flask import current_app
from openpyxl import Workbook

from console.helpers import ISO, RATING_NAMES, localtime, state_names
from console.forms import CHANNELS
from models import Case

HEADERS = ["编号", "收件时间", "渠道", "状态", "问题类型", "责任单位", "乡镇", "村", "紧急", "信访人", "联系方式",
           "责任人", "期限", "评价", "内容"]
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
    reader may not see."""
    taxonomy = current_app.extensions["taxonomy"]
    names, channels = state_names(), dict(CHANNELS)
    for case in cases:
        row = [case.number, localtime(case.received_at, ISO), channels.get(case.channel, case.channel),
               names.get(case.state, case.state), taxonomy.issue_type_name(case.issue_type),
               taxonomy.department_name(case.department, case.township), taxonomy.township_name(case.township),
               case.village or "", "是" if case.urgent else "", name(case),
               phone(case.contact.address if case.contact else case.citizen_phone), case.assignee or "",
               localtime(case.due_at, ISO), RATING_NAMES.get(case.rating, ""), text(case)]
        yield [guard(value) for value in row]


def to_csv(rows: Iterable[list]) -> Iterator[str]:
    """UTF-8 with a BOM, so Excel on Chinese Windows opens it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in [HEADERS, *rows]:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def to_xlsx(rows: Iterable[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
