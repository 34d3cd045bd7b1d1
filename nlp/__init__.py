"""Petition text understanding: normalise, classify (issue type, department, township,
urgent) with confidences. Pure Python: no Flask, SQLAlchemy or Redis.

The classifier's names are imported lazily, so that the light modules (nlp.intent,
nlp.township) can be used in a web request without loading numpy and the model code."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .classifier import Classification, Classifier, load_classifier

__all__ = ["Classification", "Classifier", "load_classifier"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import classifier

        return getattr(classifier, name)
    raise AttributeError(f"module 'nlp' has no attribute {name!r}")
