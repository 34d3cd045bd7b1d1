"""The spool: where an inbound message goes when the database cannot store it.

As courier does it, a message is durable before the provider is answered: when the
database is unreachable, the parsed event and the raw request are written to one file in
SPOOL_DIR, flushed and fsync'd (file and directory), and only then acknowledged. `load`
(run by the sweeper) stores each file in the database, deduplicated by provider id like
any delivery, processes it (the case number follows by SMS), then deletes the file."""
from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from flask import current_app

from gateway.base import InboundEvent
from gateway.inbound import clean_text, cleaned, insert_message, reprocess, upsert_contact
from models import MessageState, utcnow
from models.db import db

log = logging.getLogger(__name__)
SUFFIX = ".json"


def spool_dir() -> Path:
    return Path(current_app.config["SPOOL_DIR"])


def write(event: InboundEvent, raw: str) -> Path:
    """Write one event durably; returns its file. Raises OSError when even that fails
    (the caller then answers 503 so the provider retries)."""
    folder = spool_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex}"
    record = {"event": asdict(event), "raw": raw, "received_at": utcnow().isoformat()}
    tmp = folder / f".{name}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(record, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    final = folder / (name + SUFFIX)
    os.replace(tmp, final)  # a reader sees a whole file or none
    _fsync_dir(folder)
    return final


def pending() -> list[Path]:
    folder = spool_dir()
    return sorted(folder.glob("*" + SUFFIX)) if folder.is_dir() else []


def count() -> int:
    return len(pending())


def load(limit: int = 500) -> int:
    """Store spooled messages in the database and process them; returns how many were
    loaded (a provider id already stored counts as loaded, and is not processed again)."""
    loaded = 0
    for path in pending()[:limit]:
        record = _read(path)
        if record is None:
            continue
        event = cleaned(InboundEvent(**record["event"]))
        contact = upsert_contact(event)
        message = insert_message(event, contact, clean_text(record["raw"]), state=MessageState.RECEIVED,
                                 created_at=datetime.fromisoformat(record["received_at"]))
        db.session.commit()
        path.unlink(missing_ok=True)  # stored: the database has it now
        loaded += 1
        if message is not None:
            _process(message.id)
    return loaded


def _process(message_id: int) -> None:
    try:
        reprocess(message_id)
    except Exception:  # stays "received": the sweeper's next round processes it
        db.session.rollback()
        log.exception("spooled message %s: processing failed", message_id)


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:  # another sweeper took it
        return None
    except (ValueError, OSError):
        log.error("spool file %s is unreadable; moved aside", path.name)
        path.rename(path.with_suffix(".bad"))
        return None


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
