"""The application factory: a short list of steps."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from flask_migrate import Migrate

from config import load_answers, load_settings, load_taxonomy, load_templates
from console.extensions import csrf, login_manager
from core.logging import configure_logging
from handlers import QueuedJobs, init_queue
from models.db import db

ROOT = Path(__file__).resolve().parent.parent
migrate = Migrate()


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_settings(app.instance_path))
    if test_config:
        app.config.update(test_config)
    configure_logging()
    register_data(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_data(app: Flask) -> None:
    """Taxonomy and templates are validated here: a broken file stops the start."""
    app.extensions["taxonomy"] = load_taxonomy(app.config["CONFIG_DIR"])
    app.extensions["templates"] = load_templates(app.config["CONFIG_DIR"])
    app.extensions["answers"] = load_answers(app.config["CONFIG_DIR"])


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


def register_blueprints(app: Flask) -> None:
    from console import bp as console_bp
    from core.health import bp as health_bp
    from api import register_blueprints as register_api
    from gateway.metrics import bp as metrics_bp
    from gateway.webhooks import bp as webhooks_bp

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
