"""Words for full-text search: jieba's words of a text, with their positions, as a tsvector
literal for PostgreSQL. The same cut on both sides: the stored text and the query."""
from __future__ import annotations

from typing import Callable, Iterable

MAX_QUERY_WORDS = 12
MAX_POSITION = 16383   # PostgreSQL's last word position


def _clean(word: str) -> str:
    # Only letters and digits (CJK count as letters): PostgreSQL's parser would read
    # punctuation, @, / or - inside a word as e-mails, paths or signs.
    return "".join(ch for ch in word if ch.isalnum()).lower()


def words(cut: Callable[[str], list[str]], text: str) -> list[str]:
    """The searchable words of TEXT, in order (repeats kept: they weigh in the rank)."""
    return [w for w in (_clean(word) for word in cut(text or "")) if w]


def index_text(cut: Callable[[str], list[str]], text: str) -> str:
    """What the search column stores for TEXT: a tsvector literal ('工资':3,9 '拖欠':2),
    which PostgreSQL reads without a text-search parser (fast, and no Chinese parser
    needed in the database)."""
    positions: dict[str, list[int]] = {}
    for position, word in enumerate(words(cut, text)[:MAX_POSITION], start=1):
        spots = positions.setdefault(word, [])
        if len(spots) < 255:
            spots.append(position)
    return " ".join(f"'{word}':{','.join(map(str, spots))}" for word, spots in positions.items())


def query_words(cut: Callable[[str], list[str]], query: str) -> list[str]:
    """The distinct words of a search query, at most MAX_QUERY_WORDS, in order."""
    return list(dict.fromkeys(words(cut, query[:200])))[:MAX_QUERY_WORDS]


def highlight_spans(text: str, needles: Iterable[str]) -> list[tuple[str, bool]]:
    """TEXT cut into (piece, is_match) pieces, matching any needle (longest first)."""
    needles = sorted({n for n in needles if n}, key=len, reverse=True)
    pieces: list[tuple[str, bool]] = []
    plain, i, lower = [], 0, text.lower()
    while i < len(text):
        hit = next((n for n in needles if lower.startswith(n, i)), None)
        if hit is None:
            plain.append(text[i])
            i += 1
            continue
        if plain:
            pieces.append(("".join(plain), False))
            plain = []
        pieces.append((text[i:i + len(hit)], True))
        i += len(hit)
    if plain:
        pieces.append(("".join(plain), False))
    return pieces
