"""Conflict of interest (回避): does a petition accuse staff of the unit that would handle it?

Text rules from config/conflict.yaml, no model: a clause names misconduct (打人, 索要好处...)
and that clause or one of the three before it names staff (民警, 科长...), who is not the
victim (被...).
The unit is the staff word's own (民警 -> public_security) or the nearest unit name before it
(城管局...科长 -> urban_management); None when the text names no unit, and then the caller
uses the classifier's department. Pure Python: no Flask, SQLAlchemy or Redis."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .config import load_yaml

from .normalize import normalize

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "conflict.yaml"
NEGATION_REACH = 4  # characters before a misconduct word where a denial counts
_SENTENCE = re.compile(r"[。！？!?\n]+")
_CLAUSE = re.compile(r"[，,；;：:]+")
_ADVERSARY = re.compile(r"(?:对方|被告|欠钱的|他家|那人|此人)$|的$")
WINDOW = 3  # clauses before the misconduct clause (across sentences) where its subject may stand


@dataclass(frozen=True)
class Conflict:
    unit: str | None      # the accused unit's department code, when the text names it
    staff: str            # the staff word found
    misconduct: str       # the misconduct word found
    clause: str           # the clause, for the case's history
    certain: bool = True  # False: staff named without an accusation found; a person decides


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    word: str
    unit: str | None = None


def _pattern(entries: list[str]) -> re.Pattern[str]:
    parts = [e[3:] if e.startswith("re:") else re.escape(e) for e in entries]
    parts.sort(key=len, reverse=True)  # longest word first: 城管队员 before 城管
    return re.compile("|".join(f"(?:{p})" for p in parts) or r"(?!x)x")


class ConflictDetector:
    """Built once from the rules; `detect(text)` is read-only and thread-safe."""

    def __init__(self, rules: dict[str, Any]) -> None:
        units = rules.get("units") or {}
        if not isinstance(units, dict) or not rules.get("misconduct") or not rules.get("staff"):
            raise ValueError("conflict rules need units, staff and misconduct")
        self.route_to: str = rules.get("route_to", "discipline")
        self._names = [(code, _pattern(u.get("names") or [])) for code, u in units.items()]
        self._unit_staff = [(code, _pattern(u.get("staff") or [])) for code, u in units.items() if u.get("staff")]
        self._staff = _pattern(rules["staff"])
        self._not_staff = _pattern(rules.get("not_staff") or [])
        self._misconduct = _pattern(rules["misconduct"])
        self._negation = _pattern(rules.get("negations") or [])
        self._rumour = _pattern((rules.get("rumours") or []) + (rules.get("praise") or []))

    def detect(self, text: str) -> Conflict | None:
        """The first accusation of a unit's staff in the text (certain=True); else, when the
        text names a unit's staff at all outside praise, a possible conflict (certain=False)
        that a person must look at before the unit does; else None."""
        clauses = self._clauses(text)
        for j, clause in enumerate(clauses):
            found = self._identified(clause) or self._accused(clauses, j)
            if found is not None:
                return found
        return self._possible(clauses)

    def _clauses(self, text: str) -> list[str]:
        """Clauses in order; sentences that praise or call a story a rumour are left out."""
        sentences = [s for s in _SENTENCE.split(normalize(text or "")) if not self._rumour.search(s)]
        return [c for s in sentences for c in _CLAUSE.split(s) if c]

    def _accused(self, clauses: list[str], j: int) -> Conflict | None:
        clause = clauses[j]
        for misconduct in self._misconducts(clause):
            first = max(0, j - WINDOW)
            window = "，".join(clauses[first:j] + [clause[:misconduct.start()]])
            staff = self._last_staff(window)
            if staff is None or self._victim(window[staff.end:]):
                continue
            unit = staff.unit or self._nearest_unit("，".join(clauses[:first] + [window[:staff.start]]))
            return Conflict(unit, staff.word, misconduct.group(), clause)
        return None

    def _possible(self, clauses: list[str]) -> Conflict | None:
        for j, clause in enumerate(clauses):
            staff = self._last_staff(clause)
            if staff is not None and not self._victim(clause[staff.end:]):
                unit = staff.unit or self._nearest_unit("，".join(clauses[:j] + [clause[:staff.start]]))
                return Conflict(unit, staff.word, "", clause, certain=False)
        return None

    def _identified(self, clause: str) -> Conflict | None:
        """打我的是城管队员 / 对方是派出所民警: the clause names the petitioner's adversary as staff."""
        head, sep, tail = clause.rpartition("是")
        if not sep or not (self._misconduct.search(head) or _ADVERSARY.search(head)):
            return None
        staff = self._last_staff(tail[:12])
        if staff is None or staff.start > 8:
            return None
        unit = staff.unit or self._nearest_unit(tail[:staff.start])
        return Conflict(unit, staff.word, head, clause)

    @staticmethod
    def _victim(between: str) -> bool:
        """民警…被醉汉打伤: the staff member suffers the act, someone else commits it."""
        return "被" in between

    def _misconducts(self, clause: str) -> Iterator[re.Match[str]]:
        for match in self._misconduct.finditer(clause):
            # A denial stands just before the act (没有打人, 并未收钱); 没收 is no denial.
            if not self._negation.search(clause[max(0, match.start() - NEGATION_REACH):match.start()].replace("没收", "")):
                yield match

    def _last_staff(self, text: str) -> _Hit | None:
        names = [m.span() for _, p in self._names for m in p.finditer(text)]
        names += [m.span() for m in self._not_staff.finditer(text)]
        hits = [_Hit(*m.span(), m.group(), code) for code, p in self._unit_staff for m in p.finditer(text)]
        hits += [_Hit(*m.span(), m.group()) for m in self._staff.finditer(text)]
        # A staff word inside a unit's name (城管 in 城管局) is the name, not a person; inside
        # 村干部 or 物业主任 it is no county unit's staff.
        hits = [h for h in hits if not any(s <= h.start and h.end <= e and (s, e) != (h.start, h.end)
                                           for s, e in names)]
        return max(hits, key=lambda h: (h.end, h.unit is not None), default=None)

    def _nearest_unit(self, context: str) -> str | None:
        """The unit named (or whose own staff word stands) last in the text before the staff word."""
        best: tuple[int, str] | None = None
        for code, pattern in self._names + self._unit_staff:
            for match in pattern.finditer(context):
                if best is None or match.start() > best[0]:
                    best = (match.start(), code)
        return best[1] if best else None


def load_detector(path: str | Path | None = None) -> ConflictDetector:
    """The detector from config/conflict.yaml (or another file with its shape)."""
    with open(path or DEFAULT_FILE, encoding="utf-8") as handle:
        rules = load_yaml(handle) or {}
    if not isinstance(rules, dict):
        raise ValueError(f"{path}: a mapping of rules is expected")
    return ConflictDetector(rules)
