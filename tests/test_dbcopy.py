"""`flask db copy --to postgresql://…`: a county on SQLite moves to PostgreSQL with every row,
keeps numbering where it left off, and a target that holds data is refused."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.pool import NullPool

from core.app import create_app
from models import Case, Message
from models.db import db
from tests.conftest import Phone, _config

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


@pytest.fixture
def county(tmp_path, model_dir, classifier):
    """A county's SQLite database with a few petitions, one case merged into a later one."""
    app = create_app(_config(f"sqlite:///{tmp_path / 'county.db'}", model_dir))
    app.extensions["classifier"] = classifier
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    client = app.test_client()
    Phone(client, "+8613800000001").send("我叫王芳，东屯镇建筑工地拖欠农民工工资三个月")
    Phone(client, "+8613800000002").send("我叫李军，马庄乡小周庄村村务不公开，账目不公布")
    Phone(client, "+8613800000003").send("我叫赵敏，文岩街道小区门口烧烤油烟太大")
    with app.app_context():
        first, second = db.session.execute(select(Case.id).order_by(Case.id).limit(2)).scalars()
        db.session.execute(update(Case).where(Case.id == first).values(merged_into_id=second, state="merged"))
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def empty_postgres():
    """A new, empty database on the test PostgreSQL server, dropped afterwards."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL (TEST_POSTGRES_URL) not configured")
    admin = create_engine("postgresql+psycopg://" + url.split("://", 1)[1], isolation_level="AUTOCOMMIT",
                          poolclass=NullPool)
    name = f"copy_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def test_copy_moves_every_row_and_numbering_goes_on(county, empty_postgres, model_dir, classifier):
    result = county.test_cli_runner().invoke(args=["db", "copy", "--to", empty_postgres])
    assert result.exit_code == 0, result.output
    assert "counts checked" in result.output

    with county.app_context():
        source = {t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in db.metadata.sorted_tables}
        numbers = db.session.execute(select(Case.number).order_by(Case.id)).scalars().all()
    moved = create_app(_config("postgresql+psycopg://" + empty_postgres.split("://", 1)[1], model_dir))
    moved.extensions["classifier"] = classifier
    with moved.app_context():
        target = {t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in db.metadata.sorted_tables}
        assert target == source and source["cases"] == 3 and source["case_events"] >= 3
        merged = db.session.execute(select(Case).where(Case.state == "merged")).scalar_one()
        assert merged.merged_into_id is not None                   # a key to a later row, set afterwards
        assert db.session.execute(select(Message.body).where(Message.direction == "in").limit(1)).scalar_one()
    replies = Phone(moved.test_client(), "+8613800000009").send("我叫孙丽，榆林乡低保被取消了没人说为啥")
    with moved.app_context():
        newest = db.session.execute(select(Case).order_by(Case.id.desc()).limit(1)).scalar_one()
        assert newest.number in replies[0] and newest.number not in numbers
        assert int(newest.number[-4:]) == max(int(n[-4:]) for n in numbers) + 1   # the day's counter went along
        db.session.remove()
        db.engine.dispose()

    again = county.test_cli_runner().invoke(args=["db", "copy", "--to", empty_postgres])
    assert again.exit_code != 0 and "not empty" in again.output   # a move, never a merge


def test_copy_refuses_a_target_that_is_not_postgresql(county, tmp_path):
    result = county.test_cli_runner().invoke(args=["db", "copy", "--to", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code != 0 and "PostgreSQL" in result.output
