"""`flask cases show`: one case from the command line, for administrators and scripts
(registered in the `cases` group by core.cli)."""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

@click.command("show")
@with_appcontext
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (for scripts).")
@click.option("--unmask", is_flag=True, help="The petitioner's name and phone in full (personal data).")
def cases_show(number: str, as_json: bool, unmask: bool) -> None:
    """One case: state, unit, deadlines, urgency, repeat and group links, events."""
    from cases.summary import case_summary, summary_text
    from models import Case
    from models.db import db

    case = db.session.execute(select(Case).where(Case.number == number.strip().upper())).scalar_one_or_none()
    if case is None:
        raise click.ClickException(f"no case {number!r}")
    data = case_summary(case, unmask=unmask)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else summary_text(data))
