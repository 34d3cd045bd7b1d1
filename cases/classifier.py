"""One classifier per process, loaded on first use (the worker preloads it)."""
from __future__ import annotations

import threading

from flask import current_app

_lock = threading.Lock()


def get_classifier():
    app = current_app._get_current_object()
    clf = app.extensions.get("classifier")
    if clf is None:
        with _lock:
            clf = app.extensions.get("classifier")
            if clf is None:
                from nlp import load_classifier  # heavy: jieba dictionaries and the model

                clf = load_classifier(model_dir=app.config["MODEL_DIR"], config_dir=app.config["CONFIG_DIR"])
                app.extensions["classifier"] = clf
    return clf


def reset_classifier() -> None:
    """After `nlp train`: the next use loads the new model version."""
    current_app.extensions.pop("classifier", None)


def get_place_extractor():
    """The rule-based township/village extractor alone: cheap, no jieba, safe in a request."""
    app = current_app._get_current_object()
    extractor = app.extensions.get("place_extractor")
    if extractor is None:
        from nlp.config import load_taxonomy
        from nlp.township import TownshipExtractor

        extractor = TownshipExtractor.from_taxonomy(load_taxonomy(app.config["CONFIG_DIR"]))
        app.extensions["place_extractor"] = extractor
    return extractor
