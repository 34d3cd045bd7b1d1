"""`flask --app wsgi db copy --to postgresql://…`: move a county's data from the configured
database (SQLite, the embedded default) to an empty PostgreSQL.

The target gets its schema from the real migrations (alembic upgrade), then every table is
copied in dependency order, in batches, inside one transaction: a failure leaves the target
as empty as it was. A foreign key to a row not copied yet (a case merged into a later case)
is written in a second pass. Sequences are set past the highest id, and the row count of
every table is compared at the end. A target that holds any row is refused: this is a
move, not a merge."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import Engine, Table, bindparam, create_engine, func, inspect, select, text, update
from sqlalchemy.pool import NullPool

from models.db import db

BATCH = 2000
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class CopyError(click.ClickException):
    """The copy cannot start or did not check out; nothing was committed on the target."""


@dataclass
class Copied:
    table: str
    source: int
    target: int


def postgres_url(url: str) -> str:
    """The psycopg 3 driver for the plain scheme an operator pastes."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if not url.startswith("postgresql+"):
        raise CopyError("the target must be a PostgreSQL URL (postgresql://user@host/dbname)")
    return url


def copy_database(target_url: str, batch: int = BATCH, progress: bool = True) -> list[Copied]:
    """Copy every table of the app's database to the empty PostgreSQL at `target_url`."""
    target = create_engine(postgres_url(target_url), poolclass=NullPool)
    source = db.engine
    try:
        _refuse_unless_empty(target)
        _migrate(postgres_url(target_url))
        tables = [t for t in db.metadata.sorted_tables if inspect(source).has_table(t.name)]
        counts = {t.name: _count(source, t) for t in tables}
        with target.begin() as out, source.connect() as src:
            _copy_tables(src, out, tables, counts, batch, progress)
            _reset_sequences(out, tables)
        return _check(source, target, tables)
    finally:
        target.dispose()


def _refuse_unless_empty(target: Engine) -> None:
    names = set(inspect(target).get_table_names())
    with target.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in names and conn.execute(select(func.count()).select_from(table)).scalar_one():
                raise CopyError(f"the target is not empty (table {table.name} has rows): refusing to copy")


def _migrate(target_url: str) -> None:
    """The target's schema from the migrations, run through an app bound to the target."""
    create_app = current_app.extensions["app_factory"]  # not imported: core.app imports the CLI
    app = create_app({"SQLALCHEMY_DATABASE_URI": target_url, "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool},
                      "REDIS_URL": None})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _forward_keys(table: Table, order: list[Table]) -> list[str]:
    """Columns referring to this table or one copied after it: NULL first, set afterwards."""
    later = {t.name for t in order[order.index(table):]}
    return sorted({fk.parent.name for fk in table.foreign_keys if fk.column.table.name in later})


def _copy_tables(src, out, tables: list[Table], counts: dict[str, int], batch: int, progress: bool) -> None:
    from tqdm import tqdm

    deferred: list[tuple[Table, list[str], list[dict]]] = []
    with tqdm(total=sum(counts.values()), unit="rows", disable=None if progress else True, file=sys.stderr,
              mininterval=0.5) as bar:
        for table in tables:
            bar.set_description(table.name)
            forward = _forward_keys(table, tables)
            later: list[dict] = []
            key = list(table.primary_key.columns)
            rows = src.execution_options(stream_results=True).execute(select(table).order_by(*key))
            for part in rows.mappings().partitions(batch):
                chunk = [dict(row) for row in part]
                if forward:
                    later += [{**{f"k_{c.name}": r[c.name] for c in key}, **{f"v_{n}": r[n] for n in forward}}
                              for r in chunk if any(r[n] is not None for n in forward)]
                    chunk = [{**r, **{n: None for n in forward}} for r in chunk]
                out.execute(table.insert(), chunk)
                bar.update(len(chunk))
            if later:
                deferred.append((table, forward, later))
    for table, forward, later in deferred:
        where = [c == bindparam(f"k_{c.name}") for c in table.primary_key.columns]
        out.execute(update(table).where(*where).values({n: bindparam(f"v_{n}") for n in forward}), later)


def _reset_sequences(out, tables: list[Table]) -> None:
    """Each serial id continues after the highest copied one."""
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not key[0].autoincrement or key[0].type.python_type is not int:
            continue
        sequence = out.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": table.name, "c": key[0].name}).scalar_one_or_none()
        if sequence:
            out.execute(text(f"SELECT setval('{sequence}', coalesce((SELECT max({key[0].name}) FROM "
                             f"{table.name}), 0) + 1, false)"))


def _check(source: Engine, target: Engine, tables: list[Table]) -> list[Copied]:
    copied = [Copied(t.name, _count(source, t), _count(target, t)) for t in tables]
    wrong = [c for c in copied if c.source != c.target]
    if wrong:
        raise CopyError("row counts differ: " + ", ".join(f"{c.table} {c.source}→{c.target}" for c in wrong))
    return copied


@click.command("copy")
@click.option("--to", "target", required=True, help="The empty PostgreSQL: postgresql://user:pass@host/dbname")
@click.option("--batch", default=BATCH, show_default=True, help="Rows per insert.")
def db_copy(target: str, batch: int) -> None:
    """Copy this database (SQLite) to an empty PostgreSQL; stop the gateway first."""
    if current_app.config["SQLALCHEMY_DATABASE_URI"] == postgres_url(target):
        raise CopyError("the target is the configured database")
    copied = copy_database(target, batch)
    width = max(len(c.table) for c in copied)
    for c in copied:
        click.echo(f"{c.table:<{width}}  {c.target:>9}")
    click.echo(f"copied {sum(c.target for c in copied)} rows in {len(copied)} tables; counts checked. "
               f"Now set DATABASE_URL to the new database and start the gateway.")
