"""Shared front half of training and classification: normalise, tokenize, rule hits."""
from __future__ import annotations

import re
from typing import NamedTuple
from functools import lru_cache
from pathlib import Path


from .config import Taxonomy, load_taxonomy, load_yaml
from .fastre import Prefiltered, trie_pattern
from .features import Doc
from .letters import prepare, topic_text, windows, without_quoted_law
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
        self._re = Prefiltered(trie_pattern(self._types))

    @classmethod
    def load(cls, path: Path = _TOPICS_FILE) -> "TopicLexicon":
        return cls(load_yaml(path.read_text(encoding="utf-8")) or {})

    def tokens(self, text: str) -> list[str]:
        return [f"TOPIC:{t}" for word in self._re.findall(text) for t in self._types[word]]


class Analysis(NamedTuple):  # a tuple: cheap to build per message
    text: str          # normalised, whole (township rules read this)
    doc: Doc           # topic features: the text without letter boilerplate (nlp.letters)
    urgent_hits: tuple[UrgentHit, ...]
    scan: str          # what the urgent rules read: the text without quoted laws


class Analyzer:
    """Holds the read-only pieces built from config/: tokenizer, township and urgent rules."""

    def __init__(self, taxonomy: Taxonomy, tokenizer: Tokenizer) -> None:
        self.taxonomy = taxonomy
        self.tokenizer = tokenizer
        self.townships = TownshipExtractor.from_taxonomy(taxonomy)
        self.urgent = UrgentRules(taxonomy.urgent)
        self.topics = TopicLexicon.load()

    def analyze(self, raw: str) -> Analysis:
        text = normalize(prepare(raw))
        scan = without_quoted_law(text)
        hits = self.urgent.find(scan)
        topic = topic_text(text)
        words = self.tokenizer.raw_cut(topic) + hit_tokens(hits) + self.topics.tokens(topic)
        return Analysis(text, Doc(tuple(words), topic), tuple(hits), scan)

    def window_docs(self, a: Analysis) -> list[tuple[Doc, tuple[UrgentHit, ...]]]:
        """Per window of a long text (nlp.letters.windows): its features and its urgent hits.
        A text up to letters.LONG is one window, the message's own features."""
        spans = windows(a.scan)
        if len(spans) == 1:
            return [(a.doc, a.urgent_hits)]
        out = []
        for start, end in spans:
            part = topic_text(a.scan[start:end])
            hits = tuple(h for h in a.urgent_hits if start <= h.start < end)
            words = self.tokenizer.raw_cut(part) + hit_tokens(hits) + self.topics.tokens(part)
            out.append((Doc(tuple(words), part), hits))
        return out


@lru_cache(maxsize=4)
def _analyzer(config_dir: str) -> Analyzer:
    taxonomy = load_taxonomy(config_dir or None)
    return Analyzer(taxonomy, get_tokenizer(taxonomy))


def get_analyzer(config_dir: str | Path | None = None) -> Analyzer:
    """The process-wide analyzer for a config dir (built once, shared read-only)."""
    return _analyzer(str(Path(config_dir).resolve()) if config_dir else "")
