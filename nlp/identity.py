"""A resident identity card number (居民身份证号码, GB 11643) written in a petition: 18
characters whose last is a checksum. Only numbers that pass the checksum are taken, so a
bank account or a phone number is not mistaken for one."""
from __future__ import annotations

import re

_CANDIDATE = re.compile(r"(?<![0-9])([1-9][0-9]{16}[0-9xX])(?![0-9])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_id_number(value: str) -> bool:
    value = value.strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS))
    return _CHECK[total % 11] == value[17]


def find_id_number(text: str) -> str | None:
    """The first valid ID number in the text (upper-case X), or None."""
    for match in _CANDIDATE.finditer(text or ""):
        if valid_id_number(match.group(1)):
            return match.group(1).upper()
    return None
