"""Reading labelled records (the evaluation format of taxonomy.md) and the seed corpus."""
from __future__ import annotations

import json
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent / "data" / "seed"


def load_jsonl(path: str | Path) -> list[dict]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_seed(seed_dir: str | Path | None = None) -> list[dict]:
    """All records of nlp/data/seed/*.jsonl, files in name order."""
    records: list[dict] = []
    for path in sorted(Path(seed_dir or SEED_DIR).glob("*.jsonl")):
        records += load_jsonl(path)
    return records


def seed_digest(seed_dir: str | Path | None = None) -> str:
    """A fingerprint of the seed corpus files, recorded with each trained model."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(Path(seed_dir or SEED_DIR).glob("*.jsonl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
