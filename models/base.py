from datetime import datetime, timezone


def utcnow() -> datetime:
    """Naive UTC: stored alike on SQLite and PostgreSQL; local time only for display."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def dialect_insert(model, session):
    """The dialect's INSERT (PostgreSQL or SQLite), which offers ON CONFLICT DO NOTHING/UPDATE."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(model)
