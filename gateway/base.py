"""The contract every channel implements."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from flask import Request, Response

from models import Message


class BadPayload(ValueError):
    """The request is not a message we can understand: answered with a 400."""


class Forged(ValueError):
    """A signature inside the payload (WeChat's msg_signature) is wrong: answered with a 403."""


@dataclass(frozen=True)
class InboundEvent:
    channel: str                 # sms | whatsapp | messenger | wechat | web
    provider_id: str             # the provider's message id, unique per channel
    address: str                 # the citizen's address on that channel
    body: str
    to: str | None = None
    media: list[dict] = field(default_factory=list)
    # text: goes through the conversation; subscribe | unsubscribe | media | location:
    # stored and answered by gateway.events (no petition text to understand)
    kind: str = "text"


class Channel(Protocol):
    name: str

    def verify(self, request: Request, config: dict) -> bool:
        """True when the request carries the provider's valid signature."""

    def parse(self, request: Request, config: dict) -> list[InboundEvent]:
        """Typed events of the request; BadPayload when it is malformed."""

    def acknowledge(self, replies: list[str]) -> Response:
        """The provider's immediate answer carrying our replies."""

    # Optional, for channels that have them:
    #   echo(request, config) -> Response: the provider's URL check (GET), after verify
    #   parse_status(request, config) -> list[gateway.status.StatusEvent]: delivery callbacks
    #   content_types: tuple of accepted request mimetypes (default: form posts)


# --- sending ------------------------------------------------------------------------------
# A sender either returns what the provider accepted, or raises TemporaryError (try again
# later: the provider is busy or unreachable) or PermanentError (do not try again).

class TemporaryError(Exception):
    """Try again later."""


class PermanentError(Exception):
    """Never try again; opt_out marks the contact as opted out."""

    def __init__(self, reason: str, opt_out: bool = False) -> None:
        super().__init__(reason)
        self.opt_out = opt_out


@dataclass(frozen=True)
class Sent:
    provider_id: str | None


class Sender(Protocol):
    def send(self, message: Message, config: dict) -> Sent: ...
