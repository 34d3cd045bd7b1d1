"""A periodic report written out: the same tables as xlsx (one sheet per table) and as an A4
PDF with Chinese text (reportlab's built-in CID font STSong-Light: no font file to install)
and a bar chart; archived as <kind>-<label>.xlsx/.pdf. The files hold counts and case
numbers only, no petitioner's name, phone or text."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from cases.reports import Report, rate

KIND_NAMES = {"daily": "日报", "weekly": "周报", "monthly": "月报"}
FILE_NAME = re.compile(r"^(daily|weekly|monthly)-(\d{4}-\d{2}-\d{2}|\d{4}-W\d{2}|\d{4}-\d{2})\.(xlsx|pdf)$")
FONT = "STSong-Light"
GROUP_KINDS = {"burst": "集体访", "joint": "联名信"}


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]


class Names:
    """Codes to the names staff read: the county's taxonomy and the channel names."""

    def __init__(self, taxonomy, channels: dict[str, str], tz: str, states: dict[str, str] | None = None):
        self.taxonomy, self.channels, self.tz, self.states = taxonomy, channels, tz, states or {}

    def issue(self, code: str) -> str:
        return self.taxonomy.issue_type_name(code) or "未分类"

    def township(self, code: str) -> str:
        return self.taxonomy.township_name(code) or "未识别"

    def unit(self, unit: tuple[str, str]) -> str:
        return self.taxonomy.department_name(*unit) or "未分办"

    def channel(self, code: str) -> str:
        return self.channels.get(code, code)

    def local(self, moment) -> str:
        return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(self.tz)).strftime("%Y-%m-%d %H:%M")


def _breakdown(title: str, label: str, now, before, name) -> Table:
    keys = sorted(set(now) | set(before), key=lambda k: (-now.get(k, 0), -before.get(k, 0), str(k)))
    rows = [[name(k), now.get(k, 0), before.get(k, 0), now.get(k, 0) - before.get(k, 0)] for k in keys]
    return Table(title, [label, "本期", "上期", "增减"], rows)


def _share(pair: tuple[int, int]) -> float | None:
    return rate(*pair)


def summary(report: Report) -> Table:
    now, before = report.current, report.before
    lines = [
        ("来件总数", now.intake, before.intake),
        ("紧急事件", len(now.urgent), len(before.urgent)),
        ("应告知受理件数", now.accept_on_time[1], before.accept_on_time[1]),
        ("按期告知受理件数", now.accept_on_time[0], before.accept_on_time[0]),
        ("按期受理率(%)", _share(now.accept_on_time), _share(before.accept_on_time)),
        ("应答复件数", now.answer_on_time[1], before.answer_on_time[1]),
        ("按期答复件数", now.answer_on_time[0], before.answer_on_time[0]),
        ("按期答复率(%)", _share(now.answer_on_time), _share(before.answer_on_time)),
        ("重复信访件数", now.repeats, before.repeats),
        ("集体访批次", len(now.groups), len(before.groups)),
        ("集体访人数", now.group_people, before.group_people),
        ("热点预警", len(now.alerts), len(before.alerts)),
        ("本期答复件数", now.answered, before.answered),
        ("参评率(%)", rate(now.rated, now.answered), rate(before.rated, before.answered)),
        ("满意率(%)", rate(now.satisfied, now.rated), rate(before.satisfied, before.rated)),
    ]
    rows = [[label, a, b, round(a - b, 1) if a is not None and b is not None else None] for label, a, b in lines]
    return Table("总览", ["指标", "本期", "上期", "增减"], rows)


def tables(report: Report, names: Names) -> list[Table]:
    """Every table of the report, in reading order; numbers stay numbers (None: not applicable)."""
    now, before = report.current, report.before
    overdue_units = set(now.accept_due) | set(now.answer_due)
    overdue = sorted(([names.unit(u), now.accept_due[u], now.accept_late[u], now.answer_due[u], now.answer_late[u]]
                      for u in overdue_units), key=lambda r: (-(r[2] + r[4]), r[0]))
    return [
        summary(report),
        _breakdown("按渠道", "渠道", now.by_channel, before.by_channel, names.channel),
        _breakdown("按问题类型", "问题类型", now.by_issue, before.by_issue, names.issue),
        _breakdown("按责任单位", "责任单位", now.by_unit, before.by_unit, names.unit),
        _breakdown("按乡镇", "乡镇", now.by_township, before.by_township, names.township),
        Table("超期情况", ["责任单位", "应告知受理", "受理超期", "应答复", "答复超期"], overdue),
        Table("紧急事件", ["编号", "收件时间", "乡镇", "问题类型", "状态"],
              [[number, names.local(at), names.township(town), names.issue(issue), names.states.get(state, state)]
               for number, at, town, issue, state in now.urgent]),
        Table("热点", ["乡镇", "问题类型", "本期", "上期", "增减", "案例"],
              [[names.township(town), names.issue(issue), n, b, n - b, "、".join(examples)]
               for (town, issue), n, b, examples in report.top_hotspots()]),
        Table("重复信访", ["首件编号", "乡镇", "问题类型", "本期重复件数", "累计重复次数"],
              [[r.first, names.township(r.township), names.issue(r.issue), r.in_period, r.total]
               for r in report.repeat_rows()]),
        Table("集体访", ["首件编号", "形式", "乡镇", "村", "问题类型", "人数", "件数"],
              [[g.first, GROUP_KINDS.get(g.kind, g.kind), names.township(g.township), g.village, names.issue(g.issue),
                g.size, g.cases] for g in now.groups]),
        Table("热点预警", ["发出时间", "乡镇", "村", "问题类型", "件数", "常态"],
              [[names.local(a.opened_at), names.township(a.township), a.village or "", names.issue(a.issue_type),
                a.count, a.expected] for a in now.alerts]),
    ]


def title(report: Report, county: str) -> str:
    first, last = report.period.first, report.period.last
    span = first.isoformat() if first == last else f"{first.isoformat()} 至 {last.isoformat()}"
    return f"{county}信访{KIND_NAMES[report.period.kind]}（{span}）"


def to_xlsx(report: Report, names: Names) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables(report, names):
        sheet = book.create_sheet(table.title)
        sheet.append(table.headers)
        for row in table.rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            cells = [header, *(row[index - 1] for row in table.rows)]
            # a CJK character is about two columns wide
            width = max(len(str(c or "")) + sum(ord(ch) > 0x2E80 for ch in str(c or "")) for c in cells)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["FILE_NAME", "FONT", "KIND_NAMES", "Names", "Table", "tables", "title", "to_xlsx"]
