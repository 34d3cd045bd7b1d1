"""Open311 API keys: shown once when created, stored only as a SHA-256 hash."""
from __future__ import annotations

import hashlib
import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import select

from models.db import db
from models import ApiKey

open311_cli = AppGroup("open311", help="Open311 GeoReport v2 clients.")


def key_hash(key: str) -> str:
    # Keys are 256 random bits: a plain hash is enough (no dictionary to attack).
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def find_key(key: str | None) -> ApiKey | None:
    if not key or len(key) > 128:
        return None
    found = db.session.execute(select(ApiKey).where(ApiKey.key_hash == key_hash(key))).scalar_one_or_none()
    return found if found is not None and found.active else None


def create_key(name: str) -> str:
    key = secrets.token_urlsafe(32)
    db.session.add(ApiKey(name=name, key_hash=key_hash(key), active=True))
    db.session.commit()
    return key


@open311_cli.command("create-key")
@click.argument("name")
def create_key_command(name: str) -> None:
    """Create an API key for the client NAME; the key is the last line printed (shown once)."""
    if not name.strip() or len(name) > 64:
        raise click.ClickException("NAME must be 1-64 characters")
    if db.session.execute(select(ApiKey.id).where(ApiKey.name == name)).first():
        raise click.ClickException(f"a key named {name!r} exists")
    key = create_key(name)
    click.echo(f"API key for {name} (store it now; only its hash is kept):")
    click.echo(key)
