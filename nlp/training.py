"""Training: seed corpus (+ staff corrections) -> a new model version in model_dir.

Staff corrections are examples of the same shape as the seed records. When one text appears
more than once, the last label wins (a correction overrides the seed); an example whose text
is not in the seed corpus weighs CORRECTION_WEIGHT unless it carries its own ``weight``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .analyzer import Analyzer, get_analyzer
from .config import Taxonomy
from .features import Featurizer
from .model import fit_head
from .normalize import normalize
from .store import ModelBundle, save

SEED_DIR = Path(__file__).resolve().parent / "data" / "seed"
CORRECTION_WEIGHT = 3.0
PARAMS: dict[str, Any] = {
    "issue_type": {"kind": "svm", "C": 0.5, "balanced": True},
    "department": {"kind": "svm", "C": 0.5, "balanced": True},
    "urgent": {"kind": "logreg", "C": 10.0, "balanced": True},
    "min_df": 2, "char_weight": 1.0,
}


def load_jsonl(path: str | Path) -> list[dict]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_seed(seed_dir: str | Path | None = None) -> list[dict]:
    """All records of nlp/data/seed/*.jsonl, files in name order."""
    records: list[dict] = []
    for path in sorted(Path(seed_dir or SEED_DIR).glob("*.jsonl")):
        records += load_jsonl(path)
    return records


def clean_examples(examples: list[dict], taxonomy: Taxonomy) -> list[dict]:
    """Validate codes, fill the default department, keep the last label of a repeated text."""
    by_text: dict[str, dict] = {}
    for ex in examples:
        issue = ex.get("issue_type")
        if issue not in taxonomy.default_department or not ex.get("text"):
            raise ValueError(f"training example with unknown issue_type or no text: {ex!r}")
        dept = ex.get("department") or taxonomy.default_department[issue]
        if dept not in taxonomy.department_names:
            raise ValueError(f"training example with unknown department: {ex!r}")
        key = normalize(ex["text"])
        by_text.pop(key, None)
        by_text[key] = {**ex, "department": dept, "urgent": bool(ex.get("urgent"))}
    return list(by_text.values())


def _weights(examples: list[dict]) -> np.ndarray:
    seed_texts = {normalize(r["text"]) for r in load_seed()}
    return np.array([float(ex.get("weight") or (1.0 if normalize(ex["text"]) in seed_texts
                                                else CORRECTION_WEIGHT)) for ex in examples])


def pair_counts(examples: list[dict], taxonomy: Taxonomy) -> np.ndarray:
    counts = np.zeros((len(taxonomy.issue_types), len(taxonomy.departments)))
    for ex in examples:
        counts[taxonomy.issue_types.index(ex["issue_type"]),
               taxonomy.departments.index(ex["department"])] += 1
    return counts


def fit_bundle(examples: list[dict], analyzer: Analyzer, weights: np.ndarray | None = None,
               params: dict[str, Any] | None = None, calibrate: bool = True) -> ModelBundle:
    """Fit featurizer and the three heads on cleaned examples (no disk access)."""
    params = {**PARAMS, **(params or {})}
    weights = np.ones(len(examples)) if weights is None else weights
    docs = [analyzer.analyze(ex["text"]).doc for ex in examples]
    featurizer = Featurizer.fit(docs, params["min_df"], params["char_weight"])
    X = featurizer.matrix(docs)
    heads = {}
    for name in ("issue_type", "department", "urgent"):
        labels = [str(ex[name]) for ex in examples]
        heads[name] = fit_head(X, labels, weights, calibrate=calibrate, **params[name])
    meta = {"n_examples": len(examples), "params": params,
            "n_features": featurizer.n_features}
    return ModelBundle(featurizer, heads, pair_counts(examples, analyzer.taxonomy), meta)


def train(examples: list[dict], model_dir: str | Path, config_dir: str | Path | None = None) -> str:
    """Train on ``examples`` (seed records and/or corrections); write and return a new version."""
    analyzer = get_analyzer(config_dir)
    cleaned = clean_examples(examples, analyzer.taxonomy)
    bundle = fit_bundle(cleaned, analyzer, _weights(cleaned))
    return save(bundle, model_dir)
