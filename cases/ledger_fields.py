"""Reading the cells of a historical 信访台账: which column is which field, what a date,
a phone, a category or a unit written by a clerk means in the taxonomy's codes.

Pure: no database, no Flask. The header variants come from config/ledger.yaml and the names
from config/taxonomy.yaml, so a county adds spellings there, not here."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Sequence

from config.data import LEDGER_FIELDS, LedgerSpec, Taxonomy

TEXT_LIMIT = 20_000      # characters of one petition; the longest real letters run to ~3,000
NAME_LIMIT = 64          # Case.citizen_name
_BRACKETS = re.compile(r"[(\[【<《][^)\]】>》]*[)\]】>》]")
_SPACE = re.compile(r"\s+")
_LEVEL = re.compile(r"[-—/>·|:]")          # 城乡建设-房屋拆迁: the first level counts
_UNIT_SPLIT = re.compile(r"[、,;/]")         # 县住建局、东屯镇政府: the lead unit comes first
_CATEGORY_TAIL = ("类", "问题", "方面", "事项")
_GOV_TAIL = ("党委政府", "人民政府", "政府", "办事处", "党工委", "党委")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:\s*T?\s*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?\s*秒?)?")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{7,8})(?!\d)")
_EXCEL_EPOCH = datetime(1899, 12, 30)
EARLIEST = date(1980, 1, 1)


class BadRow(ValueError):
    """A row that cannot be imported; the message is the reason shown to the operator."""


@dataclass(frozen=True)
class LedgerRow:
    received: datetime            # naive, the county's local time
    closed: datetime | None       # naive local; None when the ledger does not say
    name: str | None
    phone: str | None
    channel: str
    text: str
    issue_type: str
    department: str
    township: str | None
    result: str | None
    urgent: bool | None           # None: the ledger does not say
    digest: str


def clean(value: Any) -> str:
    """A cell as text: stripped, NUL removed (PostgreSQL refuses it), numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).replace("\x00", "").strip()


def _key(text: str) -> str:
    """Comparable form of a header or a name: full width folded, lower case, no spaces, no
    bracket notes."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _BRACKETS.sub("", _SPACE.sub("", text)).strip("*:：")


def map_header(cells: Sequence[Any], spec: LedgerSpec) -> dict[str, list[int]]:
    """Field -> column indexes (several only for content, whose columns are joined)."""
    by_name = {_key(v): field for field, variants in spec.columns.items() for v in variants}
    found: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        field = by_name.get(_key(clean(cell)))
        if field and (field == "content" or field not in found):
            found.setdefault(field, []).append(i)
    return found


def missing_fields(mapping: dict[str, list[int]], spec: LedgerSpec) -> list[str]:
    return [name for name in spec.required if name not in mapping]


class Names:
    """Taxonomy codes for the names clerks write: full, legacy, short, or a township's."""

    def __init__(self, taxonomy: Taxonomy, spec: LedgerSpec) -> None:
        county = taxonomy.county
        self._prefixes = tuple(p for p in (county, county[:-1] if len(county) > 2 else "", "县") if p)
        self.issue_types = self._index({code: [row["name"], code, *(row.get("aliases") or ())]
                                        for code, row in taxonomy.issue_types.items()}, self.category_key)
        self.units = self._index({code: [row["name"], code, *(row.get("short") or ()), *(row.get("aliases") or ())]
                                  for code, row in taxonomy.departments.items()}, self.unit_key)
        self.townships = self._index({code: [row["name"], code, *(row.get("aliases") or ())]
                                      for code, row in taxonomy.townships.items()}, self.unit_key)
        self.default_department = {code: row["department"] for code, row in taxonomy.issue_types.items()}
        self.no_township = {self.unit_key(v) for v in spec.no_township}
        self._suffixes = sorted((k for k in self.units if len(k) >= 3), key=len, reverse=True)

    @staticmethod
    def _index(names: dict[str, list[str]], key) -> dict[str, str]:
        index: dict[str, str] = {}
        for code, variants in names.items():
            for variant in variants:
                if index.setdefault(key(str(variant)), code) != code:
                    raise ValueError(f"taxonomy: {variant!r} names both {index[key(str(variant))]} and {code}")
        return index

    def category_key(self, text: str) -> str:
        text = _LEVEL.split(_key(text))[0]
        for tail in _CATEGORY_TAIL:
            if text.endswith(tail) and len(text) > len(tail):
                return text[: -len(tail)]
        return text

    def unit_key(self, text: str) -> str:
        text = _key(text)
        for prefix in self._prefixes:
            if text.startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix):]
        return text

    def issue_type(self, text: str) -> str | None:
        return self.issue_types.get(self.category_key(text))

    def unit(self, text: str) -> tuple[str, str | None] | None:
        """(department, township) for a unit; a township's government names its township."""
        first = next((part for part in _UNIT_SPLIT.split(unicodedata.normalize("NFKC", text)) if part.strip()), "")
        key = self.unit_key(first)
        if key in self.units:
            return self.units[key], None
        town = self.township_of(key)
        if town:
            return "township_gov", town
        suffix = next((s for s in self._suffixes if key.endswith(s)), None)  # 东屯镇派出所
        return (self.units[suffix], None) if suffix else None

    def township_of(self, key: str) -> str | None:
        if key in self.townships:
            return self.townships[key]
        for tail in _GOV_TAIL:
            if key.endswith(tail) and key[: -len(tail)] in self.townships:
                return self.townships[key[: -len(tail)]]
        return None

    def township(self, text: str) -> tuple[bool, str | None]:
        """(known, code): 县直 and the like are known and name no township."""
        key = self.unit_key(text)
        if key in self.no_township:
            return True, None
        code = self.township_of(key)
        return code is not None, code


