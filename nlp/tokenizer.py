"""One jieba tokenizer per process, with a user dictionary built from config/ and domain words.

The instance is built once (``get_tokenizer``) and only read afterwards. jieba's prefix-dict
cache lives in a private directory, never in the shared /tmp/jieba.cache.
"""
from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterable

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
    """Precise-mode segmentation with our user dictionary, no HMM (unknown words fall to
    characters, which the character n-gram features cover; and it is twice as fast).

    Backend "jieba" is a private ``jieba.Tokenizer``. Backend "rjieba" (jieba-rs, optional
    package) segments the same way from the same dictionary (agreement measured by
    bench/classify.py) about twenty times faster; "auto" takes it when it is installed.
    """

    def __init__(self, words: Iterable[str], cache_dir: str | Path | None = None,
                 backend: str = "auto") -> None:
        self.words = frozenset(words)
        self.backend = _pick_backend(backend)
        if self.backend == "rjieba":
            self._impl = _rjieba_impl(self.words)
        else:
            self._impl = _jieba_impl(self.words, cache_dir)

    def cut(self, text: str) -> list[str]:
        """Words of ``text``, whitespace dropped."""
        return [w for w in self._impl(text) if not w.isspace()]

    def raw_cut(self, text: str) -> list[str]:
        """Words of ``text`` as segmented, whitespace included (the features drop it)."""
        return self._impl(text)


def _pick_backend(backend: str) -> str:
    if backend not in ("auto", "jieba", "rjieba"):
        raise ValueError(f"unknown tokenizer backend {backend!r}")
    if backend != "auto":
        return backend
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return "jieba"
    return "rjieba"


def _jieba_impl(words: frozenset[str], cache_dir: str | Path | None) -> Callable[[str], list[str]]:
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(cache_dir or _private_cache_dir())
    tok.cache_file = "jieba.cache"
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok.initialize()
    for word in sorted(words):
        tok.add_word(word, _USER_FREQ)
    return partial(tok.lcut, HMM=False)


def _rjieba_impl(words: frozenset[str]) -> Callable[[str], list[str]]:
    import rjieba
    tok = rjieba.Jieba()
    for word in sorted(words):
        tok.add_word(word, _USER_FREQ, None)
    return partial(tok.cut, hmm=False)


@lru_cache(maxsize=4)
def _cached(words: tuple[str, ...], backend: str) -> Tokenizer:
    return Tokenizer(words, backend=backend)


def get_tokenizer(taxonomy: Taxonomy, backend: str = "auto") -> Tokenizer:
    """The process-wide tokenizer for this taxonomy (built on first use, then shared)."""
    return _cached(tuple(user_words(taxonomy)), _pick_backend(backend))
