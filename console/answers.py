"""Answer templates (常用答复) staff start from; data in config/answers.yaml."""
from __future__ import annotations

from flask import current_app

from models import Case


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def answer_templates(case: Case) -> list[tuple[str, str]]:
    """(title, text) with the case's number and unit filled in: the templates made for the
    case's issue type first, then the general ones; other types' templates are left out."""
    taxonomy = current_app.extensions["taxonomy"]
    values = _Values(number=case.number, unit=taxonomy.department_name(case.department, case.township),
                     township=taxonomy.township_name(case.township))
    answers = current_app.extensions["answers"]
    fitting = [a for a in answers if case.issue_type in a.types] + [a for a in answers if not a.types]
    return [(answer.title, answer.text.format_map(values)) for answer in fitting]
