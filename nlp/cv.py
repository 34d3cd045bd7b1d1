"""Cross-validation on the seed corpus: ``python -m nlp.cv [--folds 5] [--report]``, and
held-out figures: ``python -m nlp.cv --eval FILE.jsonl [FILE.jsonl ...]`` (a model trained on
the whole seed corpus, scored on each file).

Every figure in docs/classification.md comes from here. The dev set and the check sets
are read only when named with --eval, never trained or tuned on.
"""
from __future__ import annotations

import argparse
import json
import random
from typing import Any

from .analyzer import get_analyzer
from .classifier import Classifier
from .evaluate import confused_pairs, scores
from .training import clean_examples, fit_bundle, load_seed


def folds_of(records: list[dict], k: int, seed: int = 0) -> list[list[int]]:
    """Stratified by issue type: each type's records dealt round-robin after a shuffle."""
    by_type: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        by_type.setdefault(r["issue_type"], []).append(i)
    folds: list[list[int]] = [[] for _ in range(k)]
    rng = random.Random(seed)
    for ids in by_type.values():
        rng.shuffle(ids)
        for j, i in enumerate(ids):
            folds[j % k].append(i)
    return folds


def cross_validate(records: list[dict], k: int = 5, params: dict[str, Any] | None = None,
                   config_dir: str | None = None) -> tuple[dict, list[dict]]:
    """Out-of-fold predictions for every record, and their figures."""
    analyzer = get_analyzer(config_dir)
    records = clean_examples(records, analyzer.taxonomy)
    preds: list[dict | None] = [None] * len(records)
    for fold in folds_of(records, k):
        held = set(fold)
        train = [r for i, r in enumerate(records) if i not in held]
        clf = Classifier(analyzer, fit_bundle(train, analyzer, params=params), "cv")
        for i in fold:
            preds[i] = clf.classify(records[i]["text"]).to_dict()
    done = [p for p in preds if p is not None]
    return scores(records, done), done


LETTER = 200  # characters: a text this long counts as a letter in the split figures


def by_length(records: list[dict], preds: list[dict]) -> dict[str, dict]:
    """The figures of short messages and of letters (LETTER characters or more) apart."""
    out = {}
    for name, keep in (("short", lambda r: len(r["text"]) < LETTER), ("letters", lambda r: len(r["text"]) >= LETTER)):
        pairs = [(r, p) for r, p in zip(records, preds) if keep(r)]
        if pairs:
            out[name] = scores([r for r, _ in pairs], [p for _, p in pairs])
    return out


def held_out(paths: list[str]) -> dict[str, dict]:
    """A model trained on the whole seed corpus (in a temporary dir), scored on each file;
    with the urgent counts (flagged of urgent, false alarms of not urgent)."""
    import tempfile

    from .classifier import load_classifier
    from .records import load_jsonl
    from .training import train
    with tempfile.TemporaryDirectory() as tmp:
        train(load_seed(), tmp)
        clf = load_classifier(tmp)
        out = {}
        for path in paths:
            records = load_jsonl(path)
            preds = [c.to_dict() for c in clf.classify_many([r["text"] for r in records])]
            figures = scores(records, preds)
            gold = [bool(r.get("urgent")) for r in records]
            figures["urgent"].update(
                flagged=f"{sum(g and p['urgent'] for g, p in zip(gold, preds))}/{sum(gold)}",
                false_alarms=f"{sum(p['urgent'] and not g for g, p in zip(gold, preds))}/{len(gold) - sum(gold)}")
            out[path] = figures
    return out


def urgent_held_out(paths: list[str]) -> dict[str, dict]:
    """Urgent recall and false alarms of a model trained on the whole seed corpus, short
    messages and letters apart, on files that carry only ``text`` and ``urgent``."""
    import tempfile

    from .classifier import load_classifier
    from .records import load_jsonl
    from .training import train
    with tempfile.TemporaryDirectory() as tmp:
        train(load_seed(), tmp)
        clf = load_classifier(tmp)
        out = {}
        for path in paths:
            records = load_jsonl(path)
            flags = [c.urgent for c in clf.classify_many([r["text"] for r in records])]
            out[path] = {name: _urgent_counts([(bool(r["urgent"]), f) for r, f in zip(records, flags)
                                               if (len(r["text"]) >= LETTER) == (name == "letters")])
                         for name in ("short", "letters")}
    return out


def _urgent_counts(pairs: list[tuple[bool, bool]]) -> dict:
    urgent = sum(g for g, _ in pairs)
    hit, false = sum(g and f for g, f in pairs), sum(f and not g for g, f in pairs)
    return {"flagged": f"{hit}/{urgent}", "recall": round(hit / urgent, 3) if urgent else None,
            "false_alarms": f"{false}/{len(pairs) - urgent}",
            "precision": round(hit / (hit + false), 3) if hit + false else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--report", action="store_true", help="worst confused pairs")
    parser.add_argument("--params", default="{}", help="JSON overrides of training.PARAMS")
    parser.add_argument("--eval", nargs="+", metavar="FILE", help="held-out files to score instead")
    parser.add_argument("--urgent", nargs="+", metavar="FILE", help="urgent-only held-out files to score")
    args = parser.parse_args()
    if args.urgent:
        for path, figures in urgent_held_out(args.urgent).items():
            print(path, json.dumps(figures, ensure_ascii=False))
        return
    if args.eval:
        for path, figures in held_out(args.eval).items():
            print(path, json.dumps(figures, ensure_ascii=False))
        return
    records = load_seed()
    figures, preds = cross_validate(records, args.folds, json.loads(args.params))
    print(json.dumps(figures))
    cleaned = clean_examples(records, get_analyzer().taxonomy)
    for name, part in by_length(cleaned, preds).items():
        print(name, json.dumps(part))
    if args.report:
        for key in ("issue_type", "department", "township"):
            pairs = confused_pairs([str(r[key]) for r in cleaned], [str(p[key]) for p in preds], 8)
            print(key, pairs)


if __name__ == "__main__":
    main()
