"""Answer templates (常用答复) staff start from; data in console/answers.yaml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from flask import current_app

from models import Case

PATH = Path(__file__).resolve().parent / "answers.yaml"


@lru_cache(maxsize=1)
def _load() -> tuple[tuple[str, str], ...]:
    rows = yaml.safe_load(PATH.read_text(encoding="utf-8")) or []
    return tuple((row["title"], row["text"]) for row in rows)


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def answer_templates(case: Case) -> list[tuple[str, str]]:
    """(title, text) with the case's number and unit filled in."""
    taxonomy = current_app.extensions["taxonomy"]
    values = _Values(number=case.number, unit=taxonomy.department_name(case.department, case.township),
                     township=taxonomy.township_name(case.township))
    return [(title, text.format_map(values)) for title, text in _load()]
