"""`flask --app wsgi reports build daily|weekly|monthly [--date D] [--out DIR]` (registered
by core.cli): the periodic report as xlsx and PDF, archived where the console lists it."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sys

import click
from tqdm import tqdm
from flask import current_app
from flask.cli import AppGroup

from cases.reports import KINDS

reports_cli = AppGroup("reports", help="Periodic reports: daily, weekly, monthly.")


def progress(total: int, desc: str) -> tqdm:
    """A progress bar on stderr; disable=None: none when stderr is not a terminal (cron, tests)."""
    return tqdm(total=total, desc=desc, unit="step", disable=None, file=sys.stderr)


def _yesterday(tz: str, now: datetime) -> date:
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(tz)).date() - timedelta(days=1)


@reports_cli.command("build")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="A local day in the period (default: yesterday, so cron just after midnight "
                   "builds the day, week or month that has just ended).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the files (default: instance/reports, which the console lists).")
def build(kind: str, day: datetime | None, out: Path | None) -> None:
    """Build the report of the period containing --date, with the change against the period
    before, as <kind>-<period>.xlsx and .pdf; prints the paths written."""
    from cases.report_store import archive
    from cases.reports import build as build_report
    from console.report_archive import names_for, report_folder
    from models import utcnow

    app = current_app
    tz, now = app.config["TIMEZONE"], utcnow()
    try:
        report = build_report(kind, day.date() if day else _yesterday(tz, now), tz, now)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    folder = out or report_folder(app)
    try:
        with progress(2, "writing") as bar:
            paths = archive(report, names_for(app), app.extensions["taxonomy"].county, folder,
                            step=lambda path: bar.update(1))
    except OSError as exc:
        raise click.ClickException(f"cannot write to {folder}: {exc.strerror}") from exc
    click.echo(f"{kind} {report.period.label}: {report.current.intake} cases "
               f"(previous {report.before.intake})")
    for path in paths:
        click.echo(str(path))


@reports_cli.command("due")
def due() -> None:
    """Build every report whose period ended yesterday: the daily one, on Mondays last week's,
    on the 1st last month's (cron, once a day after midnight, when there is no Redis worker)."""
    from core.report_jobs import build_due, due_kinds, local_today
    from models import utcnow

    now = utcnow()
    kinds = due_kinds(local_today(now, current_app.config["TIMEZONE"]))
    try:
        with progress(len(kinds), "reports") as bar:
            paths = build_due(now, step=lambda kind: bar.update(1))
    except OSError as exc:
        raise click.ClickException(f"cannot write the reports: {exc.strerror}") from exc
    for path in paths:
        click.echo(str(path))
