"""Urgent-content rules: lexicon and patterns from config/urgent.yaml, with negation.

A hit counts unless a negator stands right before it in the same clause, with only filler
words between ("不会去集体上访", "没想过要跳楼"). A conditional ("再不解决我就跳楼") or a third
party ("担心有人会想不开", "他说要喝药") is not a negation, so it still counts.

Every decision is local to the hit's clause or sentence, never to the whole message, so a
hit deep in a long letter counts like one in a short message. Two more contexts cancel a
hit: history (a past-time marker earlier in its sentence with no future/intent marker
between, or 过 right after it: "前年我们一起上访过") and retraction (a marker such as 气话 in
its sentence after it, or in the next sentence: "上次说要跳楼那是气话").
"""
from __future__ import annotations

import re
from functools import reduce
from operator import or_
from typing import Any, NamedTuple

from .fastre import Prefiltered, required_chars, trie_pattern

_MASK = "□"
_CLAUSE = re.compile(r"[，。!?,.；;！？]")
_SENTENCE = re.compile(r"[。!?；;！？]")
_RETRACTABLE = ("self_harm", "violence", "group_action")
_ONGOING = ("danger", "violence")  # what can still be going on after a past start
# the rest of the hit's clause ends its verb with 过: "…一起去县里上访过"
_DONE = re.compile(r"[^，。!?,.；;！？]{0,10}?(访|去|到|映|告|闹|堵|找|跳|喝|说)过(?![来去两几一好])")


class UrgentHit(NamedTuple):  # a tuple: cheap to build per message
    term: str
    category: str
    negated: bool
    start: int = 0  # position in the text searched
    pattern: bool = False  # from a pattern (a construction in context), not a bare term


def _alternation(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted({str(w) for w in words}, key=len, reverse=True)))


