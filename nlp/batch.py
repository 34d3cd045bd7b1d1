"""Batch classification: records in, one result dict per record out (pure: no I/O).

    for row in classify_records(records, clf):   # records: dicts with "id" and "text"
        ...

A record's text is its ``text``, or its ``title`` and ``body`` (or ``content``) joined by a
line break, so a title reads as a sentence of its own. ``auto_routed`` is true when the case
would skip triage: issue type and unit both confident (``nlp.classifier.auto_route``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from .classifier import Classifier, load_classifier

CHUNK = 256  # records classified together (nlp.vector); a large file still streams
FIELDS = ("issue_type", "issue_type_confidence", "department", "department_confidence", "township",
          "township_confidence", "village", "urgent", "urgent_confidence", "auto_routed")


def record_text(record: Mapping[str, Any]) -> str:
    """The text to classify: ``text``, else ``title`` + line break + ``body``/``content``."""
    text = record.get("text")
    if isinstance(text, str) and text.strip():
        return text
    parts = [record.get("title"), record.get("body") or record.get("content")]
    return "\n".join(p for p in parts if isinstance(p, str) and p.strip())


def classify_records(records: Iterable[Mapping[str, Any]], classifier: Classifier | None = None, *,
                     model_dir: str | Path | None = None, config_dir: str | Path | None = None,
                     max_chars: int | None = None) -> Iterator[dict[str, Any]]:
    """One dict per record, in order: ``id``, the FIELDS and ``model_version``. A record with
    no text yields ``{"id", "error"}`` instead. ``max_chars`` truncates very long texts.
    Lazy: records are read CHUNK at a time, so a large file streams through."""
    clf = classifier or load_classifier(model_dir, config_dir)
    chunk: list[Mapping[str, Any]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield from _classify_chunk(clf, chunk, max_chars)
            chunk = []
    yield from _classify_chunk(clf, chunk, max_chars)


def _classify_chunk(clf: Classifier, records: list[Mapping[str, Any]], max_chars: int | None) -> list[dict]:
    texts = [record_text(r) for r in records]
    todo = [i for i, t in enumerate(texts) if t.strip()]
    results = dict(zip(todo, clf.classify_many([texts[i][:max_chars] if max_chars else texts[i]
                                                for i in todo])))
    out = []
    for i, record in enumerate(records):
        result = results.get(i)
        if result is None:
            out.append({"id": record.get("id"), "error": "no text"})
        else:
            out.append({"id": record.get("id"), **{f: getattr(result, f) for f in FIELDS},
                        "model_version": result.model_version})
    return out
