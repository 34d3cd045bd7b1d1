"""The month of the village information officers: per township and per officer, reports
filed, 零报告, and who has not reported; the xlsx of it; and the SMS reminder to those who
have not reported by the configured day. Nothing here commits."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from cases.informants import local_month
from cases.outbox import queue_message
from cases.replies import Replies
from models import Contact, Informant, InformantReminder, InformantReport, Message, ReportState, utcnow
from models.base import dialect_insert
from models.db import db

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass
class OfficerRow:
    informant: Informant
    reports: int = 0    # reports that tell something
    zero: int = 0       # 零报告
    resolved: int = 0
    converted: int = 0
    urgent: int = 0

    @property
    def reported(self) -> bool:
        return bool(self.reports or self.zero)


@dataclass
class TownshipRow:
    township: str
    officers: int = 0
    reported: int = 0
    reports: int = 0
    zero: int = 0
    converted: int = 0

    @property
    def missing(self) -> int:
        return self.officers - self.reported


@dataclass
class MonthReport:
    month: str
    officers: list[OfficerRow] = field(default_factory=list)
    townships: list[TownshipRow] = field(default_factory=list)

    @property
    def missing(self) -> list[OfficerRow]:
        return [row for row in self.officers if not row.reported]


def check_month(value: str) -> str:
    if not MONTH.match(value or ""):
        raise ValueError("月份格式应为 YYYY-MM")
    return value


def build(month: str, township: str | None = None) -> MonthReport:
    """Every active officer (of one township, when given) with the month's counts; officers
    with no report at all are the ones who have not reported."""
    check_month(month)
    officers = select(Informant).where(Informant.active.is_(True))
    if township:
        officers = officers.where(Informant.township == township)
    rows = {i.id: OfficerRow(i) for i in db.session.execute(
        officers.order_by(Informant.township, Informant.village, Informant.name, Informant.id)).scalars()}
    counts = (select(InformantReport.informant_id, InformantReport.zero, InformantReport.state,
                     InformantReport.urgent, func.count())
              .where(InformantReport.month == month)
              .group_by(InformantReport.informant_id, InformantReport.zero, InformantReport.state,
                        InformantReport.urgent))
    for informant_id, zero, state, urgent, n in db.session.execute(counts):
        row = rows.get(informant_id)
        if row is None:
            continue  # an officer since deactivated
        if zero:
            row.zero += n
        else:
            row.reports += n
        row.resolved += n if state == ReportState.RESOLVED else 0
        row.converted += n if state == ReportState.CONVERTED else 0
        row.urgent += n if urgent else 0
    return MonthReport(month, list(rows.values()), _townships(rows.values()))


def _townships(rows) -> list[TownshipRow]:
    towns: dict[str, TownshipRow] = {}
    for row in rows:
        town = towns.setdefault(row.informant.township, TownshipRow(row.informant.township))
        town.officers += 1
        town.reported += row.reported
        town.reports += row.reports
        town.zero += row.zero
        town.converted += row.converted
    return list(towns.values())


def to_xlsx(report: MonthReport, township_name, phone) -> bytes:
    """Three sheets (乡镇汇总, 信息员明细, 未报告名单), formatted as the periodic reports are:
    bold frozen heading, widths to fit Chinese text, numbers as numbers, phones as text."""
    book = Workbook()
    book.remove(book.active)
    total = TownshipRow("合计", *[sum(getattr(t, f) for t in report.townships)
                                 for f in ("officers", "reported", "reports", "zero", "converted")])
    _sheet(book, "乡镇汇总", ["乡镇", "信息员", "已报告", "未报告", "报告件数", "零报告", "转为信访件"],
           [[township_name(t.township) if t is not total else t.township, t.officers, t.reported, t.missing,
             t.reports, t.zero, t.converted] for t in [*report.townships, total]])
    _sheet(book, "信息员明细", ["乡镇", "村", "信息员", "手机", "报告件数", "零报告", "已化解", "转为信访件", "紧急", "本月已报告"],
           [_officer(row, township_name, phone) + ["是" if row.reported else "否"] for row in report.officers])
    _sheet(book, "未报告名单", ["乡镇", "村", "信息员", "手机"],
           [_officer(row, township_name, phone)[:4] for row in report.missing])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _officer(row: OfficerRow, township_name, phone) -> list:
    i = row.informant
    return [township_name(i.township), i.village, i.name, phone(i.phone), row.reports, row.zero, row.resolved,
            row.converted, row.urgent]


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        cells = [header, *(row[index - 1] for row in rows)]
        width = max(len(str(c or "")) + sum(ord(ch) > 0x2E80 for ch in str(c or "")) for c in cells)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 40)
        if header == "手机":
            for cell in sheet[get_column_letter(index)][1:]:
                cell.number_format = "@"  # a phone is text, never a number in E notation


def due(now: datetime) -> bool:
    """The configured day of the local month has come (INFORMANT_REMIND_DAY)."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).day >= current_app.config["INFORMANT_REMIND_DAY"]


def remind(month: str | None = None, now: datetime | None = None) -> list[Message]:
    """One SMS through the outbox to every active officer without a report this month who
    has not been reminded this month. The reminder row is claimed first (unique per officer
    and month), so two runs at once, or a second run the same day, send nothing twice.
    An officer who opted out (退订) gets a suppressed row, not an SMS."""
    now = now or utcnow()
    month = check_month(month) if month else local_month(now)
    replies = Replies(current_app.extensions["templates"])
    sent = []
    for row in build(month).missing:
        informant = row.informant
        claimed = db.session.execute(
            dialect_insert(InformantReminder, db.session)
            .values(informant_id=informant.id, month=month, sent_at=now)
            .on_conflict_do_nothing(index_elements=["informant_id", "month"])
            .returning(InformantReminder.id)).scalar_one_or_none()
        if claimed is None:
            continue
        contact = db.session.execute(select(Contact).where(Contact.channel == "sms", Contact.address == informant.phone)
                                     ).scalar_one_or_none()
        message = queue_message(informant.phone, "sms", replies.render("informant_remind", name=informant.name),
                                "informant_remind", contact=contact, unsolicited=True)
        db.session.flush()
        db.session.get(InformantReminder, claimed).message_id = message.id
        sent.append(message)
    return sent
