"""The roster of village information officers: add one, import the county's list (xlsx or
csv with 姓名, 手机, 村, 乡镇 columns), deactivate. Nothing here commits."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import select

from cases.ledger import Progress
from cases.registration import normalize_phone
from models import Informant, utcnow
from models.db import db

# Column headings a county's roster may use, to our field names.
HEADINGS = {
    "name": ("姓名", "信息员", "信息员姓名", "name"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile"),
    "village": ("村", "村庄", "所在村", "村(社区)", "村（社区）", "village"),
    "township": ("乡镇", "乡镇(街道)", "乡镇（街道）", "所在乡镇", "township"),
}
MAX_ROWS = 5000

FIELD_LIMIT = 10_000  # characters in one cell: a name, a phone, a village never need more


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)  # "第3行：…", in the sheet's own row numbers


def township_code(value: str) -> str:
    """A township named as the county writes it (东屯镇, 东屯, or its code) → its code."""
    taxonomy = current_app.extensions["taxonomy"]
    value = (value or "").strip()
    if value in taxonomy.townships:
        return value
    code = taxonomy.aliases.get(value) or next(
        (c for c, row in taxonomy.townships.items() if row.get("name") == value), None)
    if not code:
        raise ValueError(f"未知乡镇：{value[:20]}")
    return code


def add(phone: str, name: str, village: str, township: str) -> tuple[Informant, bool]:
    """Register an officer, or update the one with this phone (and make it active again).
    Returns (officer, created). Raises ValueError on a bad phone, name or township."""
    normalized = normalize_phone(phone)
    if not normalized:
        raise ValueError("缺少手机号")
    name, village = (name or "").strip(), (village or "").strip()
    if not name or len(name) > 64 or len(village) > 64:
        raise ValueError("姓名或村名缺失或过长")
    code = township_code(township)
    informant = db.session.execute(select(Informant).where(Informant.phone == normalized)).scalar_one_or_none()
    created = informant is None
    if created:
        informant = Informant(phone=normalized, created_at=utcnow())
        db.session.add(informant)
    informant.name, informant.village, informant.township, informant.active = name, village, code, True
    db.session.flush()
    return informant, created


def deactivate(informant: Informant) -> None:
    """No longer an officer: messages from the phone are petitions again; reports are kept."""
    informant.active = False


def import_roster(data: bytes, filename: str, progress: Progress | None = None) -> ImportResult:
    """Every good row is added or updated; each bad row is named with its reason.
    ``progress``: a bar with tqdm's interface (total, update), told of each row."""
    result = ImportResult()
    rows = read_rows(data, filename)
    if progress is not None:
        progress.total = len(rows)
    for number, row in rows:
        if progress is not None:
            progress.update()
        try:
            _, created = add(row.get("phone", ""), row.get("name", ""), row.get("village", ""),
                             row.get("township", ""))
        except ValueError as exc:
            result.errors.append(f"第{number}行：{exc}")
            continue
        if created:
            result.added += 1
        else:
            result.updated += 1
    return result


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, {name, phone, village, township}) for each non-empty row after the heading."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(data)
    elif suffix == ".csv":
        rows = _csv_rows(data)
    else:
        raise ValueError("只接受 .xlsx 或 .csv 文件")
    if not rows:
        raise ValueError("文件是空的")
    columns = _columns(rows[0])
    out = []
    for number, cells in enumerate(rows[1:MAX_ROWS + 1], start=2):
        values = {key: _text(cells[index]) if index < len(cells) else "" for key, index in columns.items()}
        if any(values.values()):
            out.append((number, values))
    return out


def _xlsx_rows(data: bytes) -> list[list]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    except Exception as exc:  # openpyxl raises many kinds on a file that is not a workbook
        raise ValueError("无法读取该 xlsx 文件") from exc


def _csv_rows(data: bytes) -> list[list]:
    try:
        # the limit is the csv module's, global: set ours each time (the ledger sets its own)
        csv.field_size_limit(FIELD_LIMIT)
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"))))
    except csv.Error as exc:  # a field past csv's size limit, a NUL byte, …
        raise ValueError("无法读取该 csv 文件") from exc


def _columns(heading: list) -> dict[str, int]:
    names = [_text(cell).replace(" ", "").lower() for cell in heading]
    columns = {}
    for key, accepted in HEADINGS.items():
        index = next((i for i, name in enumerate(names) if name in accepted), None)
        if index is None:
            raise ValueError(f"缺少列：{accepted[0]}")
        columns[key] = index
    return columns


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed into a number cell
    return str(value).strip()
