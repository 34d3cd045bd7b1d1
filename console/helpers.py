"""What templates need to show codes as Chinese names, local times and masked phones."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_login import current_user

from console import access
from console.blueprint import bp
from console.auth import ROLE_NAMES
from console.forms import CHANNELS
from console.queries import QUEUES
from models import utcnow

EVENT_NAMES = {"created": "登记", "supplement": "补充", "classified": "机器分类", "corrected": "人工更正",
               "confirmed": "确认分类", "state": "状态变更", "assigned": "分办", "note": "内部备注",
               "merged": "并入", "reply": "回复信访人", "rated": "评价"}
RATING_NAMES = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}
FIELD_NAMES = {"issue_type": "问题类型", "department": "责任单位", "township": "乡镇", "urgent": "紧急",
               "state": "状态", "due_at": "期限", "assignee": "责任人", "rating": "评价", "flagged": "督查",
               "needs_triage": "待确认", "reason": "理由", "route": "去向", "answer": "处理意见",
               "number": "编号", "model_version": "模型", "merged": "并入件", "message_id": "消息"}


def state_names() -> dict[str, str]:
    return current_app.extensions["templates"]["zh"]["states"]


def localtime(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz).strftime(fmt)


def show_value(field: str, value) -> str:
    """An event's before/after value as staff read it."""
    taxonomy = current_app.extensions["taxonomy"]
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    names = {"issue_type": taxonomy.issue_type_name, "department": taxonomy.department_name,
             "township": taxonomy.township_name, "state": lambda v: state_names().get(v, v),
             "rating": lambda v: RATING_NAMES.get(v, v)}
    if field in names:
        return names[field](value) or str(value)
    if field == "due_at" and isinstance(value, str):
        return localtime(datetime.fromisoformat(value))
    return str(value)


@bp.context_processor
def _helpers() -> dict:
    taxonomy = current_app.extensions["taxonomy"]
    return {
        "taxonomy": taxonomy, "localtime": localtime, "show_value": show_value,
        "state_name": lambda code: state_names().get(code, code or ""),
        "issue_name": taxonomy.issue_type_name, "township_name": taxonomy.township_name,
        "unit_name": lambda case: taxonomy.department_name(case.department, case.township),
        "channel_name": lambda code: dict(CHANNELS).get(code, code),
        "event_name": lambda kind: EVENT_NAMES.get(kind, kind), "field_name": lambda f: FIELD_NAMES.get(f, f),
        "rating_name": lambda r: RATING_NAMES.get(r, r or ""), "role_name": ROLE_NAMES.get,
        "phone": lambda address: access.phone(current_user, address),
        "can": lambda action, state=None: access.can(current_user, action, state),
        "queue_names": QUEUES, "now_utc": utcnow,
    }
