"""Features: TF-IDF over jieba words (plus urgent-rule pseudo-words) and character n-grams.

Vectorisation is done here rather than by sklearn's TfidfVectorizer so that training and the
per-message inference path share one implementation and inference needs no sklearn at all.
Same formulas as sklearn: smooth idf, sublinear tf, L2 norm per block.
"""
from __future__ import annotations

import math
import re
from collections import Counter, _count_elements  # type: ignore[attr-defined]
from operator import add
from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence

import numpy as np

if TYPE_CHECKING:  # scipy is for training only: the per-message path never loads it
    from scipy import sparse

_DIGITS = re.compile(r"\d+")
_NON_WORD = re.compile(r"[\W_]+")
STOPWORDS = frozenset("的 了 是 我 你 他 她 们 吗 呢 吧 啊 呀 哦 嗯 也 都 就 还 又 在 和 与 及 跟 这 那 个 把 被 给 让 着 过 之 而 或".split())


class Doc(NamedTuple):  # a tuple: cheap to build per message
    """What a message contributes to the features: its words and its normalised text."""
    words: tuple[str, ...]
    text: str


def word_terms(words: Iterable[str], bigrams: bool = True) -> list[str]:
    terms = [w for w in words if w[:1].isalnum() and w not in STOPWORDS]
    return terms + [f"{a}_{b}" for a, b in zip(terms, terms[1:])] if bigrams else terms


def char_terms(text: str, max_n: int = 3) -> list[str]:
    out: list[str] = []
    for chunk in _NON_WORD.split(_DIGITS.sub("0", text)):
        out += chunk
        out += map(add, chunk, chunk[1:])  # bigrams at C speed
        for n in range(3, max_n + 1):
            out += [chunk[i:i + n] for i in range(len(chunk) - n + 1)]
    return out


class Block:
    """One TF-IDF block: vocabulary, idf, and its offset in the joint feature space."""

    def __init__(self, vocab: dict[str, int], idf: np.ndarray, offset: int, weight: float) -> None:
        self.vocab, self.idf, self.offset, self.weight = vocab, idf, offset, weight
        # term -> joint index (int keys count fastest), and idf by joint index
        self._lookup = {t: i + offset for t, i in vocab.items()}
        self._idf = dict(zip(self._lookup.values(), idf.tolist()))

    @classmethod
    def fit(cls, docs: Sequence[list[str]], min_df: int, offset: int, weight: float) -> "Block":
        df = Counter(t for d in docs for t in set(d))
        terms = sorted(t for t, c in df.items() if c >= min_df)
        n = len(docs)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in terms])
        return cls({t: i for i, t in enumerate(terms)}, idf, offset, weight)

    def row(self, terms: list[str], idx: list[int], val: list[float]) -> None:
        """Append this block's (joint index, value) pairs for ``terms`` to idx/val."""
        counts = Counter([j for j in map(self._lookup.get, terms) if j is not None])
        if not counts:
            return
        idf = self._idf
        vals = [idf[j] if c == 1 else idf[j] * (1 + math.log(c)) for j, c in counts.items()]
        scale = self.weight / math.hypot(*vals)
        idx += counts
        val += [v * scale for v in vals]


class Featurizer:
    """Words block then characters block; ``row`` is the per-message path."""

    def __init__(self, words: Block, chars: Block, char_n: int = 3, word_bigrams: bool = True) -> None:
        self.words, self.chars, self.char_n, self.word_bigrams = words, chars, char_n, word_bigrams
        self.n_features = chars.offset + len(chars.vocab)
        self._inverse = {i: t for t, i in words.vocab.items()}
        self._fast = not word_bigrams and char_n <= 2
        self._word_get, self._char_get = words._lookup.get, chars._lookup.get
        self._idf_all = np.concatenate([words.idf, chars.idf])

    @classmethod
    def fit(cls, docs: Sequence[Doc], min_df: int = 2, char_weight: float = 1.0, char_n: int = 3,
            word_bigrams: bool = True) -> "Featurizer":
        words = Block.fit([word_terms(d.words, word_bigrams) for d in docs], min_df, 0, 1.0)
        chars = Block.fit([char_terms(d.text, char_n) for d in docs], min_df, len(words.vocab), char_weight)
        return cls(words, chars, char_n, word_bigrams)

    def row(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """Joint feature indices and TF-IDF values of one document."""
        return self._fast_row(doc) if self._fast else self._row(doc)

    def _fast_row(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """Same values as ``_row`` for words without bigrams and char 1-2-grams, counted at
        C speed: a token or n-gram the vocabulary lacks (stopwords, punctuation, n-grams
        across punctuation: fitting never kept any) just looks up None. Word and character
        indices share one count (their ranges are disjoint: words first)."""
        text = _DIGITS.sub("0", doc.text)
        counts: dict = {}
        _count_elements(counts, map(self._word_get, doc.words))
        _count_elements(counts, map(self._char_get, text))
        _count_elements(counts, map(self._char_get, map(add, text, text[1:])))
        counts.pop(None, None)
        n = len(counts)
        idx = np.fromiter(counts, np.int64, n)
        val = self._idf_all[idx]
        val *= 1.0 + np.log(np.fromiter(counts.values(), np.float64, n))
        is_word = idx < self.chars.offset
        sq = val * val
        word_sq = float(sq[is_word].sum())
        char_sq = max(float(sq.sum()) - word_sq, 0.0)
        val *= np.where(is_word, self.words.weight / (math.sqrt(word_sq) or 1.0),
                        self.chars.weight / (math.sqrt(char_sq) or 1.0))
        return idx, val

    def _row(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        idx: list[int] = []
        val: list[float] = []
        self.words.row(word_terms(doc.words, self.word_bigrams), idx, val)
        self.chars.row(char_terms(doc.text, self.char_n), idx, val)
        return np.array(idx, dtype=np.int64), np.array(val)

    def matrix(self, docs: Sequence[Doc]) -> "sparse.csr_matrix":
        from scipy import sparse
        rows = [self.row(d) for d in docs]
        indptr = np.cumsum([0] + [len(r[0]) for r in rows])
        idx = np.concatenate([r[0] for r in rows]) if rows else np.array([], dtype=np.int64)
        val = np.concatenate([r[1] for r in rows]) if rows else np.array([])
        return sparse.csr_matrix((val, idx, indptr), shape=(len(docs), self.n_features))

    def rule_columns(self, prefix: str) -> list[int]:
        """Columns of the rule pseudo-words (``URG:...``) starting with ``prefix``."""
        return [i for t, i in self.words.vocab.items() if t.startswith(prefix)]

    def word_of(self, index: int) -> str | None:
        """The word term behind a feature index (None for a character n-gram)."""
        if index >= self.chars.offset:
            return None
        return self._inverse.get(index)
