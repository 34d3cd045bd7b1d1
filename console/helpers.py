"""What templates need to show codes as Chinese names, local times and masked phones."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from markupsafe import Markup, escape
from flask_login import current_user

from console import access
from console.blueprint import bp
from console.auth import ROLE_NAMES
from console.forms import CHANNELS, NOT_ACCEPTED_ROUTES
from console.queries import QUEUES, count_label
from models import utcnow

EVENT_NAMES = {"created": "登记", "supplement": "补充", "classified": "机器分类", "corrected": "人工更正",
               "confirmed": "确认分类", "state": "状态变更", "assigned": "分办", "note": "内部备注",
               "merged": "并入", "reply": "回复信访人", "rated": "评价",
               "conflict": "回避标记", "repeat": "重复信访",
               "repeated": "重复信访", "grouped": "集体访"}
RATING_NAMES = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}
FIELD_NAMES = {"issue_type": "问题类型", "department": "责任单位", "township": "乡镇", "urgent": "紧急",
               "state": "状态", "due_at": "期限", "assignee": "责任人", "rating": "评价", "flagged": "督查",
               "needs_triage": "待确认", "reason": "理由", "route": "去向", "answer": "处理意见",
               "number": "编号", "model_version": "模型", "merged": "并入件", "message_id": "消息",
               "conflict_unit": "回避单位", "appended": "并入正文",
               "repeat_of": "原件", "similar_to": "最相似", "similarity": "相似度", "repeat_count": "重复次数",
               "repeat": "重复件", "group": "集体访", "group_size": "人数"}
AUDIT_NAMES = {"login": "登录", "login_failed": "登录失败", "locked": "账号锁定", "login_locked": "锁定期间尝试",
               "logout": "退出", "export": "导出台账", "user_created": "新增人员", "user_disabled": "停用账号",
               "user_enabled": "启用账号", "user_role": "更改角色或单位", "password_reset": "重置密码",
               "password_changed": "修改密码", "report_download": "下载报告", "report_build": "生成报告",
               "informant_added": "新增信息员", "informant_updated": "更新信息员", "informants_imported": "导入信息员名册",
               "informant_deactivated": "停用信息员", "informant_export": "导出信息员月报",
               "hotspot_close": "关闭热点预警",
               "document_download": "下载文书", "dossier_download": "下载一案一册"}
# Outbound message kinds and delivery states, as the case page shows them.
MESSAGE_KINDS = {"ack": "受理回执", "reply": "自动回复", "page": "值班呼叫", "staff_reply": "工作人员回复",
                 "notice_accepted": "受理告知", "notice_not_accepted": "不予受理告知", "notice_extended": "延期告知",
                 "notice_answered": "答复", "notice_review": "复查告知", "notice_closed": "办结告知",
                 "notice_in_progress": "办理告知", "safety": "安全提示",
                 "page_summary": "值班汇总呼叫", "group_alert": "集体访预警",
                 "hotspot": "热点预警", "alert": "系统告警", "verify_code": "验证码"}
MESSAGE_STATES = {"queued": "待发送", "sending": "发送中", "outbox": "已记录（未接短信通道）", "sent": "已发出",
                  "delivered": "已送达", "undelivered": "未送达", "suppressed": "已退订未发"}


def state_names() -> dict[str, str]:
    return current_app.extensions["templates"]["zh"]["states"]


ISO = "%Y-%m-%d %H:%M"  # the ledger keeps sortable dates
_PADDED = re.compile(r"(?<!\d)0(\d)(?=[月日时])")


def localtime(moment: datetime | None, fmt: str = "%Y年%m月%d日 %H:%M") -> str:
    """A naive-UTC time in the county's zone, in Chinese: 2026年12月2日 09:05 (month and
    day without a leading zero)."""
    if moment is None:
        return ""
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    text = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz).strftime(fmt)
    return _PADDED.sub(r"\1", text)


def show_value(field: str, value) -> str:
    """An event's before/after value as staff read it."""
    taxonomy = current_app.extensions["taxonomy"]
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    names = {"issue_type": taxonomy.issue_type_name, "department": taxonomy.department_name,
             "township": taxonomy.township_name, "state": lambda v: state_names().get(v, v),
             "conflict_unit": taxonomy.department_name,
             "rating": lambda v: RATING_NAMES.get(v, v)}
    if field in names:
        return names[field](value) or str(value)
    if field == "route":
        return dict(NOT_ACCEPTED_ROUTES).get(value, str(value))
    if field == "due_at" and isinstance(value, str):
        return localtime(datetime.fromisoformat(value))
    return str(value)


