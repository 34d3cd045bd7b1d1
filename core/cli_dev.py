"""Developer commands: `flask --app wsgi dev ...` (made-up data for scale tests)."""
from __future__ import annotations

import random
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import insert, table, column, text
from tqdm import tqdm

from models.db import db
from models import utcnow

dev_cli = AppGroup("dev", help="Developer tools: made-up data for scale tests.")


@dev_cli.command("seed-cases")
@click.argument("n", type=click.IntRange(1, 20_000_000))
@click.option("--years", type=click.FloatRange(0.1, 30), default=5.0, show_default=True,
              help="Spread the cases over this many years up to today.")
@click.option("--seed", "rng_seed", type=int, default=18, show_default=True, help="Random seed.")
@click.option("--batch", type=click.IntRange(100, 500_000), default=20_000, show_default=True)
def seed_cases(n: int, years: float, rng_seed: int, batch: int) -> None:
    """Fill the database with N made-up cases (only an empty or already seeded one)."""
    from core.seed import Corpus, Seeder, batches, day_counts, local_days, refusal, start_ids

    reason = refusal()
    if reason:
        raise click.ClickException(reason)
    now, tz = utcnow(), ZoneInfo(current_app.config["TIMEZONE"])
    taxonomy = current_app.extensions["taxonomy"]
    rng = random.Random(rng_seed)
    days = local_days(now, tz, years, n)
    seeder = Seeder(taxonomy, Corpus.load(taxonomy), now, tz, rng, start_ids())
    write = _copy if db.engine.dialect.name == "postgresql" else _insert
    started = time.perf_counter()
    postgres = db.engine.dialect.name == "postgresql"
    rebuild = _drop_indexes() if postgres else []
    with tqdm(total=n, unit="case", disable=not sys.stderr.isatty()) as bar:
        for count, rows in batches(seeder, taxonomy.case_prefix, days, day_counts(n, days, rng), batch):
            for name, columns in _tables():
                write(name, columns, rows[name])
            if not postgres:
                db.session.commit()
            bar.update(count)
    for statement in tqdm(rebuild, unit="index", disable=not sys.stderr.isatty()):
        db.session.execute(text(statement))
    db.session.commit()
    _after()
    seconds = time.perf_counter() - started
    click.echo(f"seeded {n} cases over {len(days)} days in {seconds:.1f} s ({n / seconds:,.0f} cases/s)")


def _drop_indexes() -> list[str]:
    """PostgreSQL: one transaction for the whole seed, which drops the seeded tables'
    secondary indexes and builds them again at the end (building an index once is many
    times faster than updating twenty of them row by row; if anything fails, the rollback
    brings them back). Foreign keys are checked by a trigger per row: where the role may
    (a superuser: a developer's or the benchmark's own server), those checks are skipped,
    as the seeded rows reference only rows seeded before them. Returns the CREATE INDEX
    statements to run at the end."""
    from core.seed import TABLES

    try:
        with db.session.begin_nested():
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
    except Exception:  # noqa: BLE001 - not allowed for this role: the checks stay
        pass
    db.session.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    rows = db.session.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = ANY(:tables) AND indexname NOT IN (SELECT conname FROM pg_constraint)"),
        {"tables": list(TABLES)}).all()
    for name, _definition in rows:
        db.session.execute(text(f'DROP INDEX "{name}"'))
    return [definition for _name, definition in rows]


def _tables():
    from core.seed import TABLES

    return TABLES.items()


def _copy(name: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """PostgreSQL: COPY through the raw psycopg connection of the session's transaction."""
    if not rows:
        return
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert(name: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """SQLite: one executemany per table and batch."""
    if not rows:
        return
    stmt = insert(table(name, *(column(c) for c in columns)))
    db.session.execute(stmt, [{c: str(v) if isinstance(v, datetime) else v for c, v in zip(columns, row)}
                              for row in rows])


def _after() -> None:
    """PostgreSQL's id sequences continue after the seeded ids; the planner learns the new sizes."""
    if db.engine.dialect.name != "postgresql":
        return
    from core.seed import TABLES

    for name in TABLES:
        if name != "case_workflow":
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                    f"(SELECT coalesce(max(id), 1) FROM {name}))"))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM ANALYZE {', '.join(TABLES)}"))  # index-only scans need the visibility map
