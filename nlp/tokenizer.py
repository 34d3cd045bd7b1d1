"""One jieba tokenizer per process, with a user dictionary built from config/ and domain words.

The instance is built once (``get_tokenizer``) and only read afterwards. jieba's prefix-dict
cache lives in a private directory, never in the shared /tmp/jieba.cache.
"""
from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import jieba

from .config import Taxonomy

_DOMAIN_WORDS = Path(__file__).parent / "data" / "domain_words.txt"
_USER_FREQ = 2000  # high enough that jieba keeps a user word whole


def _private_cache_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"nlp-jieba-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def user_words(taxonomy: Taxonomy) -> list[str]:
    """Townships (names and aliases), departments, routing keywords, urgent terms, domain words."""
    words: list[str] = []
    for t in taxonomy.townships:
        words += [t.name, *t.aliases]
    for names in taxonomy.department_names.values():
        words += list(names)
    for rule in taxonomy.routing:
        words += list(rule.keywords)
    for cat in (taxonomy.urgent.get("categories") or {}).values():
        words += list(cat.get("terms") or ())
    lines = _DOMAIN_WORDS.read_text(encoding="utf-8").splitlines()
    words += [w.strip() for w in lines if w.strip() and not w.startswith("#")]
    return sorted({w for w in words if len(w) > 1})


class Tokenizer:
    """A private ``jieba.Tokenizer`` (precise mode, no HMM: unknown words fall to characters,
    which the character n-gram features cover; and it is twice as fast)."""

    def __init__(self, words: Iterable[str], cache_dir: str | Path | None = None) -> None:
        self._jieba = jieba.Tokenizer()
        self._jieba.tmp_dir = str(cache_dir or _private_cache_dir())
        self._jieba.cache_file = "jieba.cache"
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._jieba.initialize()
        for word in words:
            self._jieba.add_word(word, _USER_FREQ)
        self.words = frozenset(words)

    def cut(self, text: str) -> list[str]:
        return [w for w in self._jieba.lcut(text, HMM=False) if not w.isspace()]


@lru_cache(maxsize=4)
def _cached(words: tuple[str, ...]) -> Tokenizer:
    return Tokenizer(words)


def get_tokenizer(taxonomy: Taxonomy) -> Tokenizer:
    """The process-wide tokenizer for this taxonomy (built on first use, then shared)."""
    return _cached(tuple(user_words(taxonomy)))
