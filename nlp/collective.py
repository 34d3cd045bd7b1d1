"""Signs that one letter speaks for many (联名信): '我们…等32户', '56名村民联名', '全体村民
联名反映'. Pure text rules: text in, ``Signers`` out. A petition that merely mentions the
village ('全体村民都很气愤') is not a joint letter; a count is taken only next to 户/人/名/位."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import normalize

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"(\d{1,5}|[零〇一二两三四五六七八九十百千]{1,6})"
_WHO = r"(?:户|人|名|位|家)"
_COUNTED = (
    re.compile(r"等\s*" + _NUM + r"\s*(?:多|余)?\s*" + _WHO),                        # 张三等32户
    re.compile(_NUM + r"\s*(?:多|余)?\s*" + _WHO + r"[^。！？!?]{0,6}(?:联名|签名|签字|按手印)"),  # 56名村民联名
    re.compile(r"我们[^。！？!?]{0,12}?" + _NUM + r"\s*(?:多|余)?\s*" + _WHO),             # 我们村32户
)
_JOINT = re.compile(r"联名|(?:全体|全村|全组)(?:村民|群众|居民|业主|职工)[^。！？!?]{0,6}"
                    r"(?:签名|签字|按手印|一起|共同|集体)")


@dataclass(frozen=True)
class Signers:
    joint: bool              # the letter is signed by, or filed for, many people
    count: int | None = None  # how many it says (户 counted as one petitioner each)


def chinese_number(token: str) -> int | None:
    """'32' -> 32, '三十二' -> 32, '十五' -> 15, '一百二十' -> 120; None when not a number."""
    if token.isdigit():
        return int(token)
    total, digit = 0, None
    for ch in token:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def signers(text: str) -> Signers:
    """Whether the text is a joint letter, and the largest count of signers it states."""
    clean = normalize(text)
    counts = [n for pattern in _COUNTED for m in pattern.finditer(clean)
              if (n := chinese_number(m.group(1))) is not None and n >= 2]
    if counts:
        return Signers(True, max(counts))
    return Signers(bool(_JOINT.search(clean)))
