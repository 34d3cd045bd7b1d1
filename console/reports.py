"""Dashboard, ledger export and the audit pages."""
from __future__ import annotations

from types import SimpleNamespace

from flask import Response, current_app, render_template, request, stream_with_context
from flask_login import current_user
from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload

from console import access, charts, queries, stats
from console.blueprint import bp
from console.auth import audit, role_required
from console.export import ledger_rows, to_csv, to_xlsx
from console.forms import CHANNELS
from console.models import AuditLog
from console.queries import QUEUES
from console.views import filters_from_request
from gateway.backlog import backlog
from models.db import db
from models import Case, CaseEvent, User, utcnow

MAX_EXPORT = 1_000_000      # CSV streams: any size a filter leaves
MAX_EXPORT_XLSX = 100_000  # xlsx is built whole (write-only mode, about 30 MB at this size)
EXPORT_BATCH = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/dashboard")
def dashboard():
    data = stats.dashboard(current_user, utcnow(), current_app.config["TIMEZONE"])
    taxonomy = current_app.extensions["taxonomy"]
    issues = [(taxonomy.issue_type_name(code) or "未分类", n) for code, n in data.by_issue]
    towns = [(taxonomy.township_name(code) or "未识别", n) for code, n in data.by_township]
    health = backlog() if access.can(current_user, "outbound") else None
    return render_template(
        "console/dashboard.html", data=data, ratio=charts.ratio, health=health,
        per_day=charts.stacked_days(data.days, data.per_day, dict(CHANNELS)),
        by_issue=charts.horizontal(issues), by_township=charts.horizontal(towns),
        onduty_configured=bool(current_app.config["ONDUTY_PHONES"]))


@bp.get("/export.<fmt>")
def export(fmt: str):
    """The ledger of the filtered queue. CSV streams row by row (constant memory: the cases
    are read a batch at a time, as the response is sent); xlsx is built in write-only mode
    and sent whole, up to MAX_EXPORT_XLSX rows."""
    if fmt not in ("csv", "xlsx"):
        return Response(status=404)
    queue = request.args.get("queue", "all")
    _, filters = filters_from_request()
    stmt = queries.cases_stmt(current_user, queue if queue in QUEUES else "all", filters, utcnow(),
                              current_app.config["TIMEZONE"])
    limit = MAX_EXPORT if fmt == "csv" else MAX_EXPORT_XLSX
    stmt = stmt.options(selectinload(Case.contact), selectinload(Case.group)).limit(limit) \
        .execution_options(yield_per=EXPORT_BATCH)
    audit("export", current_user.username, current_user.id, format=fmt, queue=queue, args=request.args.to_dict())
    db.session.commit()
    # The response outlives the request's session: the roles' rules read a plain copy.
    user = SimpleNamespace(**{a.key: getattr(current_user, a.key) for a in inspect(User).column_attrs})
    rows = ledger_rows(_cases(stmt), lambda address: access.phone(user, address),
                       lambda case: access.citizen_name(user, case), lambda case: access.case_text(user, case))
    name = f"taizhang-{utcnow():%Y%m%d}.{fmt}"
    headers = {"Content-Disposition": f"attachment; filename={name}"}
    if fmt == "csv":
        return Response(stream_with_context(_encoded(to_csv(rows))), mimetype="text/csv", headers=headers)
    return Response(to_xlsx(rows), mimetype=XLSX, headers=headers)


def _cases(stmt):
    """The cases a batch at a time, the query run only once the response is being sent (a
    server-side cursor must not outlive a commit made while the request ends)."""
    yield from db.session.execute(stmt).scalars()


def _encoded(chunks, size: int = 64 * 1024):
    """UTF-8 in blocks of about SIZE bytes (one write per row would be thousands of tiny ones)."""
    buffer: list[str] = []
    length = 0
    for chunk in chunks:
        buffer.append(chunk)
        length += len(chunk)
        if length >= size // 3:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    yield "".join(buffer).encode("utf-8")


@bp.get("/audit")
@role_required("admin")
def audit_page():
    page_no = request.args.get("page", 1, type=int)
    logins = queries.paginate(select(AuditLog).order_by(AuditLog.id.desc()), 1, 30)
    staff_events = (select(CaseEvent, Case.number).join(Case, Case.id == CaseEvent.case_id)
                    .where(CaseEvent.user_id.is_not(None)).order_by(CaseEvent.id.desc()))
    events = queries.paginate(staff_events, page_no, rows=True)
    return render_template("console/audit.html", logins=logins.items, events=events)
