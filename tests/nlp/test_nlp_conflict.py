"""The conflict-of-interest (回避) detector on labelled examples: our own development set
(tests/data/coi_dev.jsonl, the rules were written against it) and a held-out set written by
someone else (tests/data/coi_examples.jsonl, never used to write rules). The figures are in
docs/security.md."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.conflict import load_detector

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def detector():
    return load_detector()


def scores(detector, name: str) -> dict:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    out = {}
    for tier in ("certain", "any"):
        tp = fp = fn = units = 0
        for row in rows:
            found = detector.detect(row["text"])
            if found is not None and tier == "certain" and not found.certain:
                found = None
            tp += bool(row["coi"] and found)
            fn += bool(row["coi"] and not found)
            fp += bool(found and not row["coi"])
            units += bool(row["coi"] and found and found.unit == row["unit"])
        out[tier] = {"recall": tp / (tp + fn), "precision": tp / max(1, tp + fp), "unit": units / max(1, tp)}
    out["n"] = len(rows)
    return out


def test_held_out_recall_keeps_nine_in_ten_from_the_accused_unit(detector):
    """Certain or possible: either way the accused unit does not see the case."""
    result = scores(detector, "coi_examples.jsonl")
    print("coi_examples", json.dumps(result))
    assert result["n"] == 160
    assert result["any"]["recall"] >= 0.9
    assert result["any"]["precision"] >= 0.75 and result["certain"]["precision"] >= 0.9
    assert result["any"]["unit"] >= 0.85


def test_development_set(detector):
    result = scores(detector, "coi_dev.jsonl")
    print("coi_dev", json.dumps(result))
    assert result["n"] >= 200
    assert result["certain"]["recall"] >= 0.95 and result["certain"]["precision"] >= 0.95


@pytest.mark.parametrize("text, unit, certain", [
    ("城管队员打人", "urban_management", True),
    ("派出所民警索要好处费", "public_security", True),
    ("某局科长收钱办事", None, True),             # unit unnamed: the caller uses the classifier's
    ("城管局一个科长收了我两千块钱", "urban_management", True),
    ("民警在执行任务时被醉汉打伤", None, None),   # the officer is the victim
    ("我没有说派出所民警打人", None, None),       # denied
    ("感谢民警帮我找回电动车", None, None),       # praise
    ("村干部贪污扶贫款", None, None),             # a village committee is no county unit
    ("民警说这事归法院管", "public_security", False),  # staff named, no accusation: a person decides
])
def test_rules(detector, text, unit, certain):
    found = detector.detect(text)
    if certain is None:
        assert found is None
    else:
        assert found is not None and found.unit == unit and found.certain is certain
