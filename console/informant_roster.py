"""The 信息员 roster on the console (admins): add or update one officer, import the county's
list (xlsx or csv), deactivate. Every change is audited."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from cases import informant_roster
from console import access
from console.auth import audit
from console.blueprint import bp
from models import Informant
from models.db import db

MAX_UPLOAD = 200 * 1024  # under MAX_CONTENT_LENGTH (256 KB); a 400-row roster is ~20 KB


def _admin() -> None:
    if not access.can(current_user, "informant_roster"):
        abort(403)


@bp.post("/informants/roster")
def informant_roster_add():
    _admin()
    form = {k: (request.form.get(k) or "").strip() for k in ("phone", "name", "village", "township")}
    try:
        informant, created = informant_roster.add(form["phone"], form["name"], form["village"], form["township"])
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("console.informant_roster"))
    audit("informant_added" if created else "informant_updated", current_user.username, current_user.id,
          informant=informant.id)
    db.session.commit()
    flash(f"已{'添加' if created else '更新'}信息员{informant.name}。", "ok")
    return redirect(url_for("console.informant_roster"))


@bp.post("/informants/roster/import")
def informant_roster_import():
    _admin()
    upload = request.files.get("file")
    data = upload.read(MAX_UPLOAD + 1) if upload else b""
    if not data or len(data) > MAX_UPLOAD:
        flash("请选择不超过200KB的 .xlsx 或 .csv 文件。", "error")
        return redirect(url_for("console.informant_roster"))
    try:
        result = informant_roster.import_roster(data, upload.filename or "")
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("console.informant_roster"))
    audit("informants_imported", current_user.username, current_user.id, added=result.added,
          updated=result.updated, rejected=len(result.errors))
    db.session.commit()
    flash(f"导入完成：新增{result.added}，更新{result.updated}，有误{len(result.errors)}。", "ok")
    for error in result.errors[:20]:
        flash(error, "error")
    return redirect(url_for("console.informant_roster"))


@bp.post("/informants/roster/<int:informant_id>/deactivate")
def informant_roster_deactivate(informant_id: int):
    _admin()
    informant = db.session.get(Informant, informant_id) or abort(404)
    informant_roster.deactivate(informant)
    audit("informant_deactivated", current_user.username, current_user.id, informant=informant.id)
    db.session.commit()
    flash(f"已停用信息员{informant.name}，该号码再发信息按信访登记。", "ok")
    return redirect(url_for("console.informant_roster"))
