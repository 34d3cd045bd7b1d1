"""The archive of periodic reports (REPORTS_DIR, default instance/reports/, built by `flask reports build`):
a list for admins, officers and leaders, and downloads, each one written to the audit log.
Handlers do not see it: the reports compare every unit."""
from __future__ import annotations

from pathlib import Path

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from cases.report_files import FILE_NAME, KIND_NAMES, Names
from cases.report_store import archive
from cases.reports import KINDS, build
from console.auth import audit, role_required
from console.blueprint import bp
from console.forms import CHANNELS
from models.db import db
from models import utcnow

READERS = ("admin", "officer", "leader")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def names_for(app) -> Names:
    """How the report names codes in this deployment (taxonomy, channels, states)."""
    states = app.extensions["templates"]["zh"]["states"]
    return Names(app.extensions["taxonomy"], dict(CHANNELS), app.config["TIMEZONE"], states)


def report_folder(app) -> Path:
    return Path(app.config["REPORTS_DIR"])


def archived(folder: Path) -> list[dict]:
    """The report files in `folder`, newest period first; anything else there is ignored."""
    files = [(path, FILE_NAME.match(path.name)) for path in folder.glob("*")] if folder.is_dir() else []
    rows = [{"name": path.name, "kind": KIND_NAMES[match[1]], "label": match[2], "format": match[3],
             "size": path.stat().st_size} for path, match in files if match and path.is_file()]
    return sorted(rows, key=lambda r: (r["label"], r["kind"], r["format"]), reverse=True)


@bp.get("/report-files")
@role_required(*READERS)
def report_files():
    return render_template("console/report_files.html", files=archived(report_folder(current_app)),
                           kinds=KIND_NAMES)


@bp.post("/report-files")
@role_required(*READERS)
def report_build():
    """Builds (or rebuilds) the report of the period containing the day given, now."""
    kind, text = request.form.get("kind", ""), request.form.get("day", "").strip()[:20]
    try:
        day = date.fromisoformat(text)
        if kind not in KINDS:
            raise ValueError(kind)
        report = build(kind, day, current_app.config["TIMEZONE"], utcnow())
        archive(report, names_for(current_app), current_app.extensions["taxonomy"].county,
                report_folder(current_app))
    except ValueError:
        flash("请选择报告类型，并按 2025-11-30 的格式填写日期。", "error")
        return redirect(url_for("console.report_files"))
    except OSError:
        current_app.logger.exception("cannot write the report files")
        flash("报告文件无法写入，请联系管理员。", "error")
        return redirect(url_for("console.report_files"))
    audit("report_build", current_user.username, current_user.id, report=kind, period=report.period.label)
    db.session.commit()
    flash(f"已生成{KIND_NAMES[kind]} {report.period.label}。", "info")
    return redirect(url_for("console.report_files"))


@bp.get("/report-files/<name>")
@role_required(*READERS)
def report_download(name: str):
    # only names the builder writes: no path, no dot-file, no traversal
    match = FILE_NAME.match(name)
    path = report_folder(current_app) / name
    if match is None or not path.is_file():
        abort(404)
    audit("report_download", current_user.username, current_user.id, file=name)
    db.session.commit()
    mimetype = XLSX if match[3] == "xlsx" else "application/pdf"
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
