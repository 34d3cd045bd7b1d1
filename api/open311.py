"""Open311 GeoReport v2 under /open311/v2/: services, service requests, discovery.

A POST creates a case through the same path as an SMS (gateway.inbound.receive), so it is
numbered, classified and answered like any petition. Petitions hold personal data: a
request's description, address and coordinates are shown only to the key that filed it."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from api.keys import find_key
from api.open311_format import errors, respond, w3c
from cases.replies import Replies
from models.db import db
from gateway.base import InboundEvent
from gateway.inbound import receive
from models import ApiKey, Case, CaseState, Message, ServiceRequest, utcnow

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FMT = "<any(json, xml):fmt>"
CLOSED = (CaseState.CLOSED, CaseState.NOT_ACCEPTED, CaseState.MERGED)
MAX_DESCRIPTION = 4000          # the spec's limit
MAX_RESULTS, MAX_SPAN = 1000, timedelta(days=90)
SPEC = "http://wiki.open311.org/GeoReport_v2"


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


@bp.errorhandler(Open311Error)
def open311_error(exc: Open311Error):
    return errors(exc.code, exc.description, _fmt())


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    return errors(exc.code or 400, exc.description or exc.name, _fmt())


def _fmt() -> str:
    return (request.view_args or {}).get("fmt", "json")


@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str):
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")) + bp.url_prefix
    changeset = "2026-11-27T00:00:00Z"
    return respond({"changeset": changeset, "contact": current_app.config["OPEN311_CONTACT"],
                    "key_service": "flask --app wsgi open311 create-key NAME (ask the petition bureau)",
                    "endpoints": [{"specification": SPEC, "url": base, "changeset": changeset, "type": "production",
                                   "formats": ["text/xml", "application/json"]}]}, fmt, "discovery")


@bp.get(f"/services.{FMT}")
def services(fmt: str):
    _jurisdiction(request.args)
    taxonomy = current_app.extensions["taxonomy"]
    return respond([_service(code, row, taxonomy) for code, row in taxonomy.issue_types.items()],
                   fmt, "services", "service")


@bp.get(f"/services/<code>.{FMT}")
def service_definition(code: str, fmt: str):
    _jurisdiction(request.args)
    if code not in current_app.extensions["taxonomy"].issue_types:
        raise Open311Error(404, f"service_code {code[:40]} not found")
    return respond({"service_code": code, "attributes": []}, fmt, "service_definition")


@bp.post(f"/requests.{FMT}")
def create_request(fmt: str):
    form = request.form
    key = find_key(form.get("api_key")) or _raise(403, "api_key was not provided or is invalid")
    _jurisdiction(form)
    fields = _validated(form)
    case, notice = _file(key, fields, form)
    return respond([{"service_request_id": case.number, "service_notice": notice, "account_id": None}],
                   fmt, "service_requests", "request", status=201)


@bp.get(f"/requests.{FMT}")
def list_requests(fmt: str):
    _jurisdiction(request.args)
    query = select(ServiceRequest).join(Case).order_by(ServiceRequest.id.desc()).limit(MAX_RESULTS)
    ids = _csv(request.args.get("service_request_id"))
    if ids:
        query = query.where(Case.number.in_(ids[:MAX_RESULTS]))  # "overrides all other arguments"
    else:
        query = _filtered(query, request.args)
    key = find_key(request.args.get("api_key"))
    rows = db.session.execute(query).scalars().all()
    return respond([_view(row, key) for row in rows], fmt, "service_requests", "request")


@bp.get(f"/requests/<rid>.{FMT}")
def get_request(rid: str, fmt: str):
    _jurisdiction(request.args)
    row = db.session.execute(select(ServiceRequest).join(Case).where(Case.number == rid[:32])).scalar_one_or_none()
    if row is None:
        raise Open311Error(404, f"service_request_id {rid[:40]} not found")
    return respond([_view(row, find_key(request.args.get("api_key")))], fmt, "service_requests", "request")


# --- helpers ---------------------------------------------------------------------------

def _raise(code: int, description: str):
    raise Open311Error(code, description)


def _jurisdiction(args) -> None:
    given = args.get("jurisdiction_id")
    if given and given != current_app.config["OPEN311_JURISDICTION"]:
        raise Open311Error(404, "jurisdiction_id not found")


def _service(code: str, row: dict, taxonomy) -> dict:
    department = taxonomy.department_name(row.get("department"))
    return {"service_code": code, "service_name": row["name"], "description": f"{row['name']}（{department}）",
            "metadata": False, "type": "realtime", "keywords": ",".join(row.get("aliases") or []),
            "group": department}


def _validated(form) -> dict:
    code = form.get("service_code")
    if not code:
        raise Open311Error(400, "service_code was not provided")
    if code not in current_app.extensions["taxonomy"].issue_types:
        raise Open311Error(404, f"service_code {code[:40]} was not found")
    description = (form.get("description") or "").strip()
    if not description:
        raise Open311Error(400, "description is required: a petition needs its text")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description is limited to {MAX_DESCRIPTION} characters")
    lat, long = _coordinate(form, "lat", 90), _coordinate(form, "long", 180)
    address = _short(form, "address_string", 255) or _short(form, "address_id", 255)
    if (lat is None or long is None) and not address:
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    media_url = _short(form, "media_url", 1024)
    if media_url and not media_url.startswith(("https://", "http://")):
        raise Open311Error(400, "media_url must be an http(s) URL")
    name = f"{_short(form, 'last_name', 32) or ''}{_short(form, 'first_name', 32) or ''}"
    return {"service_code": code, "description": description, "lat": lat, "long": long, "address": address,
            "media_url": media_url, "name": name}


def _coordinate(form, field: str, limit: float) -> float | None:
    raw = form.get(field)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, f"{field} must be a number") from None
    if not -limit <= value <= limit:  # also refuses nan and inf
        raise Open311Error(400, f"{field} is out of range")
    return value


def _short(form, field: str, limit: int) -> str | None:
    value = (form.get(field) or "").strip()
    if len(value) > limit:
        raise Open311Error(400, f"{field} is limited to {limit} characters")
    return value or None


def _file(key: ApiKey, fields: dict, form) -> tuple[Case, str]:
    """The petition goes through the shared inbound path; then the request row links it."""
    body = fields["description"]
    if fields["address"]:
        body += f"\n地址：{fields['address']}"
    if fields["name"]:
        body += f"\n姓名：{fields['name']}"
    provider_id = f"o311-{uuid.uuid4().hex}"
    raw = json.dumps({k: v for k, v in form.items() if k != "api_key"}, ensure_ascii=False)[:20000]
    event = InboundEvent(channel="open311", provider_id=provider_id, address=f"open311:{uuid.uuid4().hex}",
                         body=body, to=key.name)
    replies = receive(event, raw)
    case_id = db.session.execute(select(Message.case_id).where(
        Message.channel == "open311", Message.provider_id == provider_id)).scalar_one_or_none()
    if case_id is None:  # stored, but not as a petition (a keyword, or processing failed)
        raise Open311Error(400, "the request was stored but could not be registered as a petition")
    db.session.add(ServiceRequest(case_id=case_id, api_key_id=key.id, service_code=fields["service_code"],
                                  lat=fields["lat"], long=fields["long"], address_string=fields["address"],
                                  media_url=fields["media_url"]))
    db.session.commit()
    return db.session.get(Case, case_id), (replies[0] if replies else "")


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _filtered(query, args):
    codes = _csv(args.get("service_code"))
    if codes:
        query = query.where(ServiceRequest.service_code.in_(codes[:100]))
    statuses = set(_csv(args.get("status")))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed")
    if statuses == {"open"}:
        query = query.where(Case.state.not_in(CLOSED))
    elif statuses == {"closed"}:
        query = query.where(Case.state.in_(CLOSED))
    start, end = _date(args, "start_date"), _date(args, "end_date")
    end = end or (start + MAX_SPAN if start else utcnow())
    start = start or end - MAX_SPAN
    if end < start or end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    return query.where(Case.received_at >= start, Case.received_at <= end)


def _date(args, field: str) -> datetime | None:
    raw = args.get(field)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip().replace(" ", "+"))  # '+' arrives as a space
    except ValueError:
        raise Open311Error(400, f"{field} must be a W3C datetime, e.g. 2026-01-01T00:00:00Z") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def _view(row: ServiceRequest, key: ApiKey | None) -> dict:
    case, own = row.case, key is not None and key.id == row.api_key_id
    taxonomy = current_app.extensions["taxonomy"]
    closed = case.state in CLOSED
    unit = taxonomy.department_name(case.department, case.township) if case.accepted_at else ""
    return {"service_request_id": case.number, "status": "closed" if closed else "open",
            "status_notes": Replies(current_app.extensions["templates"]).state_name(case.state),
            "service_name": taxonomy.issue_type_name(row.service_code), "service_code": row.service_code,
            "description": case.text if own else None,
            "agency_responsible": unit or taxonomy.department_name("petition_bureau"),
            "service_notice": None, "requested_datetime": w3c(case.received_at),
            "updated_datetime": w3c(case.closed_at if closed else case.updated_at),
            "expected_datetime": None if closed else w3c(case.due_at),
            "address": row.address_string if own else None, "address_id": None, "zipcode": None,
            "lat": row.lat if own else None, "long": row.long if own else None,
            "media_url": row.media_url if own else None}
