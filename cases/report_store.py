"""The report archive: both files of a period written side by side (xlsx and PDF)."""
from __future__ import annotations

from pathlib import Path

from cases.report_files import Names, to_xlsx
from cases.report_pdf import to_pdf
from cases.reports import Report


def archive(report: Report, names: Names, county: str, folder: Path) -> list[Path]:
    """Writes <kind>-<label>.xlsx and .pdf into `folder` (replacing an earlier build of the
    same period, through a temporary file so a reader never sees half a file)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{report.period.kind}-{report.period.label}"
    paths = []
    for suffix, data in (("xlsx", to_xlsx(report, names)), ("pdf", to_pdf(report, names, county))):
        path = folder / f"{stem}.{suffix}"
        partial = folder / f".{stem}.{suffix}.part"
        partial.write_bytes(data)
        partial.replace(path)
        paths.append(path)
    return paths

