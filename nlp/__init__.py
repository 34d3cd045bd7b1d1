"""Petition text understanding: normalise, classify (issue type, department, township,
urgent) with confidences. Pure Python: no Flask, SQLAlchemy or Redis."""
from .classifier import Classification, Classifier, load_classifier

__all__ = ["Classification", "Classifier", "load_classifier"]
