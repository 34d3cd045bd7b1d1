"""Cross-validation on the seed corpus: ``python -m nlp.cv [--folds 5] [--report]``.

Every figure in docs/classification.md that is not a dev figure comes from here. The dev
set is never read by this module.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--report", action="store_true", help="worst confused pairs")
    parser.add_argument("--params", default="{}", help="JSON overrides of training.PARAMS")
    args = parser.parse_args()
    records = load_seed()
    figures, preds = cross_validate(records, args.folds, json.loads(args.params))
    print(json.dumps(figures))
    if args.report:
        cleaned = clean_examples(records, get_analyzer().taxonomy)
        for key in ("issue_type", "department", "township"):
            pairs = confused_pairs([str(r[key]) for r in cleaned], [str(p[key]) for p in preds], 8)
            print(key, pairs)


if __name__ == "__main__":
    main()
