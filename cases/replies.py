"""Reply rendering from config/templates.yaml and SMS length in UCS-2 units."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

# GSM 03.38 basic set: a message only of these is 7-bit (160 per segment); anything else
# (Chinese, emoji) makes the whole message UCS-2 (70 units, 67 when concatenated).
_GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")


def ucs2_units(text: str) -> int:
    """Length as a handset counts it in UCS-2: an emoji (surrogate pair) is two."""
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    if not text:
        return 0
    if all(ch in _GSM7 for ch in text):
        return 1 if len(text) <= 160 else -(-len(text) // 153)
    units = ucs2_units(text)
    return 1 if units <= 70 else -(-units // 67)


class Replies:
    """Templates of one language, signature first."""

    def __init__(self, templates: dict[str, dict], language: str = "zh") -> None:
        self.table = templates.get(language) or templates["zh"]

    def render(self, key: str, **values: Any) -> str:
        return self.table["signature"] + self.table[key].format(**values)

    def state_name(self, state: str) -> str:
        return self.table["states"].get(state, state)

    def deadline_label(self, state: str) -> str:
        return self.table["deadline_label"].get(state, "")

    def text(self, key: str) -> str:
        return self.table[key]

    def date(self, moment: datetime, tz: str) -> str:
        """A naive-UTC moment as the county's local date, short enough for one segment."""
        local = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(tz))
        return self.table["date"].format(year=local.year, month=local.month, day=local.day)
