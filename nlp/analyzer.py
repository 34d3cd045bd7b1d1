"""Shared front half of training and classification: normalise, tokenize, rule hits."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config import Taxonomy, load_taxonomy
from .features import Doc
from .normalize import normalize
from .tokenizer import Tokenizer, get_tokenizer
from .township import TownshipExtractor
from .urgent import UrgentHit, UrgentRules, hit_tokens


@dataclass(frozen=True)
class Analysis:
    text: str
    doc: Doc
    urgent_hits: tuple[UrgentHit, ...]


class Analyzer:
    """Holds the read-only pieces built from config/: tokenizer, township and urgent rules."""

    def __init__(self, taxonomy: Taxonomy, tokenizer: Tokenizer) -> None:
        self.taxonomy = taxonomy
        self.tokenizer = tokenizer
        self.townships = TownshipExtractor(taxonomy.townships)
        self.urgent = UrgentRules(taxonomy.urgent)

    def analyze(self, raw: str) -> Analysis:
        text = normalize(raw)
        hits = self.urgent.find(text)
        words = self.tokenizer.cut(text) + hit_tokens(hits)
        return Analysis(text, Doc(tuple(words), text), tuple(hits))


@lru_cache(maxsize=4)
def _analyzer(config_dir: str) -> Analyzer:
    taxonomy = load_taxonomy(config_dir or None)
    return Analyzer(taxonomy, get_tokenizer(taxonomy))


def get_analyzer(config_dir: str | Path | None = None) -> Analyzer:
    """The process-wide analyzer for a config dir (built once, shared read-only)."""
    return _analyzer(str(Path(config_dir).resolve()) if config_dir else "")