class UrgentRules:
    """Compiled urgent lexicon; ``find`` lists every hit with its negation."""

    def __init__(self, spec: dict[str, Any]) -> None:
        categories = spec.get("categories") or {}
        self._category = {t: c for c, body in categories.items() for t in body.get("terms") or ()}
        self._terms = re.compile(trie_pattern(self._category))
        # one regex per pattern (an alternation of them all is slower in sre); a pattern runs
        # only when the text holds a character of each of its mandatory parts: bit k of
        # _char_bits[c] says c is in part k, and a pattern needs all the bits of its parts
        self._patterns: list[tuple[int, str, re.Pattern[str]]] = []
        self._char_bits: dict[str, int] = {}
        bit = 1
        for c, body in categories.items():
            for p in body.get("patterns") or ():
                need = 0
                for chars in required_chars(p):
                    for ch in chars:
                        self._char_bits[ch] = self._char_bits.get(ch, 0) | bit
                    need, bit = need | bit, bit << 1
                self._patterns.append((need, c, re.compile(p)))
        self._bit_chars = frozenset(self._char_bits)
        self._hard = Prefiltered(trie_pattern(spec.get("hard_negatives") or ["\0"]))
        self._negator = re.compile(f"(?:{_alternation(spec.get('negators') or ['不'])})$")
        self._filler = re.compile(f"(?:{_alternation(spec.get('fillers') or ['要'])})$")
        self._solo_re = re.compile(_alternation(spec.get("solo_markers") or ["\0"]))
        self._past_re = re.compile("|".join(spec.get("past_markers") or ["\0"]))
        self._future_re = re.compile(_alternation(spec.get("future_markers") or ["\0"]))
        self._ongoing_re = re.compile(_alternation(spec.get("ongoing_markers") or ["\0"]))
        self._danger_neg_re = re.compile(_alternation(spec.get("danger_negators") or ["\0"]))
        self._hypothetical_re = re.compile(_alternation(spec.get("danger_hypothetical") or ["\0"]))
        self._retract_re = re.compile(_alternation(spec.get("retractions") or ["\0"]))
        benign = spec.get("benign_danger") or {}
        self._benign_re = re.compile(_alternation(benign.get("contexts") or ["\0"]))
        self._unless_re = re.compile(_alternation(benign.get("unless") or ["\0"]))
        self.model_threshold = float(spec.get("model_threshold", 0.5))
        self.lexicon_weight = float(spec.get("lexicon_weight", 0.9))
        self.lexicon_veto = float(spec.get("lexicon_veto", 0.0))
        self.window_threshold = float(spec.get("window_threshold", self.model_threshold))
        self.negated_cap = float(spec.get("negated_cap", 1.0))
        self.window_veto = float(spec.get("window_veto", self.lexicon_veto))

    def find(self, text: str) -> list[UrgentHit]:
        masked = self._hard.sub(lambda m: _MASK * len(m.group(0)), text)
        found = {m.start(): (m.group(0), self._category[m.group(0)], False)
                 for m in self._terms.finditer(masked)}
        have = reduce(or_, map(self._char_bits.__getitem__, self._bit_chars.intersection(masked)), 0)
        for need, category, regex in self._patterns:
            if have & need != need:
                continue
            for m in regex.finditer(masked):  # a pattern (a construction) outranks a bare term
                if not found.get(m.start(), (0, 0, False))[2]:
                    found[m.start()] = (m.group(0), category, True)
        if not found:
            return []
        retracted = [m.start() for m in self._retract_re.finditer(masked)]
        return [UrgentHit(term, cat, self._negated(masked[:pos]) or self._solo(cat, masked, pos)
                          or self._past(masked, pos, pos + len(term), cat)
                          or (cat in _RETRACTABLE and self._retracted(masked, pos, retracted))
                          or (cat == "danger" and (self._benign(text, pos) or self._feared(masked, pos))),
                          pos, pattern)
                for pos, (term, cat, pattern) in sorted(found.items())]

    def _past(self, text: str, start: int, end: int, category: str) -> bool:
        """A hit told as history: 过 right after it or closing its verb in the clause
        ("一起去县里上访过"), or a past marker earlier in its sentence with no future or intent
        marker between, and, for a danger or violence, nothing after it in the sentence saying
        it is still going on ("…，到现在还不让我出去"). A matter still unresolved does not make
        a past group action or threat live again ("…上访过，问题到现在还没解决")."""
        if text[end:end + 1] == "过" or _DONE.match(text, end):
            return True
        scope = _SENTENCE.split(text[max(0, start - 60):start])[-1]
        past = None
        for past in self._past_re.finditer(scope):
            pass
        if past is None or self._future_re.search(scope, past.end()):
            return False
        if category not in _ONGOING:
            return True
        return not self._ongoing_re.search(_SENTENCE.split(text[end:end + 60], 1)[0])

    def _feared(self, text: str, start: int) -> bool:
        """A danger term in a clause that fears or reports it ("怕…中毒", "一旦着火"), or in a
        sentence that imagines it ("担心哪天电梯出问题，把人关在里面")."""
        if self._danger_neg_re.search(_CLAUSE.split(text[max(0, start - 16):start])[-1]):
            return True
        return bool(self._hypothetical_re.search(_SENTENCE.split(text[max(0, start - 40):start])[-1]))

    def _benign(self, text: str, pos: int) -> bool:
        """A danger hit in a sentence about a routine nuisance fire (秸秆, 烧荒) that says
        nothing of people or houses at risk."""
        left = _SENTENCE.split(text[max(0, pos - 40):pos])[-1]
        right = _SENTENCE.split(text[pos:pos + 40], 1)[0]
        sentence = left + right
        return bool(self._benign_re.search(sentence)) and not self._unless_re.search(sentence)

    @staticmethod
    def _retracted(text: str, pos: int, markers: list[int]) -> bool:
        """A retraction marker after the hit in its sentence or the next one."""
        for r in markers:
            if r > pos and len(_SENTENCE.findall(text, pos, r)) <= 1:
                return True
        return False

    def _solo(self, category: str, text: str, pos: int) -> bool:
        return category == "group_action" and bool(self._solo_re.search(_CLAUSE.split(text[:pos])[-1]))

    def _negated(self, before: str) -> bool:
        clause = _CLAUSE.split(before[-12:])[-1]
        for _ in range(4):
            if self._negator.search(clause):
                return True
            filler = self._filler.search(clause)
            if not filler:
                return False
            clause = clause[: filler.start()]
        return False


def hit_tokens(hits: list[UrgentHit]) -> list[str]:
    """Pseudo-words the statistical models see: which categories hit, negated or not."""
    return [f"URG{'NEG' if h.negated else ''}:{h.category}" for h in hits]
