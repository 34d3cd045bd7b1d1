"""One case as a plain dict for administrators and scripts (`flask cases show`).

Personal data (the petitioner's name and phone) is masked unless the caller asks for it in
full. Times are ISO 8601 in the county's time zone. repeat_of, repeat_count, group and
group_size are read from the case when repeat and group detection has set them (null/0
otherwise)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from models import Case, CaseEvent
from models.contact import mask_address
from models.db import db


def mask_name(name: str | None) -> str | None:
    """张三丰 -> 张**: the family name stays, so staff can still tell cases apart."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def _time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz).isoformat(timespec="seconds")


def _number_of(case_id: int | None) -> str | None:
    return db.session.get(Case, case_id).number if case_id else None


def _linkage(case: Case) -> dict:
    """Repeat and group links (cases.repeats, cases.groups): the earliest case of the matter,
    how often it came back, and the group petition with its 人数."""
    group = case.group
    size = max(group.petitioners or 0, group.declared or 0) if group is not None else 0
    return {"repeat_of": _number_of(case.repeat_of_id), "repeat_count": case.repeat_count or 0,
            "group": case.group_id, "group_size": size}


def _event(event: CaseEvent) -> dict:
    return {"at": _time(event.at), "kind": event.kind, "actor": event.actor, "before": event.before,
            "after": event.after, "note": event.note}


def case_summary(case: Case, unmask: bool = False) -> dict:
    """The case's state, unit, clocks, links and events; name and phone masked unless `unmask`."""
    taxonomy = current_app.extensions["taxonomy"]
    states = current_app.extensions["templates"]["zh"]["states"]
    address = case.contact.address if case.contact else None
    return {
        "number": case.number, "state": case.state, "state_name": states.get(case.state, case.state),
        "channel": case.channel, "issue_type": case.issue_type,
        "issue_type_name": taxonomy.issue_type_name(case.issue_type) or None,
        "department": case.department, "township": case.township,
        "unit": taxonomy.department_name(case.department, case.township) or None,
        "assignee": case.assignee, "urgent": bool(case.urgent), "flagged": bool(case.flagged),
        "rating": case.rating, "village": case.village,
        "petitioner": {"name": case.citizen_name if unmask else mask_name(case.citizen_name),
                       "phone": (address if unmask else mask_address(address)) if address else None},
        "deadlines": {"due_at": _time(case.due_at), "extended": bool(case.extended),
                      "received_at": _time(case.received_at), "accepted_at": _time(case.accepted_at),
                      "answered_at": _time(case.answered_at), "closed_at": _time(case.closed_at)},
        "merged_into": _number_of(case.merged_into_id),
        **_linkage(case),
        "text": case.text,
        "events": [_event(event) for event in case.events],
    }


def summary_text(data: dict) -> str:
    """The same, as lines a person reads in a terminal."""
    deadlines = data["deadlines"]
    flags = "，".join(word for flag, word in ((data["urgent"], "紧急"), (data["flagged"], "督查")) if flag)
    lines = [
        f"{data['number']}  {data['state_name']}" + (f"（{flags}）" if flags else ""),
        f"问题类型  {data['issue_type_name'] or '—'}",
        f"责任单位  {data['unit'] or '待分办'}    责任人 {data['assignee'] or '未指定'}",
        f"信访人    {data['petitioner']['name'] or '未留姓名'}  {data['petitioner']['phone'] or '—'}",
        f"收件      {deadlines['received_at']}",
        f"期限      {deadlines['due_at'] or '—'}" + ("（已延期）" if deadlines["extended"] else ""),
        f"重复件    {data['repeat_of'] or '—'}（重复 {data['repeat_count']} 次）",
        f"集体访    {data['group'] or '—'}（{data['group_size']} 人/件）",
        f"内容      {data['text']}",
        "记录:",
    ]
    for event in data["events"]:
        change = "，".join(f"{k}={v}" for k, v in (event["after"] or {}).items())
        lines.append(f"  {event['at']}  {event['kind']:<10} {event['actor']:<16} {change} {event['note'] or ''}".rstrip())
    return "\n".join(lines)
