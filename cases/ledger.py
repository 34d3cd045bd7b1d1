"""Importing a county's historical 信访台账: each good row becomes a closed case that can tell
nobody anything, and its labels a training example for `nlp train`.

A historical case has no contact (the petitioner's name and phone stay on the case as
personal data), no clock (due_at is None) and is closed, so no code path can send an SMS,
page the on-duty officer, queue a notice or raise a deadline alert about it. Each row's
digest is stored with its case: importing the same ledger again, or its csv copy, adds
nothing. Rows are stored in chunks, each committed, so an interrupted import keeps what it
stored and running it again adds the rest."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Protocol
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from cases.ledger_fields import BadRow, LedgerRow, Names, clean, map_header, missing_fields, parse_row
from cases.ledger_files import LedgerError, Row, open_rows
from cases.numbering import reserve_case_numbers
from cases.search import words_of
from models import Case, CaseEvent, CaseState, TrainingExample, TrainingSource, utcnow
from models.db import db

CHUNK = 1000
HEADER_SEARCH = 10      # a title line or two may stand above the header row
NO_RESULT = "历史台账导入(台账未记办理结果)"

__all__ = ["LedgerError", "Report", "import_ledger"]


@dataclass
class Report:
    """What an import did (or, dry, would do)."""
    file: str
    dry_run: bool
    header_row: int = 0
    columns: dict[str, list[str]] = field(default_factory=dict)   # field -> header names used
    rows: int = 0            # non-blank data rows
    imported: int = 0        # new cases (dry run: that would be new)
    already: int = 0         # imported before, or repeated within the file
    bad: list[tuple[int, str]] = field(default_factory=list)
    stopped: str | None = None   # the file became unreadable part-way

    def reasons(self) -> list[tuple[str, int]]:
        return Counter(reason for _, reason in self.bad).most_common()


class Progress(Protocol):
    """A progress bar (tqdm's interface): told the row count when known, then each row."""
    total: int | float | None

    def update(self, n: int = 1) -> Any: ...


def import_ledger(path: str | Path, *, dry_run: bool = False, progress: Progress | None = None,
                  chunk: int = CHUNK) -> Report:
    """Read ``path`` (.xlsx or .csv), report every bad row with its number and reason, and
    store the good ones (unless ``dry_run``). Raises LedgerError when the file as a whole is
    unusable (not a spreadsheet, empty, no header row). Commits once per chunk."""
    path = Path(path)
    report = Report(path.name, dry_run)
    opened, total = open_rows(path)
    if progress is not None:
        progress.total = total
    rows = _guarded(opened, report)
    header, mapping = _header(rows, report)
    taxonomy = current_app.extensions["taxonomy"]
    spec = current_app.extensions["ledger_spec"]
    try:
        names = Names(taxonomy, spec)
    except ValueError as exc:
        raise LedgerError(str(exc)) from exc
    report.columns = {name: [str(header[i]).strip() for i in idx] for name, idx in mapping.items()}
    store = _Store(taxonomy.case_prefix, current_app.config["TIMEZONE"], path.name, dry_run)
    today = datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()
    batch: list[tuple[int, LedgerRow]] = []
    for number, cells in rows:
        if progress is not None:
            progress.update(1)
        if not any(clean(c) for c in cells):
            continue
        report.rows += 1
        try:
            batch.append((number, parse_row(cells, mapping, names, spec, today)))
        except BadRow as exc:
            report.bad.append((number, str(exc)))
        if len(batch) >= chunk:
            store.save(batch, report)
            batch = []
    store.save(batch, report)
    return report


def _header(rows: Iterator[Row], report: Report) -> tuple[tuple, dict[str, list[int]]]:
    """The first row, among the first few, that names every required field."""
    spec = current_app.extensions["ledger_spec"]
    best: list[str] = list(spec.required)
    for number, cells in rows:
        mapping = map_header(cells, spec)
        missing = missing_fields(mapping, spec)
        if not missing:
            report.header_row = number
            return cells, mapping
        best = min(best, missing, key=len)
        if number >= HEADER_SEARCH:
            break
    if report.stopped:
        raise LedgerError(report.stopped)
    raise LedgerError(f"no header row in the first {HEADER_SEARCH} rows names the fields {', '.join(best)} "
                      f"(header names: config/ledger.yaml)")


def _guarded(rows: Iterator[Row], report: Report) -> Iterator[Row]:
    """Rows until the file turns unreadable part-way (a broken zip member, a csv cell beyond
    the field limit): then the import stops there, keeping what it stored."""
    last = 0
    try:
        for number, cells in rows:
            last = number
            yield number, cells
    except Exception as exc:  # openpyxl, zipfile and csv raise many kinds; all mean "unreadable"
        report.stopped = f"unreadable after row {last}: {exc.__class__.__name__}"


class _Store:
    """Writes chunks of good rows as closed cases, their events and training examples."""

    def __init__(self, prefix: str, tz: str, source: str, dry_run: bool) -> None:
        self.prefix, self.tz, self.source, self.dry_run = prefix, ZoneInfo(tz), source, dry_run
        self.seen: set[str] = set()   # digests met in this run (dry runs store nothing)

    def save(self, batch: list[tuple[int, LedgerRow]], report: Report) -> None:
        if not batch:
            return
        fresh = self._fresh(batch, report)
        if self.dry_run or not fresh:
            report.imported += len(fresh)
            return
        try:
            self._insert(fresh)
            db.session.commit()
        except IntegrityError:  # another import stored some of these meanwhile: skip them
            db.session.rollback()
            self.seen.difference_update(row.digest for _, row in fresh)
            fresh = self._fresh(fresh, report)
            self._insert(fresh)
            db.session.commit()
        report.imported += len(fresh)

    def _fresh(self, batch: list[tuple[int, LedgerRow]], report: Report) -> list[tuple[int, LedgerRow]]:
        digests = [row.digest for _, row in batch]
        stored = set(db.session.execute(select(Case.import_digest).where(Case.import_digest.in_(digests))).scalars())
        fresh = []
        for number, row in batch:
            if row.digest in stored or row.digest in self.seen:
                report.already += 1
                continue
            self.seen.add(row.digest)
            fresh.append((number, row))
        return fresh

    def _insert(self, fresh: list[tuple[int, LedgerRow]]) -> None:
        numbers = self._numbers([row for _, row in fresh])
        now = utcnow()
        params = [self._case(row, number, now) for (_, row), number in zip(fresh, numbers)]
        # render_nulls: a None is stored as NULL (urgent unknown), not replaced by the default
        options = {"render_nulls": True}
        ids = db.session.execute(insert(Case).returning(Case.id, sort_by_parameter_order=True), params,
                                 execution_options=options).scalars().all()
        db.session.execute(insert(CaseEvent), [
            {"case_id": case_id, "at": now, "actor": "ledger", "kind": "imported", "note": row.result or NO_RESULT,
             "after": {"state": CaseState.CLOSED, "number": number, "file": self.source, "row": line}}
            for case_id, (line, row), number in zip(ids, fresh, numbers)])
        db.session.execute(insert(TrainingExample), [
            {"text": row.text, "issue_type": row.issue_type, "department": row.department,
             "township": row.township, "urgent": row.urgent, "case_id": case_id,
             "source": TrainingSource.LEDGER, "created_at": now}
            for case_id, (_, row) in zip(ids, fresh)], execution_options=options)

    def _numbers(self, rows: list[LedgerRow]) -> list[str]:
        """Case numbers of each row's own day, reserved a day at a time."""
        days = [row.received.strftime("%y%m%d") for row in rows]
        pools = {day: iter(numbers) for day, numbers in reserve_case_numbers(self.prefix, Counter(days)).items()}
        return [next(pools[day]) for day in days]

    def _case(self, row: LedgerRow, number: str, now: datetime) -> dict[str, Any]:
        received = self._utc(row.received)
        return {"number": number, "state": CaseState.CLOSED, "channel": row.channel, "contact_id": None,
                "text": row.text, "search_vector": words_of(row.text), "citizen_name": row.name, "citizen_phone": row.phone,
                "issue_type": row.issue_type, "department": row.department, "township": row.township,
                "urgent": bool(row.urgent), "keywords": [], "needs_triage": False,
                "received_at": received, "accepted_at": received,
                "closed_at": self._utc(row.closed) if row.closed else received, "due_at": None,
                "import_digest": row.digest, "created_at": now, "updated_at": now}

    def _utc(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.tz).astimezone(timezone.utc).replace(tzinfo=None)
