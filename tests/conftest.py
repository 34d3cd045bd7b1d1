"""Fixtures: an app per database backend (SQLite always; PostgreSQL when TEST_POSTGRES_URL
is set), schema from the real Alembic migrations, tables emptied between tests, a signed
Twilio client, and Redis when TEST_REDIS_URL is set. REQUIRE_SERVICES=1 (CI) turns a
missing PostgreSQL or Redis into a failure instead of a skip."""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from xml.etree import ElementTree

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from twilio.request_validator import RequestValidator

from core.app import create_app
from models.db import db

TOKEN = "test-auth-token-0123456789abcdef"
BASE_URL = "https://gateway.example.org"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_POSTGRES_URL") else [])
REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


def _missing(what: str):
    if REQUIRED:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not configured")
    pytest.skip(f"{what} not configured")


@pytest.fixture
def sqlite_only(database_url):
    """For a costly test whose database part is the same ORM query on both backends (a full
    model training, a browser walk): run it once, on SQLite (the CI budget)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("costly and backend-neutral in its database part: run on SQLite")


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def classifier(model_dir):
    from nlp import load_classifier

    return load_classifier(model_dir=model_dir)


def _config(database_url: str, model_dir: Path, **extra) -> dict:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": BASE_URL,
        "MODEL_DIR": model_dir,
        "REDIS_URL": None,
        "ONDUTY_PHONES": ["+8613900000001"],
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": True,
    }
    config.update(extra)
    return config


def _database_url(backend: str, tmp_path_factory) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = os.environ["TEST_POSTGRES_URL"]
    return "postgresql+psycopg://" + url.split("://", 1)[1]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory, model_dir) -> str:
    """One migrated database per backend for the session."""
    url = _database_url(request.param, tmp_path_factory)
    app = create_app(_config(url, model_dir))
    with app.app_context():
        if request.param == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(directory=str(Path(app.root_path).parent / "migrations"))
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    for name in tables:  # children first; DELETE of a few rows is ~4x cheaper than TRUNCATE
        db.session.execute(text(f"DELETE FROM {name}"))
    if db.engine.dialect.name == "postgresql":  # ids start at 1 again, as TRUNCATE … RESTART IDENTITY did
        db.session.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"))
    db.session.commit()


@pytest.fixture
def make_app(database_url, model_dir, classifier, tmp_path_factory):
    """Factory: an app on the session's database with extra settings; tables emptied."""
    apps = []

    def factory(**extra):
        extra.setdefault("DOCUMENT_DIR", tmp_path_factory.mktemp("documents"))  # the PDFs of state changes
        app = create_app(_config(database_url, model_dir, **extra))
        app.extensions["classifier"] = classifier  # one model per test process
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        _empty_tables()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        _missing("Redis (TEST_REDIS_URL)")
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


def sign(url: str, form: dict, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, form)


class Phone:
    """A citizen's phone talking to the real webhook with Twilio's own signing."""

    def __init__(self, client, number: str = "+8613800000000", token: str = TOKEN):
        self.client, self.number, self.token = client, number, token

    def form(self, body: str, sid: str | None = None, **extra) -> dict:
        form = {"MessageSid": sid or f"SM{uuid.uuid4().hex}", "AccountSid": "AC" + "0" * 32,
                "From": self.number, "To": "+15005550006", "Body": body, "NumMedia": "0"}
        form.update(extra)
        return form

    def post(self, form: dict, signature: str | None = None):
        signature = signature if signature is not None else sign(BASE_URL + "/webhooks/twilio", form, self.token)
        return self.client.post("/webhooks/twilio", data=form, headers={"X-Twilio-Signature": signature})

    def send(self, body: str, **extra) -> list[str]:
        response = self.post(self.form(body, **extra))
        assert response.status_code == 200, response.get_data(as_text=True)
        return replies_of(response)


def replies_of(response) -> list[str]:
    return [m.text or "" for m in ElementTree.fromstring(response.data).iter("Message")]


@pytest.fixture
def phone(client) -> Phone:
    return Phone(client)


@pytest.fixture
def fake():
    """Twilio's and WeChat's servers, played by a local HTTP server (tests/fakes_channels.py)."""
    from tests.fakes_channels import FakeProviders

    providers = FakeProviders()
    yield providers
    providers.close()
