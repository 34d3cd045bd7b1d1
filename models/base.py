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


def attach_loaded(session, model, values: dict):
    """The `model` instance of a row the caller just wrote with RETURNING (all columns), as if
    a query had loaded it: later changes are UPDATEs of the changed columns only. Cheaper than
    an ORM-enabled INSERT ... RETURNING entity (the ingest path's two first statements)."""
    from sqlalchemy.orm import make_transient_to_detached
    from sqlalchemy.orm.attributes import set_committed_value

    existing = session.identity_map.get(session.identity_key(model, values["id"]))
    if existing is not None:  # already in this session: refreshed, as populate_existing would
        for name, value in values.items():
            set_committed_value(existing, name, value)
        return existing
    instance = model(**values)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance
