"""Faster regular expressions for long word lists, in the standard ``re`` engine.

``re`` tries the alternatives of ``a|b|c…`` one by one at every position, so a list of a
few hundred words costs that many comparisons per character. ``trie_pattern`` writes the
same alternation as a trie (``不(?:想活|活了)|跳(?:楼|河)…``): at each position only the
branches sharing the next character are tried, with the same matches (longest word first
at a position, as with an alternation sorted by length).

``required_chars`` lists, for a pattern, the character sets of its mandatory parts: when
the text holds no character of one of them the pattern cannot match and is skipped.
"""
from __future__ import annotations

import re
import re._constants as _c
import re._parser as _parser
from typing import Iterable


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching the same words as their alternation sorted longest first."""
    trie: dict = {}
    for word in {str(w) for w in words if str(w)}:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True
    return _render(trie) if trie else "(?!x)x"


def _render(node: dict) -> str:
    ends = "" in node
    branches = [re.escape(ch) + _render(child) if any(k for k in child) else re.escape(ch)
                for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:  # a word ends here and longer ones go on: prefer the longer (greedy ?)
        body = "(?:" + body + ")?" if len(branches) > 1 or len(branches[0]) > 1 else body + "?"
    return body


def required_chars(pattern: str) -> list[frozenset[str]]:
    """Character sets of the mandatory top-level parts of ``pattern`` whose first
    characters are a small literal set; a text disjoint from any of them cannot match."""
    out = []
    for op, arg in _parser.parse(pattern):
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] == 0:
            continue  # optional
        first = _first([(op, arg)])
        if first is not None:
            out.append(first)
    return out


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with; None when that is not a small
    literal set (a leading class, an optional first item)."""
    return _first(list(_parser.parse(pattern)))


def _first(items: list) -> frozenset[str] | None:
    if not items:
        return None
    op, arg = items[0]
    if op is _c.LITERAL:
        return frozenset(chr(arg))
    if op is _c.IN:
        chars: set[str] = set()
        for o, a in arg:
            if o is _c.LITERAL:
                chars.add(chr(a))
            elif o is _c.RANGE and a[1] - a[0] < 64:
                chars.update(map(chr, range(a[0], a[1] + 1)))
            else:
                return None
        return frozenset(chars)
    if op is _c.SUBPATTERN:
        return _first(list(arg[-1]))
    if op is _c.BRANCH:
        parts = [_first(list(b)) for b in arg[1]]
        return None if any(p is None for p in parts) else frozenset().union(*parts)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] > 0:
        return _first(list(arg[2]))
    return None


class Prefiltered:
    """A compiled pattern that is not run on a text holding none of the characters a match
    can start with (when that set is known): most texts then cost one set test."""

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern)
        self.first = first_chars(pattern)

    def possible(self, text: str) -> bool:
        return self.first is None or not self.first.isdisjoint(text)

    def sub(self, repl, text: str) -> str:
        return self.regex.sub(repl, text) if self.possible(text) else text

    def findall(self, text: str) -> list:
        return self.regex.findall(text) if self.possible(text) else []
