"""`flask --app wsgi informants add|import|list|report|remind` (registered by core.cli):
the village information officers' roster, their month, and the reminder (cron it daily:
it sends only from INFORMANT_REMIND_DAY on, and never twice a month to one officer)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from models.db import db

informants_cli = AppGroup("informants", help="Village information officers (信息员): roster, month, reminders.")


@informants_cli.command("add")
@click.option("--phone", required=True)
@click.option("--name", required=True)
@click.option("--village", default="")
@click.option("--township", required=True, help="name (东屯镇, 东屯) or code (dongtun)")
def add(phone: str, name: str, village: str, township: str) -> None:
    """Register one officer (or update the one with this phone)."""
    from cases.informant_roster import add as add_informant

    try:
        informant, created = add_informant(phone, name, village, township)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{'added' if created else 'updated'} {informant.id} {informant.name}")


@informants_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file, change nothing.")
def import_(path: Path, dry_run: bool) -> None:
    """Import a roster (.xlsx or .csv; columns 姓名, 手机, 村, 乡镇)."""
    from tqdm import tqdm

    from cases.informant_roster import import_roster

    try:
        # as `cases import`: no bar when stderr is not a terminal (cron, CI, pipes)
        with tqdm(unit="rows", disable=None, file=sys.stderr, delay=1.0, mininterval=0.5) as bar:
            result = import_roster(path.read_bytes(), path.name, progress=bar)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    for error in result.errors:
        click.echo(error, err=True)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(f"{'would add' if dry_run else 'added'} {result.added}, updated {result.updated}, "
               f"rejected {len(result.errors)}")


@informants_cli.command("list")
@click.option("--township", default=None)
def list_(township: str | None) -> None:
    """Active officers: id, township, village, name, phone."""
    from sqlalchemy import select

    from cases.informant_roster import township_code
    from models import Informant

    stmt = select(Informant).where(Informant.active.is_(True)).order_by(Informant.township, Informant.village)
    if township:
        try:
            stmt = stmt.where(Informant.township == township_code(township))
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    taxonomy = current_app.extensions["taxonomy"]
    for i in db.session.execute(stmt).scalars():
        click.echo(f"{i.id}\t{taxonomy.township_name(i.township)}\t{i.village}\t{i.name}\t{i.phone}")


@informants_cli.command("report")
@click.option("--month", help="YYYY-MM (default: this month)")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the xlsx here.")
def report(month: str | None, out: Path | None) -> None:
    """The month per township: officers, reported, not reported, reports, 零报告."""
    from cases import informant_month
    from cases.informants import local_month
    from models import utcnow

    try:
        built = informant_month.build(month or local_month(utcnow()))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    name = current_app.extensions["taxonomy"].township_name
    for town in built.townships:
        click.echo(f"{name(town.township)}\tofficers {town.officers}\treported {town.reported}\t"
                   f"missing {town.missing}\treports {town.reports}\tzero {town.zero}")
    if out:
        out.write_bytes(informant_month.to_xlsx(built, name, lambda phone: phone))
        click.echo(str(out))


@informants_cli.command("remind")
@click.option("--month", help="YYYY-MM: remind for this month now, whatever the day.")
def remind(month: str | None) -> None:
    """SMS the officers who have not reported this month (from INFORMANT_REMIND_DAY on)."""
    from handlers.informants import remind_if_due

    try:
        sent = remind_if_due(month=month)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if sent is None:
        click.echo(f"not yet: reminders go from day {current_app.config['INFORMANT_REMIND_DAY']} of the month")
    else:
        click.echo(f"reminded {sent}")
