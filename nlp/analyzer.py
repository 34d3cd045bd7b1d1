"""Shared front half of training and classification: normalise, tokenize, rule hits."""
from __future__ import annotations

import re
from typing import NamedTuple
from functools import lru_cache
from pathlib import Path

import yaml

from .config import Taxonomy, load_taxonomy
from .features import Doc
from .normalize import normalize
from .tokenizer import Tokenizer, get_tokenizer
from .township import TownshipExtractor
from .urgent import UrgentHit, UrgentRules, hit_tokens


_TOPICS_FILE = Path(__file__).resolve().parent / "data" / "topics.yaml"


class TopicLexicon:
    """Indicative words per issue type (nlp/data/topics.yaml) -> TOPIC:<type> pseudo-words."""

    def __init__(self, topics: dict[str, list[str]]) -> None:
        self._types: dict[str, list[str]] = {}
        for issue_type, words in topics.items():
            for word in words:
                self._types.setdefault(str(word).lower(), []).append(issue_type)
        self._re = re.compile("|".join(map(re.escape, sorted(self._types, key=len, reverse=True))))

    @classmethod
    def load(cls, path: Path = _TOPICS_FILE) -> "TopicLexicon":
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")) or {})

    def tokens(self, text: str) -> list[str]:
        return [f"TOPIC:{t}" for word in self._re.findall(text) for t in self._types[word]]


class Analysis(NamedTuple):  # a tuple: cheap to build per message
    text: str
    doc: Doc
    urgent_hits: tuple[UrgentHit, ...]


class Analyzer:
    """Holds the read-only pieces built from config/: tokenizer, township and urgent rules."""

    def __init__(self, taxonomy: Taxonomy, tokenizer: Tokenizer) -> None:
        self.taxonomy = taxonomy
        self.tokenizer = tokenizer
        self.townships = TownshipExtractor.from_taxonomy(taxonomy)
        self.urgent = UrgentRules(taxonomy.urgent)
        self.topics = TopicLexicon.load()

    def analyze(self, raw: str) -> Analysis:
        text = normalize(raw)
        hits = self.urgent.find(text)
        words = self.tokenizer.raw_cut(text) + hit_tokens(hits) + self.topics.tokens(text)
        return Analysis(text, Doc(tuple(words), text), tuple(hits))


@lru_cache(maxsize=4)
def _analyzer(config_dir: str) -> Analyzer:
    taxonomy = load_taxonomy(config_dir or None)
    return Analyzer(taxonomy, get_tokenizer(taxonomy))


def get_analyzer(config_dir: str | Path | None = None) -> Analyzer:
    """The process-wide analyzer for a config dir (built once, shared read-only)."""
    return _analyzer(str(Path(config_dir).resolve()) if config_dir else "")
