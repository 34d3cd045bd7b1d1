"""GeoReport v2 wire formats: the same data as XML (the spec's required format) or JSON,
and the spec's error list. XML is built with ElementTree, so every value is escaped."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from flask import Response

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def w3c(moment: datetime | None) -> str | None:
    """Naive UTC as the W3C datetime the spec asks for, with its zone."""
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None


def respond(data, fmt: str, root: str, item: str | None = None, status: int = 200) -> Response:
    """`data` is a list of dicts (root holds one `item` per dict) or one dict (root is the dict)."""
    if fmt == "json":
        return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json",
                        content_type=JSON_TYPE)
    element = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _fill(ET.SubElement(element, item or "item"), entry)
    else:
        _fill(element, data)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")
    return Response(body, status=status, content_type=XML_TYPE)


def errors(code: int, description: str, fmt: str = "json") -> Response:
    return respond([{"code": code, "description": description}], fmt, "errors", "error", status=code)


# Lists inside an element: the name of one entry of each plural field.
_SINGULAR = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
             "keywords": "keyword"}


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            _fill(ET.SubElement(element, key), sub)
    elif isinstance(value, list):
        for sub in value:
            _fill(ET.SubElement(element, _SINGULAR.get(element.tag, "item")), sub)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _xml_safe(str(value))


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot carry most control characters, escaped or not."""
    return "".join("\ufffd" if _forbidden(ord(ch)) and ch not in "\t\n\r" else ch for ch in text)


def _forbidden(point: int) -> bool:
    return point < 0x20 or 0xD800 <= point <= 0xDFFF or point in (0xFFFE, 0xFFFF)
