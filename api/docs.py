"""The OpenAPI description of the JSON and Open311 endpoints, served at /openapi.json."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, jsonify

from config.data import load_yaml

bp = Blueprint("api_docs", __name__)
SOURCE = Path(__file__).with_name("openapi.yaml")


@lru_cache(maxsize=1)
def openapi() -> dict:
    return load_yaml(SOURCE.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi())
