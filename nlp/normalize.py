"""Text normalisation, applied before anything else looks at a message.

full-width -> half-width (NFKC), traditional -> simplified (OpenCC t2s), emoji and
decorative symbols removed, punctuation runs collapsed, character runs shortened,
spaces between Chinese characters dropped, and a small table of homophone typos fixed.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from opencc_purepy import OpenCC

from .fastre import Prefiltered, trie_pattern

_TYPOS_FILE = Path(__file__).parent / "data" / "typos.tsv"
_CJK = r"\u3400-\u9fff"
# Sentence punctuation we keep (it delimits clauses for the urgent negation scope).
_KEEP_PUNCT = "，。！？；：、,.!?;:（）()《》\"'“”‘’-/%#@&+=<>"
_PUNCT_RUN = re.compile(r"([，。！？；：、,.!?;:~…])[\s，。！？；：、,.!?;:~…]+")
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_CHAR_RUN = re.compile(rf"([{_CJK}a-z])\1{{2,}}")
_DOUBLED = re.compile(rf"([{_CJK}a-z]).?\1")  # a run of one or two characters may repeat
_PAIR_RUN = re.compile(rf"([{_CJK}]{{2}})\1{{2,}}")
_SPACES = re.compile(r"\s+")
# Full-width ASCII and the ideographic space -> half-width (the common case of NFKC, faster).
_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}
# Anything else NFKC might change (circled digits, compatibility ideographs, ligatures...).
_ODD = re.compile("[^\x00-\x7f\u4e00-\u9fff\u3001-\u303f\u2010-\u2027\u2030-\u205e]")
_NOISE = re.compile(r"[^\w\s" + re.escape(_KEEP_PUNCT) + "]+")


@lru_cache(maxsize=1)
def _t2s() -> tuple[frozenset[str], dict[int, str], re.Pattern[str], dict[str, str]]:
    """OpenCC's t2s tables, applied by us: phrases (longest first) then characters.

    Only phrases with a traditional character are kept: the table also maps plain simplified
    words (结束 -> 結束), which must never change a simplified message.
    """
    d = OpenCC("t2s").dictionary
    chars = {k: v for k, v in d.ts_characters[0].items() if len(k) == 1 and k != v}
    phrases = {k: v for k, v in d.ts_phrases[0].items() if not set(chars).isdisjoint(k)}
    phrase_re = re.compile("|".join(map(re.escape, sorted(phrases, key=len, reverse=True))))
    return frozenset(chars), str.maketrans(chars), phrase_re, phrases


def to_simplified(text: str) -> str:
    trad, table, phrase_re, phrases = _t2s()
    if trad.isdisjoint(text):
        return text
    return phrase_re.sub(lambda m: phrases[m.group(0)], text).translate(table)


@lru_cache(maxsize=1)
def _typos() -> tuple[Prefiltered, dict[str, str]]:
    table: dict[str, str] = {}
    for line in _TYPOS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            wrong, right = line.split("\t")
            table[wrong.strip()] = right.strip()
    alternatives = sorted(table, key=len, reverse=True)
    return Prefiltered(trie_pattern(alternatives)), table


def _strip_noise(text: str) -> str:
    """Emoji, pictographs, stars and other symbols that carry no words become spaces."""
    return _NOISE.sub(" ", text)


def normalize(text: str) -> str:
    """Return the canonical form of a citizen's message (idempotent)."""
    text = (text or "").translate(_WIDTH).replace("…", "。")
    if _ODD.search(text):
        text = unicodedata.normalize("NFKC", text)
    text = to_simplified(_strip_noise(text.lower()))
    if not text.isprintable() or " " in text:  # any whitespace at all (cheap test first)
        text = _SPACE_BETWEEN_CJK.sub("", _SPACES.sub(" ", text)).strip()
    text = _PUNCT_RUN.sub(r"\1", text)
    if _DOUBLED.search(text):
        text = _CHAR_RUN.sub(r"\1\1", _PAIR_RUN.sub(r"\1", text))
    pattern, table = _typos()
    return pattern.sub(lambda m: table[m.group(0)], text)