def parse_date(value: Any, today: date) -> datetime | None:
    """A ledger date: a date cell, 2023-05-12, 2023/5/12, 2023.5.12, 2023年5月12日 (with a
    time or not), 20230512, or an Excel serial number. None when empty; BadRow otherwise."""
    moment = _date_value(value)
    if moment is None:
        return None
    if not EARLIEST <= moment.date() <= today + timedelta(days=1):
        raise BadRow(f"date out of range {moment.date().isoformat()}")
    return moment


def _date_value(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_date(value)
    text = unicodedata.normalize("NFKC", clean(value))
    if not text:
        return None
    if text.isdigit():
        return _number_date(int(text))
    match = _DATE.fullmatch(text)
    if not match:
        raise BadRow(f"unreadable date {text[:40]!r}")
    try:
        return datetime(*(int(g) for g in match.groups() if g is not None))
    except ValueError as exc:
        raise BadRow(f"unreadable date {text[:40]!r}") from exc


def _number_date(number: float) -> datetime:
    try:
        if 19000101 <= number <= 29991231 and float(number).is_integer():
            digits = str(int(number))
            return datetime(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        if 1 <= number < 100_000:  # an Excel serial day number
            return (_EXCEL_EPOCH + timedelta(days=float(number))).replace(microsecond=0)
    except ValueError:
        pass
    raise BadRow(f"unreadable date {clean(number)!r}")


def parse_phone(value: Any) -> str | None:
    """+86 and the mobile number, or a landline's digits; None when there is none."""
    text = unicodedata.normalize("NFKC", clean(value))
    mobile = _MOBILE.search(text.replace(" ", "").replace("-", ""))
    if mobile:
        return "+86" + mobile.group(1)
    landline = _LANDLINE.search(text.replace(" ", ""))
    return landline.group(1) + landline.group(2) if landline else None


def channel_of(form: str, spec: LedgerSpec) -> str:
    for channel, words in spec.forms.items():
        if any(word in form for word in words):
            return channel
    return "ledger"


def row_digest(values: dict[str, str]) -> str:
    """Stable over re-imports and over xlsx/csv copies of one ledger: the fields' text in a
    fixed order (dates and phones in their parsed form), never the row number."""
    joined = "\x1f".join(values.get(name, "") for name in LEDGER_FIELDS)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def parse_row(cells: Sequence[Any], mapping: dict[str, list[int]], names: Names, spec: LedgerSpec,
              today: date) -> LedgerRow:
    """One data row as a LedgerRow, or BadRow with the reason (no content, unknown category,
    unit or township, unreadable date...)."""
    def cell(field: str) -> Any:
        index = mapping.get(field, [len(cells)])[0]
        return cells[index] if index < len(cells) else None

    values = {field: clean(cell(field)) for field in LEDGER_FIELDS}
    parts = [clean(cells[i]) for i in mapping.get("content", []) if i < len(cells)]
    values["content"] = "\n".join(p for p in parts if p)
    text = "\n".join(p for p in (values["title"], values["content"]) if p)
    if not values["content"]:
        raise BadRow("no content")
    if len(text) > TEXT_LIMIT:
        raise BadRow(f"content longer than {TEXT_LIMIT} characters ({len(text)})")
    received = parse_date(cell("date"), today)
    if received is None:
        raise BadRow("no date")
    issue_type, department, township = _labels(values, names)
    closed = _optional_date(cell("closed"), today)
    phone = parse_phone(cell("phone"))
    values.update(date=received.isoformat(), closed=closed.isoformat() if closed else values["closed"],
                  phone=phone or values["phone"])
    return LedgerRow(received, closed, values["name"][:NAME_LIMIT] or None, phone,
                     channel_of(values["form"], spec), text, issue_type, department, township,
                     values["result"] or None, _urgent(values["urgent"], spec), row_digest(values))


def _labels(values: dict[str, str], names: Names) -> tuple[str, str, str | None]:
    if not values["category"]:
        raise BadRow("no category")
    issue_type = names.issue_type(values["category"])
    if issue_type is None:
        raise BadRow(f"unknown category {values['category'][:40]!r}")
    department, unit_township = names.default_department[issue_type], None
    if values["unit"]:
        unit = names.unit(values["unit"])
        if unit is None:
            raise BadRow(f"unknown unit {values['unit'][:40]!r}")
        department, unit_township = unit
    township = unit_township
    if values["township"]:
        known, township = names.township(values["township"])
        if not known:
            raise BadRow(f"unknown township {values['township'][:40]!r}")
        township = township or unit_township
    return issue_type, department, township


def _optional_date(value: Any, today: date) -> datetime | None:
    """办结日期 is a help, not a need: an unreadable one is left out, not a bad row."""
    try:
        return parse_date(value, today)
    except BadRow:
        return None


def _urgent(value: str, spec: LedgerSpec) -> bool | None:
    if not value:
        return None
    return unicodedata.normalize("NFKC", value).upper() in spec.urgent_values
