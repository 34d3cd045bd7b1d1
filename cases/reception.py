"""领导接访: the published reception schedule, read by the console and by citizens (`接访`)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from cases.replies import Replies, ucs2_units
from models import Reception
from models.db import db

MAX_UNITS = 3 * 67  # at most three concatenated segments


def upcoming(today: date, limit: int = 3) -> list[Reception]:
    """The next reception days, today included, soonest first."""
    stmt = select(Reception).where(Reception.day >= today).order_by(Reception.day, Reception.id).limit(limit)
    return list(db.session.execute(stmt).scalars())


def schedule_text(replies: Replies, today: date) -> str:
    """The SMS answer to `接访`: as many of the next dates as fit three segments."""
    days = upcoming(today)
    if not days:
        return replies.render("reception_none")
    items: list[str] = []
    for row in days:
        topics = f"（{row.topics}）" if row.topics else ""
        item = replies.table["reception_item"].format(
            date=replies.table["date"].format(year=row.day.year, month=row.day.month, day=row.day.day),
            leader=row.leader, place=row.place, topics=topics)
        candidate = replies.render("reception_list", items="；".join(items + [item]))
        if items and ucs2_units(candidate) > MAX_UNITS:
            break
        items.append(item)
    return replies.render("reception_list", items="；".join(items))


def add(day: date, leader: str, place: str, topics: str, actor: str) -> Reception:
    row = Reception(day=day, leader=leader.strip()[:64], place=place.strip()[:100], topics=topics.strip()[:200],
                    created_by=actor)
    db.session.add(row)
    return row


def today_local() -> date:
    """The county's local date (receptions are published by local day)."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()
