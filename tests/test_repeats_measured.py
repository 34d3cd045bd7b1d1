"""Repeat and group detection measured on the labelled set of tests/repeats_set.py; the
figures in docs/supervision.md are the ones this test computes."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import _empty_tables
from tests.repeats_set import build, load, score

THRESHOLD = 0.9  # precision and recall each, for repeats and for groups (docs/supervision.md)
DOC = Path(__file__).resolve().parent.parent / "docs" / "supervision.md"


@pytest.fixture
def app(make_app):
    app = make_app(LEADER_PHONES=["+8613900000101"])
    with app.app_context():
        _empty_tables()
    return app


def test_precision_and_recall_on_the_labelled_set(app, sqlite_only):
    petitions = build()
    assert len(petitions) >= 200
    with app.app_context():
        repeats, groups, formed = score(petitions, load(petitions))
        from models import Message
        from models.db import db

        alerts = db.session.query(Message).filter_by(kind="group_alert").count()
    assert repeats.precision >= THRESHOLD and repeats.recall >= THRESHOLD, repeats
    assert groups.precision >= THRESHOLD and groups.recall >= THRESHOLD, groups
    true_groups = {p.group for p in petitions if p.group}
    assert formed == len(true_groups) and alerts == formed  # one alert per group, none per case
    doc = DOC.read_text(encoding="utf-8")
    assert repeats.row("重复信访") in doc and groups.row("集体访") in doc, (repeats.row("重复信访"), groups.row("集体访"))
