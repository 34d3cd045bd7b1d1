"""Model versions on disk: ``<model_dir>/<version>/model.npz`` + ``meta.json``, and a
``CURRENT`` file naming the version in use (replaced atomically)."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .features import Block, Featurizer
from .model import LinearHead, head_arrays, head_from_arrays

HEADS = ("issue_type", "department", "urgent")
# Bumped whenever features or the file layout change: an older version is not loaded.
FORMAT = 2


@dataclass
class ModelBundle:
    featurizer: Featurizer
    heads: dict[str, LinearHead]
    pair_counts: np.ndarray  # (issue types, departments) seen together in training
    meta: dict[str, Any] = field(default_factory=dict)


def _block_arrays(name: str, block: Block) -> dict[str, np.ndarray]:
    terms = sorted(block.vocab, key=block.vocab.get)
    return {f"{name}.terms": np.array(terms, dtype=str), f"{name}.idf": block.idf,
            f"{name}.meta": np.array([block.offset, block.weight])}


def _block_from(name: str, arrays) -> Block:
    terms = arrays[f"{name}.terms"].tolist()
    offset, weight = arrays[f"{name}.meta"]
    return Block(dict(zip(terms, range(len(terms)))), arrays[f"{name}.idf"], int(offset), float(weight))


def save(bundle: ModelBundle, model_dir: str | Path) -> str:
    """Write a new version and point CURRENT at it; return the version id."""
    arrays = {**_block_arrays("words", bundle.featurizer.words),
              **_block_arrays("chars", bundle.featurizer.chars), "pairs": bundle.pair_counts,
              "featurizer": np.array([bundle.featurizer.char_n, int(bundle.featurizer.word_bigrams)])}
    for name in HEADS:
        arrays.update(head_arrays(name, bundle.heads[name]))
    digest = hashlib.sha1(b"".join(a.tobytes() for a in arrays.values())).hexdigest()[:8]
    version = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + digest
    target = Path(model_dir) / version
    target.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(target / "model.npz", **arrays)
    meta = {**bundle.meta, "version": version, "format": FORMAT}
    (target / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    tmp = Path(model_dir) / "CURRENT.tmp"
    tmp.write_text(version + "\n", "utf-8")
    os.replace(tmp, Path(model_dir) / "CURRENT")
    return version


def current_version(model_dir: str | Path) -> str | None:
    """The version CURRENT names, if it exists and this code can read it."""
    pointer = Path(model_dir) / "CURRENT"
    if not pointer.exists():
        return None
    version = pointer.read_text("utf-8").strip()
    meta_file = Path(model_dir) / version / "meta.json"
    if not meta_file.exists() or not (Path(model_dir) / version / "model.npz").exists():
        return None
    return version if json.loads(meta_file.read_text("utf-8")).get("format") == FORMAT else None


def load(model_dir: str | Path, version: str) -> ModelBundle:
    path = Path(model_dir) / version
    with np.load(path / "model.npz", allow_pickle=False) as arrays:
        words, chars = _block_from("words", arrays), _block_from("chars", arrays)
        heads = {name: head_from_arrays(name, arrays) for name in HEADS}
        pairs = arrays["pairs"]
        char_n, bigrams = (int(x) for x in arrays["featurizer"])
    meta = json.loads((path / "meta.json").read_text("utf-8"))
    return ModelBundle(Featurizer(words, chars, char_n, bool(bigrams)), heads, pairs, meta)
