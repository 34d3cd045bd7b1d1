"""The seed corpus (training) and the held-out check sets never mix."""
import json
from pathlib import Path

from nlp.records import SEED_DIR, load_jsonl, load_seed

CHECK_DIR = Path(SEED_DIR).parent / "check"


def test_long_letters_load_through_the_seed_loader(seed):
    letters = [r for r in seed if len(r["text"]) >= 200]
    assert len(letters) >= 400
    assert {r["issue_type"] for r in letters} >= {"rural", "land", "urban", "labor", "health", "education",
                                                   "civil", "legal", "economy", "transport", "market",
                                                   "environment", "discipline", "personnel", "veterans",
                                                   "safety", "other"}


def test_check_sets_are_held_out():
    check = [r for path in sorted(CHECK_DIR.glob("*.jsonl")) for r in load_jsonl(path)]
    assert len(check) == 350
    seed_texts = {r["text"] for r in load_seed()}
    assert not seed_texts & {r["text"] for r in check}
    assert not list(SEED_DIR.glob("check*")) and CHECK_DIR.resolve() != SEED_DIR.resolve()


def test_check_sets_are_well_formed():
    for path in CHECK_DIR.glob("*.jsonl"):
        for line in path.read_text("utf-8").splitlines():
            r = json.loads(line)
            assert r["text"] and r["issue_type"] and "urgent" in r


def test_urgent_check_sets_are_held_out_and_well_formed():
    check = [r for path in sorted((CHECK_DIR.parent / "check_urgent").glob("*.jsonl")) for r in load_jsonl(path)]
    assert len(check) == 180 and sum(r["urgent"] for r in check) == 85
    assert all(r["text"] and r["kind"] in ("short", "letter") for r in check)
    assert not {r["text"] for r in load_seed()} & {r["text"] for r in check}
