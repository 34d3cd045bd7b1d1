"""Scanned letters and photos attached to a case: type checked by content (magic bytes), size
limited, stored under ATTACHMENT_DIR by a random name; the database keeps only the metadata."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import filetype
from flask import current_app

from models import Attachment, Case
from models.db import db

ALLOWED = {"image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tif", "application/pdf": ".pdf"}


class AttachmentError(ValueError):
    """Refused: empty, too large, or not an image or PDF by its content."""


def check(data: bytes) -> str:
    """The content type read from the bytes themselves; the file's name is not trusted."""
    if not data:
        raise AttachmentError("文件为空")
    if len(data) > current_app.config["ATTACHMENT_MAX_BYTES"]:
        raise AttachmentError(f"文件超过{current_app.config['ATTACHMENT_MAX_BYTES'] // (1024 * 1024)}MB")
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in ALLOWED:
        raise AttachmentError("只能上传图片（JPG、PNG、TIFF）或PDF")
    return kind.mime


def store(case: Case, filename: str, data: bytes, actor: str) -> Attachment:
    """Write the file (never overwriting: O_EXCL) and add its row; the caller commits."""
    mime = check(data)
    folder = Path(current_app.config["ATTACHMENT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ALLOWED[mime]
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    row = Attachment(case_id=case.id, stored_name=name, original_name=(filename or "附件")[-200:],
                     content_type=mime, size=len(data), uploaded_by=actor)
    db.session.add(row)
    return row


def path_of(row: Attachment) -> Path:
    return Path(current_app.config["ATTACHMENT_DIR"]) / row.stored_name
