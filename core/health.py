from flask import Blueprint, current_app, jsonify, redirect, url_for
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from models.db import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/readyz")
def readyz():
    """Ready to take traffic: the database and (when configured) Redis answer. 503 names
    what is down. Redis down is survivable (work waits in the database) but not ready."""
    checks = {"database": _database_ok()}
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        checks["redis"] = _redis_ok(queue.connection)
    ok = all(checks.values())
    body = {name: "ok" if good else "unreachable" for name, good in checks.items()}
    return jsonify(status="ok" if ok else "error", **body), 200 if ok else 503


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.commit()
        return True
    except SQLAlchemyError:
        db.session.rollback()
        return False


def _redis_ok(connection) -> bool:
    try:
        return bool(connection.ping())
    except RedisError:
        return False


@bp.get("/")
def home():
    """The web root is the staff console; citizens use /chat, SMS or WeChat."""
    return redirect(url_for("console.queue"))
