"""The report archive: both files of a period written side by side (xlsx and PDF)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from cases.report_files import Names, to_xlsx
from cases.report_pdf import to_pdf
from cases.reports import Report


def archive(report: Report, names: Names, county: str, folder: Path,
            step: Callable[[Path], None] | None = None) -> list[Path]:
    """Writes <kind>-<label>.xlsx and .pdf into `folder` (replacing an earlier build of the
    same period, through a temporary file so a reader never sees half a file)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{report.period.kind}-{report.period.label}"
    paths = []
    writers = (("xlsx", lambda: to_xlsx(report, names)), ("pdf", lambda: to_pdf(report, names, county)))
    for suffix, write in writers:
        path = folder / f"{stem}.{suffix}"
        partial = folder / f".{stem}.{suffix}.part"
        partial.write_bytes(write())
        partial.replace(path)
        paths.append(path)
        if step is not None:
            step(path)
    return paths

