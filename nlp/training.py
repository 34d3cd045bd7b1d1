"""Training: seed corpus (+ staff corrections) -> a new model version in model_dir.

Staff corrections are examples of the same shape as the seed records. When one text appears
more than once, the last label wins (a correction overrides the seed); an example whose text
is not in the seed corpus weighs CORRECTION_WEIGHT unless it carries its own ``weight``.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .analyzer import Analyzer, get_analyzer
from .config import Taxonomy
from .features import Doc, Featurizer
from .letters import LONG
from .model import fit_head
from .normalize import normalize
from .records import SEED_DIR, load_jsonl, load_seed, seed_digest  # noqa: F401 (part of this module's API)
from .store import ModelBundle, save

log = logging.getLogger(__name__)
_NOT_WORD = re.compile(r"[\W_]+")
CORRECTION_WEIGHT = 3.0
PARAMS: dict[str, Any] = {
    "issue_type": {"kind": "svm", "C": 0.5, "balanced": True},
    "department": {"kind": "svm", "C": 0.5, "balanced": True},
    "urgent": {"kind": "logreg", "C": 10.0, "balanced": True},
    "min_df": 2, "char_weight": 1.5, "char_n": 2, "word_bigrams": False,
    "urgent_features_for_type": False,
    "department_power": 0.5,  # nlp.classifier.DEPARTMENT_POWER
    "window_power": 0.5,      # a letter window's weight in the urgent head: n_windows ** -power
}


def clean_examples(examples: list[dict], taxonomy: Taxonomy) -> list[dict]:
    """Fill the default department, keep the last label of a repeated text, and drop (with a
    warning) examples whose codes the taxonomy no longer knows."""
    by_text: dict[str, dict] = {}
    dropped = 0
    for ex in examples:
        issue = ex.get("issue_type")
        dept = ex.get("department") or taxonomy.default_department.get(issue or "")
        if issue not in taxonomy.default_department or dept not in taxonomy.department_names \
                or not ex.get("text"):
            dropped += 1
            continue
        key = _key(ex["text"])
        by_text.pop(key, None)
        by_text[key] = {**ex, "department": dept, "urgent": bool(ex.get("urgent"))}
    if dropped:
        log.warning("dropped %d training examples with unknown codes or no text", dropped)
    return list(by_text.values())


def _key(text: str) -> str:
    """Two texts that differ only in width, script, punctuation or spacing are one text."""
    return _NOT_WORD.sub("", normalize(text))


def _weights(examples: list[dict]) -> np.ndarray:
    seed_texts = {_key(r["text"]) for r in load_seed()}
    return np.array([float(ex.get("weight") or (1.0 if _key(ex["text"]) in seed_texts
                                                else CORRECTION_WEIGHT)) for ex in examples])


def pair_counts(examples: list[dict], taxonomy: Taxonomy) -> np.ndarray:
    counts = np.zeros((len(taxonomy.issue_types), len(taxonomy.departments)))
    for ex in examples:
        counts[taxonomy.issue_types.index(ex["issue_type"]),
               taxonomy.departments.index(ex["department"])] += 1
    return counts


class Progress(Protocol):
    """A progress bar (tqdm's interface): told the number of steps, then each step."""
    total: int | float | None

    def update(self, n: int = 1) -> Any: ...


def _step(progress: Progress | None, n: int = 1) -> None:
    if progress is not None:
        progress.update(n)


def fit_bundle(examples: list[dict], analyzer: Analyzer, weights: np.ndarray | None = None,
               params: dict[str, Any] | None = None, calibrate: bool = True,
               progress: Progress | None = None) -> ModelBundle:
    """Fit featurizer and the three heads on cleaned examples (no disk access). `progress`
    counts 2 steps per example (analysed, then windowed for the urgent head) and one per head."""
    params = {**PARAMS, **(params or {})}
    weights = np.ones(len(examples)) if weights is None else weights
    if progress is not None:
        progress.total = 2 * len(examples) + 3
    analyses = []
    for ex in examples:
        analyses.append(analyzer.analyze(ex["text"]))
        _step(progress)
    docs = [a.doc for a in analyses]
    featurizer = Featurizer.fit(docs, params["min_df"], params["char_weight"], params["char_n"],
                                params["word_bigrams"])
    X = featurizer.matrix(docs)
    X_topic = X if params["urgent_features_for_type"] else _without(X, featurizer.rule_columns("URG"))
    heads = {}
    # an example written to teach urgency only (``"topic_weight": 0``) stays out of the
    # issue type and department heads: its topic label is a by-product, not a lesson
    topic = np.flatnonzero(np.array([float(ex.get("topic_weight", 1.0)) for ex in examples]) > 0)
    for name in ("issue_type", "department"):
        labels = [str(examples[i][name]) for i in topic]
        heads[name] = fit_head(X_topic[topic], labels, weights[topic], calibrate=calibrate, **params[name])
        _step(progress)
    u_docs, u_labels, u_weights = urgent_rows(examples, analyzer, weights, params["window_power"], progress,
                                             analyses)
    heads["urgent"] = fit_head(featurizer.matrix(u_docs), u_labels, u_weights, calibrate=calibrate,
                               **params["urgent"])
    _step(progress)
    meta = {"n_examples": len(examples), "params": params,
            "n_features": featurizer.n_features}
    return ModelBundle(featurizer, heads, pair_counts([examples[i] for i in topic], analyzer.taxonomy), meta)


def urgent_rows(examples: list[dict], analyzer: Analyzer, weights: np.ndarray, window_power: float = 0.0,
                progress: Progress | None = None, analyses: list | None = None,
                ) -> tuple[list[Doc], list[str], np.ndarray]:
    """The urgent head learns from what it judges: a short text whole, a long letter window
    by window (nlp.letters). Every window of a letter that is not urgent is a negative; of an
    urgent letter, the windows with an urgent-rule hit are positives and the others are left
    out (which of them carries the danger is not known). Each window of a letter of n windows
    weighs n ** -window_power. ``analyses``: the examples' analyses when already made."""
    docs: list[Doc] = []
    labels: list[str] = []
    out_weights: list[float] = []
    for i, (ex, w) in enumerate(zip(examples, weights)):
        _step(progress)
        a = analyses[i] if analyses is not None else analyzer.analyze(ex["text"])
        windows = analyzer.window_docs(a)
        share = float(w) * len(windows) ** -window_power
        for doc, hits in windows:
            if len(a.scan) > LONG and ex["urgent"] and not any(not h.negated for h in hits):
                continue
            docs.append(doc)
            labels.append(str(bool(ex["urgent"])))
            out_weights.append(share)
    return docs, labels, np.array(out_weights)


def _without(X, columns: list[int]):
    """X with some columns zeroed: those features then get no weight in a head."""
    if not columns:
        return X
    from scipy import sparse
    keep = np.ones(X.shape[1])
    keep[columns] = 0.0
    return X @ sparse.diags(keep)


def train(examples: list[dict], model_dir: str | Path, config_dir: str | Path | None = None,
          progress: Progress | None = None) -> str:
    """Train on ``examples`` (seed records and/or corrections); write and return a new version."""
    analyzer = get_analyzer(config_dir)
    cleaned = clean_examples(examples, analyzer.taxonomy)
    bundle = fit_bundle(cleaned, analyzer, _weights(cleaned), progress=progress)
    bundle.meta["seed_digest"] = seed_digest()
    return save(bundle, model_dir)


def is_stale(model_dir: str | Path) -> bool:
    """True when model_dir has no usable model, or its model predates the seed corpus."""
    import json

    from .store import current_version

    version = current_version(Path(model_dir))
    if version is None:
        return True
    meta = json.loads((Path(model_dir) / version / "meta.json").read_text("utf-8"))
    return meta.get("seed_digest") != seed_digest()
