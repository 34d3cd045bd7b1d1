"""What `nlp train` learns from beyond the seed corpus: staff corrections and the county's
imported history, as records in the seed corpus's shape."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import case as when, select

from models import TrainingExample, TrainingSource
from models.db import db


def training_records(ledger_weight: float, config_dir: str | Path | None = None) -> list[dict]:
    """Every stored example as a training record. Ledger rows come first and weigh
    ``ledger_weight`` each (LEDGER_TRAINING_WEIGHT; 0 leaves them out); corrections come
    last, so that where one text has both, the staff's label wins (nlp keeps the last) and
    they keep nlp's own correction weight. A ledger row that does not say whether it was
    urgent takes the urgent lexicon's verdict, so that history never teaches the model that
    a threat in an old letter was harmless."""
    order = when((TrainingExample.source == TrainingSource.LEDGER, 0), else_=1)
    query = select(TrainingExample).order_by(order, TrainingExample.id)
    if ledger_weight <= 0:
        query = query.where(TrainingExample.source != TrainingSource.LEDGER)
    urgent_in = _urgent_lexicon(config_dir)
    return [_record(ex, ledger_weight, urgent_in) for ex in _stream(query)]


def _stream(query) -> Iterator[TrainingExample]:
    yield from db.session.execute(query.execution_options(yield_per=2000)).scalars()


def _record(ex: TrainingExample, ledger_weight: float, urgent_in: Callable[[str], bool]) -> dict:
    record = {"text": ex.text, "issue_type": ex.issue_type, "department": ex.department,
              "township": ex.township, "urgent": ex.urgent}
    if ex.source == TrainingSource.LEDGER:
        record["weight"] = ledger_weight
    if record["urgent"] is None:
        record["urgent"] = urgent_in(ex.text)
    return record


def _urgent_lexicon(config_dir: str | Path | None) -> Callable[[str], bool]:
    """True when the urgent lexicon (config/urgent.yaml) finds an un-negated hit."""
    from nlp.analyzer import get_analyzer
    from nlp.normalize import normalize

    rules = get_analyzer(config_dir).urgent
    return lambda text: any(not hit.negated for hit in rules.find(normalize(text)))
