"""Classifying a file of texts the way the live path would (`flask nlp classify`)."""
from __future__ import annotations

import json
from typing import Any, BinaryIO, Iterator

from cases.triage import routes_itself

FIELDS = ("issue_type", "department", "township", "urgent")
MAX_LINE = 1024 * 1024   # bytes; a longer line is reported, never parsed


def classify_lines(handle: BinaryIO, classifier: Any, threshold: float, text_limit: int) -> Iterator[dict]:
    """One output object per input line, in order: ``id`` (when the line has one), the four
    labels with their confidences and ``auto_routed``; or ``line`` and ``error`` for a line
    that is not a JSON object with a non-empty "text". The text is cut at ``text_limit``
    characters, as the live path cuts it (MAX_BODY_CHARS)."""
    for number, raw in enumerate(_lines(handle), start=1):
        try:
            record = _record(raw)
        except ValueError as exc:
            yield {"line": number, **_id_of(raw), "error": str(exc)}
            continue
        result = classifier.classify(record["text"][:text_limit])
        output = {"id": record["id"]} if "id" in record else {}
        for name in FIELDS:
            output[name] = getattr(result, name)
            output[f"{name}_confidence"] = getattr(result, f"{name}_confidence")
        output["auto_routed"] = routes_itself(result, threshold)
        yield output


def _lines(handle: BinaryIO) -> Iterator[bytes | None]:
    """Lines without their ending; None for a line beyond MAX_LINE (its rest is skipped)."""
    while True:
        raw = handle.readline(MAX_LINE + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while (rest := handle.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        yield raw.rstrip(b"\r\n")


def _record(raw: bytes | None) -> dict:
    if raw is None:
        raise ValueError(f"line longer than {MAX_LINE} bytes")
    try:
        record = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from exc
    except RecursionError as exc:  # [[[[… nested beyond the parser's stack
        raise ValueError("not JSON (nested too deeply)") from exc
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError('no "text"')
    return record


def _id_of(raw: bytes | None) -> dict:
    """The id of a line whose text is missing, so the error can be matched to its input."""
    try:
        record = json.loads(raw or b"")
    except (ValueError, RecursionError):
        return {}
    return {"id": record["id"]} if isinstance(record, dict) and "id" in record else {}
