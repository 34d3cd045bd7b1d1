"""`flask --app wsgi cases ...`: commands on cases (registered by core.cli)."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

cases_cli = AppGroup("cases", help="Cases: import a historical ledger, show one case.")


@cases_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only check: report what would be imported, store nothing.")
@click.option("--show", default=50, show_default=True, type=click.IntRange(min=0),
              help="Bad rows listed one by one (the rest are counted by reason).")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every bad row (row, reason) to this csv file.")
def cases_import(path: Path, dry_run: bool, show: int, errors_path: Path | None) -> None:
    """Import a historical 信访台账 (.xlsx or .csv, one header row of Chinese column names):
    each good row becomes a closed case that notifies nobody, and a training example for
    `nlp train`. Rows imported before are skipped; bad rows are reported and left out."""
    from tqdm import tqdm

    from cases.ledger import LedgerError, import_ledger

    try:
        # disable=None: no bar when stderr is not a terminal (cron, CI, pipes); delay: none
        # for a file read in under a second
        with tqdm(unit="rows", disable=None, file=sys.stderr, delay=1.0, mininterval=0.5) as bar:
            report = import_ledger(path, dry_run=dry_run, progress=bar)
    except (LedgerError, OSError) as exc:
        raise click.ClickException(f"{path.name}: {exc}") from exc
    _print_report(report, show)
    if errors_path is not None:
        try:
            with errors_path.open("w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerows([("row", "reason"), *report.bad])
        except OSError as exc:
            raise click.ClickException(f"cannot write {errors_path}: {exc.strerror}") from exc


def _print_report(report, show: int) -> None:
    columns = ", ".join(f"{field}={'+'.join(names)}" for field, names in report.columns.items())
    click.echo(f"{report.file}: header on row {report.header_row} ({columns})")
    for number, reason in report.bad[:show]:
        click.echo(f"row {number}: {reason}")
    if len(report.bad) > show:
        click.echo(f"... and {len(report.bad) - show} more bad rows; by reason:")
        for reason, count in report.reasons()[:20]:
            click.echo(f"  {count:>6}  {reason}")
    if report.stopped:
        click.echo(f"stopped: {report.stopped}")
    verb = "would import" if report.dry_run else "imported"
    click.echo(f"{verb} {report.imported} of {report.rows} rows; {report.already} already imported; "
               f"{len(report.bad)} bad" + (" (dry run: nothing stored)" if report.dry_run else ""))
    if report.imported and not report.dry_run:
        click.echo("the classifier learns from them at the next `flask nlp train`")
