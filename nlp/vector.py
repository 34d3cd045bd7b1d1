"""Many messages at once: the features and the three heads of a chunk of messages in a
few numpy operations, instead of a dozen small ones per message.

Same values as ``Featurizer.row`` and ``Classifier._probabilities`` message by message
(a test checks it): characters are looked up as code points (unigrams in a dense table,
bigrams by binary search in their sorted keys), the (message, feature) pairs of the whole
chunk are counted by one sort, and the per-block L2 norms and the head scores are
segment sums.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .features import _DIGITS, Doc, Featurizer

_SEP = "\x00"  # between the texts of a chunk: in no vocabulary, so no n-gram spans two texts


class BatchFeaturizer:
    """Vectorised ``Featurizer.row`` for a sequence of documents (word terms without
    bigrams, character 1-2-grams: the fast configuration of Featurizer)."""

    def __init__(self, f: Featurizer) -> None:
        self.f = f
        self.n_features = f.n_features
        self._unigram = np.full(0x110000, -1, np.int32)
        keys, ids = [], []
        for term, i in f.chars._lookup.items():
            if len(term) == 1:
                self._unigram[ord(term)] = i
            elif len(term) == 2:
                keys.append((ord(term[0]) << 21) | ord(term[1]))
                ids.append(i)
        order = np.argsort(keys)
        self._bigram_keys = np.asarray(keys, np.int64)[order]
        self._bigram_ids = np.asarray(ids, np.int64)[order]

    def rows(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(message, feature, value) triples sorted by message then feature."""
        n = len(docs)
        msg_c, feat_c = self._char_pairs(docs)
        msg_w, feat_w = self._word_pairs(docs)
        keys = np.concatenate([msg_w * self.n_features + feat_w, msg_c * self.n_features + feat_c])
        keys, counts = np.unique(keys, return_counts=True)
        msg, feat = np.divmod(keys, self.n_features)
        val = self.f._idf_all[feat] * (1.0 + np.log(counts))
        is_word = feat < self.f.chars.offset
        sq = val * val
        word_norm = np.sqrt(np.bincount(msg, sq * is_word, minlength=n))
        char_norm = np.sqrt(np.bincount(msg, sq * ~is_word, minlength=n))
        word_norm[word_norm == 0] = 1.0
        char_norm[char_norm == 0] = 1.0
        val *= np.where(is_word, self.f.words.weight / word_norm[msg], self.f.chars.weight / char_norm[msg])
        return msg, feat, val

    def _char_pairs(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray]:
        texts = [_DIGITS.sub("0", d.text) for d in docs]
        joined = _SEP.join(texts)
        cps = np.frombuffer(joined.encode("utf-32-le"), np.uint32)
        lengths = np.array([len(t) + 1 for t in texts])
        msg_of = np.repeat(np.arange(len(texts)), lengths)[: len(cps)]
        uni = self._unigram[cps]
        has_uni = uni >= 0
        pair = (cps[:-1].astype(np.int64) << 21) | cps[1:]
        pos = np.searchsorted(self._bigram_keys, pair).clip(0, max(len(self._bigram_keys) - 1, 0))
        has_bi = self._bigram_keys[pos] == pair if len(self._bigram_keys) else np.zeros(len(pair), bool)
        msg = np.concatenate([msg_of[has_uni], msg_of[:-1][has_bi]])
        feat = np.concatenate([uni[has_uni].astype(np.int64), self._bigram_ids[pos[has_bi]]])
        return msg, feat

    def _word_pairs(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray]:
        get = self.f._word_get
        ids = [[j for j in map(get, d.words) if j is not None] for d in docs]
        msg = np.repeat(np.arange(len(docs)), [len(x) for x in ids])
        feat = np.fromiter((j for x in ids for j in x), np.int64, len(msg))
        return msg, feat


def scores(msg: np.ndarray, feat: np.ndarray, val: np.ndarray, W: np.ndarray, b: np.ndarray,
           n: int, block: int = 8192) -> np.ndarray:
    """(n, classes) scores x @ W + b of the rows given as (message, feature, value) triples
    sorted by message; at most about ``block`` pairs at a time (bounded memory for letters)."""
    z = np.tile(b, (n, 1))
    starts = np.searchsorted(msg, np.arange(n + 1))  # pairs of message i: starts[i]:starts[i+1]
    lo = 0
    while lo < n:
        hi = max(lo + 1, int(np.searchsorted(starts, starts[lo] + block, side="right")) - 1)
        hi = min(hi, n)
        a, e = starts[lo], starts[hi]
        if e > a:
            present = np.flatnonzero(starts[lo:hi] < starts[lo + 1:hi + 1]) + lo
            z[present] += np.add.reduceat(val[a:e, None] * W[feat[a:e]], starts[present] - a)
        lo = hi
    return z


def softmax_blocks(z: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Row-wise softmax within each block of columns beginning at ``starts``."""
    p = np.empty_like(z)
    bounds = list(starts) + [z.shape[1]]
    for lo, hi in zip(bounds, bounds[1:]):
        e = np.exp(z[:, lo:hi] - z[:, lo:hi].max(axis=1, keepdims=True))
        p[:, lo:hi] = e / e.sum(axis=1, keepdims=True)
    return p
