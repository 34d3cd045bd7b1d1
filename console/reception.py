"""领导接访 schedule on the console: everyone reads it, admins add and remove days (audited)."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from cases import reception
from console.auth import audit, role_required
from console.blueprint import bp
from models import Reception
from models.db import db


@bp.get("/receptions")
def receptions():
    rows = db.session.execute(select(Reception).where(Reception.day >= reception.today_local())
                              .order_by(Reception.day, Reception.id)).scalars().all()
    return render_template("console/receptions.html", rows=rows)


@bp.post("/receptions")
@role_required("admin")
def add_reception():
    form = {name: (request.form.get(name) or "").strip() for name in ("day", "leader", "place", "topics")}
    try:
        day = date.fromisoformat(form["day"])
    except ValueError:
        day = None
    if day is None or day < reception.today_local() or not form["leader"] or not form["place"]:
        flash("请填写不早于今天的日期、接访领导和地点。", "error")
        return redirect(url_for("console.receptions"))
    row = reception.add(day, form["leader"], form["place"], form["topics"], current_user.actor)
    audit("reception_added", current_user.username, current_user.id, day=day.isoformat(), leader=row.leader)
    db.session.commit()
    flash("已发布接访安排。", "ok")
    return redirect(url_for("console.receptions"))


@bp.post("/receptions/<int:row_id>/delete")
@role_required("admin")
def delete_reception(row_id: int):
    row = db.session.get(Reception, row_id) or abort(404)
    audit("reception_removed", current_user.username, current_user.id, day=row.day.isoformat(), leader=row.leader)
    db.session.delete(row)
    db.session.commit()
    flash("已撤下该接访安排。", "ok")
    return redirect(url_for("console.receptions"))
