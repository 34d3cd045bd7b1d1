"""How alike two petitions read: TF-IDF cosine over jieba words and the character bigrams
of the longer words. Pure Python: text in, a number in [0, 1] out.

Words carry the matter (征地款, 养猪场, 工资); bigrams inside longer words catch the same
matter told in other words (征地补偿款 / 补偿款). Bigrams across word boundaries were tried
and dropped: they made petitions alike by their filler (我家…, 村里的…). The IDF table comes from a
fixed reference corpus (the seed corpus) rather than from the cases being compared, so a
score does not drift with what else is in the database and two cases compare the same in a
test of two cases as in a county of thousands."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from .normalize import normalize

Vector = dict[str, float]

_CONTENT = re.compile(r"[\u4e00-\u9fffa-z0-9]")
# Pronouns, particles and the courtesy every petition carries: no information on the matter.
STOPWORDS = frozenset(
    "我 我们 俺 俺们 你 你们 他 他们 她 它 咱 咱们 的 了 是 在 有 和 与 就 都 也 还 又 说 给 把 被 让 这 那 "
    "这个 那个 一个 什么 怎么 请 请问 领导 政府 反映 问题 一下 希望 要求 帮忙 帮助 解决 处理 尊敬 你好 您好 "
    "谢谢 现在 已经 到 没有 不 没 啊 吧 呢 吗 呀 啦 哦 得 地 着 过 及 或 很 太 能 会 要 想 去 来 上 下 里 "
    "个 些 人 事 事情 情况 麻烦 尽快 赶紧 一直 至今 今天 目前 我家 家里 村里 没人 不给 时候 还是 照样 到现在 "
    "上次 老样子 好几 几次 找 给".split())


# Who and where is compared apart (same person, same place): in the text they would make two
# matters of one petitioner look alike and one matter of two petitioners look different.
_NUMBERS = re.compile(r"\d{11,}[xX]?")  # phone and ID numbers
_FORMULAS = re.compile(r"我叫|我是|家住|住在|村民|居民|领导好|领导您好|你好|您好|尊敬的领导|身份证号?码?|电话|手机号?")


def matter_text(text: str, drop: Iterable[str] = ()) -> str:
    """The text with numbers that identify a person, courtesy formulas and the given words
    (the petitioner's name, village, township names) taken out."""
    text = _FORMULAS.sub(" ", _NUMBERS.sub(" ", text))
    for word in sorted({w for w in drop if w}, key=len, reverse=True):
        text = text.replace(word, " ")
    return text


def features(words: Iterable[str]) -> list[str]:
    """Content words (stopwords and punctuation dropped) and the character bigrams of the
    longer ones (prefixed "~" so a bigram never collides with a two-character word): 征地补偿款
    and 补偿款 share 补偿 even where jieba cut them differently."""
    content = [w for w in words if _CONTENT.search(w) and w not in STOPWORDS]
    return content + ["~" + w[i:i + 2] for w in content if len(w) >= 3 for i in range(len(w) - 1)]


@dataclass(frozen=True)
class Idf:
    """Inverse document frequencies; a feature never seen gets the rarest weight."""
    weights: Mapping[str, float] = field(default_factory=dict)
    unseen: float = 1.0

    @classmethod
    def fit(cls, documents: Iterable[Iterable[str]]) -> "Idf":
        df: Counter[str] = Counter()
        n = 0
        for doc in documents:
            n += 1
            df.update(set(doc))
        weights = {f: math.log((1 + n) / (1 + c)) + 1.0 for f, c in df.items()}
        return cls(weights, math.log(1 + n) + 1.0)

    def __call__(self, feature: str) -> float:
        return self.weights.get(feature, self.unseen)


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two sparse vectors (0 when either is empty)."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


class TextSimilarity:
    """Vectors and similarity with one tokenizer (``cut``: text -> words) and one IDF table.
    Read-only after construction: safe to share in a process."""

    def __init__(self, cut: Callable[[str], list[str]], idf: Idf | None = None) -> None:
        self.cut, self.idf = cut, idf or Idf()

    @classmethod
    def fitted(cls, cut: Callable[[str], list[str]], corpus: Iterable[str]) -> "TextSimilarity":
        """IDF learnt from a reference corpus (texts)."""
        bare = cls(cut)
        return cls(cut, Idf.fit(bare.features(text) for text in corpus))

    def features(self, text: str, drop: Iterable[str] = ()) -> list[str]:
        return features(self.cut(matter_text(normalize(text), drop)))

    def vector(self, text: str, drop: Iterable[str] = ()) -> Vector:
        """Sublinear TF times IDF of the matter (``drop``: words to leave out, see matter_text)."""
        counts = Counter(self.features(text, drop))
        return {f: (1.0 + math.log(c)) * self.idf(f) for f, c in counts.items()}

    def similarity(self, a: str, b: str) -> float:
        return cosine(self.vector(a), self.vector(b))
