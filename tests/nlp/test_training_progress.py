"""`nlp train` reports its progress through a tqdm-like bar: told its total, then stepped
exactly to it (two steps per example, one per head)."""
from __future__ import annotations

from nlp.analyzer import get_analyzer
from nlp.training import clean_examples, fit_bundle, load_seed


class Bar:
    def __init__(self) -> None:
        self.total, self.n = None, 0

    def update(self, n: int = 1) -> None:
        self.n += n


def test_training_steps_its_bar_to_the_total():
    analyzer = get_analyzer()
    examples = clean_examples(load_seed()[:120], analyzer.taxonomy)
    bar = Bar()
    bundle = fit_bundle(examples, analyzer, calibrate=False, progress=bar)
    assert bar.total == 2 * len(examples) + 3 and bar.n == bar.total
    assert bundle.meta["n_examples"] == len(examples)
