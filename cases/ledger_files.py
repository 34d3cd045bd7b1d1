"""Rows of a ledger file: .xlsx through openpyxl's read-only mode (streamed, cached values of
formulas, never evaluated), .csv through the csv module in UTF-8, UTF-8 with BOM or GBK."""
from __future__ import annotations

import codecs
import csv
import zipfile
from pathlib import Path
from typing import Any, Iterator

XLSX = (".xlsx", ".xlsm")
CSV = (".csv", ".txt")
FIELD_LIMIT = 64 * 1024 * 1024   # a csv cell beyond this stops the file (the row limit is far lower)

Row = tuple[int, tuple[Any, ...]]   # the row number a spreadsheet shows, the cells


class LedgerError(ValueError):
    """The file as a whole cannot be read; the message says why."""


def open_rows(path: Path) -> tuple[Iterator[Row], int | None]:
    """The rows of the first sheet and, when known, how many there are."""
    if not path.is_file():
        raise LedgerError(f"no such file: {path.name}")
    if path.stat().st_size == 0:
        raise LedgerError("the file is empty")
    suffix = path.suffix.lower()
    if suffix in XLSX:
        return _xlsx_rows(path)
    if suffix in CSV:
        return _csv_rows(path)
    raise LedgerError(f"a ledger is an .xlsx or .csv file, not {suffix or 'a file without extension'}")


def _xlsx_rows(path: Path) -> tuple[Iterator[Row], int | None]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, OSError, ValueError, TypeError) as exc:
        raise LedgerError("not a readable .xlsx file (an old .xls? save it as .xlsx or .csv)") from exc

    def rows() -> Iterator[Row]:
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, cells
        finally:
            book.close()

    return rows(), sheet.max_row


def _csv_rows(path: Path) -> tuple[Iterator[Row], int | None]:
    encoding = detect_encoding(path)
    with path.open("rb") as raw:
        total = sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b""))
    csv.field_size_limit(FIELD_LIMIT)

    def rows() -> Iterator[Row]:
        with path.open(encoding=encoding, newline="") as handle:
            first = handle.readline()
            handle.seek(0)
            reader = csv.reader(handle, delimiter=max(",\t;", key=first.count))
            for number, cells in enumerate(reader, start=1):
                yield number, tuple(cells)

    return rows(), total + 1


def detect_encoding(path: Path) -> str:
    """utf-8-sig with a BOM, utf-8 when every byte decodes, else GBK (read as GB18030, its
    superset); LedgerError when neither reads the file."""
    with path.open("rb") as raw:
        if raw.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        if _decodes(path, encoding):
            return encoding
    raise LedgerError("the csv file is neither UTF-8 nor GBK text")


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as raw:
            for chunk in iter(lambda: raw.read(1 << 20), b""):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
