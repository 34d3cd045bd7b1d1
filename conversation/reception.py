"""`接访`: the citizen asks when leaders receive petitioners and gets the next dates."""
from __future__ import annotations

from cases.reception import schedule_text, today_local
from conversation.turn import Outcome, Turn


def answer(turn: Turn) -> Outcome:
    return Outcome([schedule_text(turn.replies, today_local())], turn.intent.kind)
