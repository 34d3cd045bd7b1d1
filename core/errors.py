"""Clear answers to bad requests: a short JSON body with the status, never a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

from gateway.limits import MESSAGE

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return jsonify(error=exc.name, message=exc.description, status=exc.code), exc.code

    @app.errorhandler(429)
    def too_many(exc: HTTPException):
        return jsonify(error="Too Many Requests", message=MESSAGE, status=429), 429

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        log.error("internal error: %s", exc.original_exception or exc)
        return jsonify(error="Internal Server Error", status=500), 500
