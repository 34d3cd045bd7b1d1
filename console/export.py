"""The ledger (台账) of a filtered list, as xlsx or CSV. Cells are guarded against formula
injection: a citizen's text starting with = + - @ (or a tab/CR) would run in Excel."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

from flask import current_app
from openpyxl import Workbook

from console.helpers import ISO, RATING_NAMES, localtime, state_names
from console.forms import CHANNELS
from models import Case

HEADERS = ["编号", "收件时间", "渠道", "状态", "问题类型", "责任单位", "乡镇", "村", "紧急", "信访人", "联系方式",
           "责任人", "期限", "评价", "内容"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: object) -> object:
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def ledger_rows(cases: Iterable[Case], phone) -> Iterator[list]:
    taxonomy = current_app.extensions["taxonomy"]
    names, channels = state_names(), dict(CHANNELS)
    for case in cases:
        row = [case.number, localtime(case.received_at, ISO), channels.get(case.channel, case.channel),
               names.get(case.state, case.state), taxonomy.issue_type_name(case.issue_type),
               taxonomy.department_name(case.department, case.township), taxonomy.township_name(case.township),
               case.village or "", "是" if case.urgent else "", case.citizen_name or "",
               phone(case.contact.address if case.contact else None), case.assignee or "",
               localtime(case.due_at, ISO), RATING_NAMES.get(case.rating, ""), case.text]
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
