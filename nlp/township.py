"""Township (属地) and village extraction by rule, with the ambiguity rules of taxonomy.md.

A full name (current or old: 马庄乡, 城关镇) always counts. A bare short form (马庄, 王楼)
counts only where the text makes it a place: a place word follows (王楼镇政府 is full
already; 东屯街上, 城关派出所) or a locative stands before it (在王楼, 到塔铺). A short form
followed by 村/庄/组 is a village name, never a township. A full name beats a short one.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .config import Taxonomy, Township

_SUFFIXES = ("街道", "乡", "镇")
_PLACE_AFTER = ("街道", "街上", "大街", "街", "集上", "政府", "派出所", "卫生院", "医院", "中学", "小学",
                "敬老院", "养老院", "粮站", "治超站", "服务站", "汽车站", "车站", "镇上", "乡里", "乡上",
                "中心校", "一带", "附近", "地区", "境内", "辖区", "这边", "那边", "那块", "片区", "管区",
                "财政所", "国土所", "司法所", "供电所", "法庭", "办事处", "社区", "各村", "的村", "这里", "那里")
_PLACE_BEFORE = ("在", "到", "去", "从", "住", "回", "来", "往", "属于", "位于", "延津县", "延津", "县里",
                 "咱", "俺", "我们", "咱们", "俺们", "是")
_NOT_PLACE_AFTER = ("村", "庄", "组", "屯", "寨", "营", "市", "县", "社区居委会")
_NOT_PLACE_BEFORE = ("陕西", "陕西省", "省", "市")
_STREET_AFTER = re.compile("[东西南北]?大?街")
_OPENING = set(",，.。!！?？;；:： ")
_OPENING_PLACE = ("的", "俺", "咱", "我", "一", "有", "人", ",", "，", " ", "这边", "那边", "那块", "这块")
_CJK = "\u3400-\u9fff"
_VILLAGE = re.compile(rf"((?:(?!村)[{_CJK}]){{1,5}})村")  # a window never spans another 村
_VILLAGE_STOP_CHARS = set("的在是我俺咱们住到去从乡镇县了个这那本全邻各外同回进出和跟与给对把被向说里村驻包该此整每哪几两要找"
                          "們個這說對裡裏與給從鄉鎮縣進該兩幾門")  # and in traditional script: never 們村 from 我們村
# Village-name words that hold a stop character (前进村, 和平村): kept whole when the scan
# for the start of a name crosses them.
_VILLAGE_WORDS = ("前进", "跃进", "先进", "东进", "和平", "太和", "永和", "中和", "同心", "同乐", "向阳",
                  "向前", "回龙", "回民", "出山", "里仁", "外营", "兴隆", "要庄", "全胜", "两河")
_VILLAGE_STOP_CORES = {"农", "新农", "城中", "美丽乡", "行政", "自然", "贫困", "示范", "一", "小", "大", "老", "新"}


class TownshipHit(NamedTuple):  # a tuple: cheap to build per message
    code: str | None
    confidence: float
    village: str | None
    mention: str | None


def _short_forms(t: Township) -> list[str]:
    shorts = [a for a in t.aliases if not a.endswith(_SUFFIXES)]
    for name in (t.name, *t.aliases):
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                shorts.append(name[: -len(suffix)])
    return sorted(set(shorts), key=len, reverse=True)


def _full_forms(t: Township) -> list[str]:
    return [n for n in (t.name, *t.aliases) if n.endswith(_SUFFIXES)]


class TownshipExtractor:
    """Finds the township (code) and the village (X村) a message names."""

    def __init__(self, townships: tuple[Township, ...], ambiguous: frozenset[str] = frozenset()) -> None:
        self._ambiguous = ambiguous
        full = {n: t.code for t in townships for n in _full_forms(t)}
        short = {n: t.code for t in townships for n in _short_forms(t)}
        self._full, self._short = full, {k: v for k, v in short.items() if k not in full}
        alt = lambda names: "|".join(map(re.escape, sorted(names, key=len, reverse=True)))  # noqa: E731
        self._full_re = re.compile(alt(self._full))
        self._short_re = re.compile(alt(self._short))
        self._all_names = sorted({*full, *short}, key=len, reverse=True)
        self._name_chars = frozenset(n[0] for n in self._all_names)

    @classmethod
    def from_taxonomy(cls, taxonomy: "Taxonomy") -> "TownshipExtractor":
        """Townships and the ambiguous short forms (config/routing.yaml) of a taxonomy."""
        return cls(taxonomy.townships, taxonomy.ambiguous_short_forms)

    def extract(self, text: str) -> TownshipHit:
        village = self.village(text)
        fulls = [(m.start(), self._full[m.group(0)], m.group(0)) for m in self._full_re.finditer(text)]
        if fulls:
            codes = {c for _, c, _ in fulls}
            pos, code, mention = min(fulls)
            return TownshipHit(code, 0.97 if len(codes) == 1 else 0.6, village, mention)
        return self._from_short(text, village)

    def _from_short(self, text: str, village: str | None) -> TownshipHit:
        strong, weak, bare = [], [], False
        for m in self._short_re.finditer(text):
            kind = self._short_context(text, m.start(), m.end(), m.group(0) in self._ambiguous)
            target = strong if kind == 2 else weak if kind == 1 else None
            if target is None:
                bare = True
            else:
                target.append((m.start(), self._short[m.group(0)], m.group(0)))
        found = strong or weak
        if not found:
            return TownshipHit(None, 0.6 if bare else 0.95, village, None)
        pos, code, mention = min(found)
        conf = 0.88 if strong else 0.75
        if len({c for _, c, _ in found}) > 1:
            conf = 0.55
        return TownshipHit(code, conf, village, mention)

    @staticmethod
    def _short_context(text: str, start: int, end: int, ambiguous: bool) -> int:
        """2: a place word follows; 1: a locative precedes, or an unambiguous name stands
        free; 0: a village name, another place, or an ambiguous name without evidence."""
        after, before = text[end:end + 6], text[max(0, start - 4):start]
        if after.startswith(_NOT_PLACE_AFTER) or before.endswith(_NOT_PLACE_BEFORE):
            return 0
        if after.startswith(_PLACE_AFTER) or _STREET_AFTER.match(after):
            return 2
        if before.endswith(_PLACE_BEFORE):
            return 1
        if not ambiguous:
            return 1
        # an ambiguous name opening a clause is a place before a person ("王楼一个养殖户"),
        # a name before a business ("马庄饭庄", "马庄诊所")
        opens = not before or before[-1] in _OPENING
        return 1 if opens and after.startswith(_OPENING_PLACE) else 0

    def village(self, text: str) -> str | None:
        """The first 'X村' that names a village (not 农村, 我们村, 村里...)."""
        for m in _VILLAGE.finditer(text) if "村" in text else ():
            core = self._village_core(m.group(1))
            if core:
                return core + "村"
        return None

    def _village_core(self, window: str) -> str | None:
        window = window.rsplit("街道", 1)[-1]  # "(塔铺)街道王庄村": the window may start mid-name
        for name in self._all_names if not self._name_chars.isdisjoint(window) else ():
            cut = window.rfind(name)
            if cut >= 0 and cut + len(name) < len(window) and not window.endswith(name):
                window = window[cut + len(name):]
                break
        i = len(window)
        while i > 0:
            word = next((w for w in _VILLAGE_WORDS if window.endswith(w, 0, i)), None)
            if word:
                i -= len(word)
            elif window[i - 1] in _VILLAGE_STOP_CHARS:
                break
            else:
                i -= 1
        core = window[i:]
        if not core or core in _VILLAGE_STOP_CORES or len(core) > 4:
            return None
        return core
