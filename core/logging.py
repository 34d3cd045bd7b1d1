"""Logging with personal data kept out: phone numbers and ID numbers are masked in every
record, whatever the code that logged it passed in."""
from __future__ import annotations

import logging
import re

_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_PHONE = re.compile(r"(\+?\d{0,3})(1[3-9]\d)\d{4}(\d{4})(?!\d)")


# Query parameters that are credentials or identities: the Open311 key, WeChat's
# signatures (a signed query string is a pass to post as a citizen) and the openid.
_SECRET_PARAMS = re.compile(r"(?i)\b(api_key|signature|msg_signature|openid|echostr|nonce|access_token)=[^&\s\"']*")


def redact(text: str) -> str:
    text = _SECRET_PARAMS.sub(r"\1=[redacted]", text)
    text = _ID_NUMBER.sub(r"\1********\2", text)
    return _PHONE.sub(r"\1\2****\3", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # gunicorn's access log has its own handlers (set up before the app is loaded).
    handlers = [*root.handlers, *logging.getLogger("gunicorn.access").handlers,
                *logging.getLogger("gunicorn.error").handlers]
    for handler in handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
