"""The application factory: a short list of steps."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from flask_migrate import Migrate

from config import load_answers, load_ledger_spec, load_settings, load_sms_catalogue, load_taxonomy, load_templates
from config.documents import load_documents
from console.extensions import csrf, login_manager
from core.logging import configure_logging
from core.security import register_security
from gateway.limits import init_limiter
from handlers import QueuedJobs, init_queue
from models.db import db
from nlp.conflict import load_detector

ROOT = Path(__file__).resolve().parent.parent
migrate = Migrate()


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_settings(app.instance_path))
    if test_config:
        app.config.update(test_config)
    configure_logging()
    register_security(app)
    warn_unsafe_settings(app)
    register_data(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    app.extensions["app_factory"] = create_app  # `db copy` builds an app bound to its target
    return app


def warn_unsafe_settings(app: Flask) -> None:
    """Loud at start: without an on-duty phone an urgent petition pages nobody (production
    refuses to start, config.settings)."""
    if not app.config.get("ONDUTY_PHONES"):
        logging.getLogger("gateway").warning(
            "ONDUTY_PHONES is empty: urgent petitions will page NOBODY; set it before going live")


def register_data(app: Flask) -> None:
    """Taxonomy and templates are validated here: a broken file stops the start."""
    app.extensions["taxonomy"] = load_taxonomy(app.config["CONFIG_DIR"])
    app.extensions["templates"] = load_templates(app.config["CONFIG_DIR"])
    app.extensions["sms_catalogue"] = catalogue = load_sms_catalogue(app.config["CONFIG_DIR"])
    if app.config.get("SMS_PROVIDER", "twilio") != "twilio":
        for table in app.extensions["templates"].values():
            catalogue.check(table, app.config["SMS_PROVIDER"])
    app.extensions["answers"] = load_answers(app.config["CONFIG_DIR"], app.extensions["taxonomy"].issue_types)
    app.extensions["ledger_spec"] = load_ledger_spec(app.config["CONFIG_DIR"])
    app.extensions["conflict_detector"] = load_detector(Path(app.config["CONFIG_DIR"]) / "conflict.yaml")
    app.extensions["documents"] = load_documents(app.config["CONFIG_DIR"])


def register_extensions(app: Flask) -> None:
    import models  # noqa: F401  (the tables must be known to the metadata and to Alembic)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    init_queue(app)
    # The lower floors hand work to jobs through this interface (cases.jobs), never by
    # importing handlers/: the composition root is the one place that wires them.
    app.extensions["jobs"] = QueuedJobs()
    # CSRF is enforced by the console blueprint on its own forms; webhooks carry provider signatures.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_limiter(app)


def register_blueprints(app: Flask) -> None:
    from console import bp as console_bp
    from core.health import bp as health_bp
    from api import register_blueprints as register_api
    from gateway.metrics import bp as metrics_bp, init_app as init_metrics
    from gateway.webhooks import bp as webhooks_bp

    init_metrics(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(metrics_bp)
    register_api(app)
    app.register_blueprint(console_bp)


def register_errorhandlers(app: Flask) -> None:
    from core.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from core.cli import register

    register(app)
