"""身份证号 at rest: Fernet-encrypted, with a keyed digest for matching the same person and a
masked form for display. The key is ID_ENCRYPTION_KEY (a Fernet key) or, when unset, one
derived from SECRET_KEY with HKDF (rotating SECRET_KEY then makes old numbers unreadable:
set ID_ENCRYPTION_KEY in production)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class IdNumberError(ValueError):
    """Not a valid 18-character resident ID number (GB 11643 check digit)."""


@dataclass(frozen=True)
class SealedId:
    encrypted: str
    digest: str
    masked: str


def normalize(raw: str) -> str:
    """Upper case, no spaces; raises IdNumberError unless it is 17 digits and a valid check
    character (ISO 7064 MOD 11-2, as GB 11643 specifies)."""
    number = "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()  # full-width digits too
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise IdNumberError("身份证号应为18位")
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS))
    if _CHECK[total % 11] != number[17]:
        raise IdNumberError("身份证号校验位不对")
    return number


def mask(number: str) -> str:
    """410726********1234 -> 4107**********1234: region kept, birth date hidden."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def _fernet() -> Fernet:
    configured = current_app.config.get("ID_ENCRYPTION_KEY")
    if configured:
        return Fernet(configured.encode())
    secret = current_app.config["SECRET_KEY"].encode()
    return Fernet(base64.urlsafe_b64encode(_derive(secret, b"petitioner-id-number-encryption")))


def digest(number: str) -> str:
    """A keyed hash: equal numbers match, the database alone cannot brute-force them."""
    secret = (current_app.config.get("ID_ENCRYPTION_KEY") or current_app.config["SECRET_KEY"]).encode()
    return hmac.new(_derive(secret, b"petitioner-id-number-digest"), number.encode(), hashlib.sha256).hexdigest()


def seal(raw: str) -> SealedId:
    number = normalize(raw)
    return SealedId(_fernet().encrypt(number.encode()).decode(), digest(number), mask(number))


def unseal(encrypted: str) -> str:
    return _fernet().decrypt(encrypted.encode()).decode()