def unit_of(code: str | None) -> str:
    """'hrss' or 'township_gov:dongtun' as its Chinese name."""
    department, _, township = (code or "").partition(":")
    return current_app.extensions["taxonomy"].department_name(department, township or None) or "—"


def audit_detail(kind: str, detail: dict | None) -> str:
    """An audit row's detail in words (the table stores it as JSON)."""
    detail = detail or {}
    if kind == "locked":
        return f"锁定 {detail.get('minutes', '')} 分钟"
    if kind == "export":
        fmt = {"xlsx": "Excel", "csv": "CSV"}.get(detail.get("format"), detail.get("format", ""))
        queue = QUEUES.get(detail.get("queue"), "全部")
        return f"{fmt}，{queue}" + ("（带筛选条件）" if set(detail.get("args") or {}) - {"queue"} else "")
    if kind in ("document_download", "dossier_download"):
        return " ".join(str(detail[k]) for k in ("case", "document") if detail.get(k))
    target = f"对象：{detail['target']}" if detail.get("target") else ""
    if kind == "user_created":
        return f"{target}，{ROLE_NAMES.get(detail.get('role'), '')}，{unit_of(detail.get('unit'))}"
    if kind == "user_role":
        before, after = detail.get("before") or {}, detail.get("after") or {}
        return (f"{target}，{ROLE_NAMES.get(before.get('role'), '')}·{unit_of(before.get('unit'))} → "
                f"{ROLE_NAMES.get(after.get('role'), '')}·{unit_of(after.get('unit'))}")
    return target


ONDUTY_KINDS = ("page", "page_summary", "alert", "hotspot")   # to the on-duty officer, never the citizen
LEADER_KINDS = ("group_alert",)


def message_meta(message) -> str:
    """'发给信访人 · 受理告知 · 已送达' for an outbound message: who it went to, what, how far."""
    who = "发给值班人员" if message.kind in ONDUTY_KINDS else "发给领导" if message.kind in LEADER_KINDS else "发给信访人"
    parts = (who, MESSAGE_KINDS.get(message.kind, ""), MESSAGE_STATES.get(message.state, ""))
    return " · ".join(part for part in parts if part)


def visible_changes(event) -> list[tuple[str, object, object, bool]]:
    """(field, before, after, changed) of an event worth showing; unchanged fields are not struck."""
    before = event.before or {}
    rows = []
    for field, value in (event.after or {}).items():
        if field in ("model_version", "message_id"):
            continue
        rows.append((field, before.get(field), value, field in before and before[field] != value))
    return rows


def highlight(text: str | None, terms: list[str], width: int = 60) -> Markup:
    """WIDTH characters of TEXT around its first match, escaped, each match in <mark>."""
    from nlp.search import highlight_spans

    text = text or ""
    lower = text.lower()
    first = min((i for i in (lower.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, min(first - width // 4, len(text) - width))
    snippet = text[start:start + width]
    pieces = [Markup("<mark>{}</mark>").format(piece) if hit else escape(piece)
              for piece, hit in highlight_spans(snippet, terms)]
    return Markup("…" if start else "") + Markup("").join(pieces) + Markup("…" if start + width < len(text) else "")


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
        "queue_names": QUEUES, "now_utc": utcnow, "audit_name": lambda k: AUDIT_NAMES.get(k, k),
        "audit_detail": audit_detail, "message_meta": message_meta, "visible_changes": visible_changes,
        "highlight": highlight, "count_label": count_label,
    }
