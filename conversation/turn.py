"""One inbound message in context (Turn) and what the conversation makes of it (Outcome)."""
from __future__ import annotations

from dataclasses import dataclass, field

from cases.replies import Replies
from models import Contact, Message
from nlp.intent import Intent


@dataclass
class Outcome:
    """The immediate answers, the cases to classify later, the inbound messages whose danger
    check runs later (queued mode), and outbound messages queued. `urgent`: this turn raised
    the alarm; `danger_checked`: the turn's text was already judged (with its whole case)."""
    replies: list[str]
    intent: str
    classify_case_ids: list[int] = field(default_factory=list)
    outbound: list[Message] = field(default_factory=list)
    check_message_ids: list[int] = field(default_factory=list)
    urgent: bool = False
    danger_checked: bool = False


@dataclass
class Turn:
    """One inbound message in context."""
    intent: Intent
    message: Message
    contact: Contact
    replies: Replies
    first_contact: bool = False  # the contact was created for this message: it has no cases

    def say(self, key: str, **values) -> list[str]:
        return [self.replies.render(key, **values)]

    def say_if(self, key: str, **values) -> list[str]:
        """A reply this channel may leave out (an empty template): SMS stays silent where
        the web chat shows a bubble."""
        return self.say(key, **values) if self.replies.has(key) else []
