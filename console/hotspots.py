"""热点预警: the hotspot alerts of cases.hotspots, open ones first, each with the cases behind
it; an officer closes one once it is dealt with (audited). Admins, officers and leaders:
an alert compares the county's townships, as the reports do."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cases import hotspots
from console.auth import audit, role_required
from console.blueprint import bp
from models import HotspotAlert, HotspotCase, utcnow
from models.db import db

READERS = ("admin", "officer", "leader")
LIMIT = 200


@bp.get("/hotspots")
@role_required(*READERS)
def hotspot_list():
    stmt = select(HotspotAlert).order_by(HotspotAlert.open_key.is_(None), HotspotAlert.opened_at.desc()).limit(LIMIT)
    rows = list(db.session.execute(stmt).scalars())
    now = utcnow()
    return render_template("console/hotspots.html", alerts=rows, is_open=lambda a: hotspots.is_open(a, now))


@bp.get("/hotspots/<int:alert_id>")
@role_required(*READERS)
def hotspot_page(alert_id: int):
    alert = db.session.execute(select(HotspotAlert).where(HotspotAlert.id == alert_id).options(
        selectinload(HotspotAlert.cases).selectinload(HotspotCase.case))).scalar_one_or_none()
    if alert is None:
        abort(404)
    cases = sorted((link.case for link in alert.cases), key=lambda c: (c.received_at, c.id))
    return render_template("console/hotspot.html", alert=alert, cases=cases, open=hotspots.is_open(alert))


@bp.post("/hotspots/<int:alert_id>/close")
@role_required("admin", "officer")
def hotspot_close(alert_id: int):
    alert = db.session.get(HotspotAlert, alert_id) or abort(404)
    if hotspots.close(alert, f"user:{current_user.username}"):
        audit("hotspot_close", current_user.username, current_user.id, alert=alert.id)
        db.session.commit()
        flash("热点预警已关闭；此后同类来件将重新研判。", "info")
    return redirect(url_for("console.hotspot_page", alert_id=alert_id))
