"""One inbound message in context (Turn) and what the conversation makes of it (Outcome)."""
from __future__ import annotations

from dataclasses import dataclass, field

from cases.replies import Replies
from models import Contact, Message
from nlp.intent import Intent


@dataclass
class Outcome:
    """The immediate answers, the cases to classify later, and outbound messages queued."""
    replies: list[str]
    intent: str
    classify_case_ids: list[int] = field(default_factory=list)
    outbound: list[Message] = field(default_factory=list)


@dataclass
class Turn:
    """One inbound message in context."""
    intent: Intent
    message: Message
    contact: Contact
    replies: Replies

    def say(self, key: str, **values) -> list[str]:
        return [self.replies.render(key, **values)]
