"""The case's written documents and its 一案一册 in the console: listed on the case page,
served to whoever may see the case (404 outside the scope, as the case page), each download
written to the audit log. The typesetting is cases.documents and cases.dossier; this only serves."""
from __future__ import annotations

import io

from flask import abort, request, send_file
from flask_login import current_user

from cases import documents
from cases.dossier import Viewer, dossier_pdf
from console import access
from console.auth import audit
from console.blueprint import bp
from console.helpers import EVENT_NAMES
from models import Case, CaseDocument
from models.db import db


@bp.get("/cases/<int:case_id>/documents/<int:document_id>.pdf")
def case_document(case_id: int, document_id: int):
    """The document as sent (it carries the petitioner's name: not for a reader who sees
    this case masked). Opens in the browser to print; ?download=1 saves it."""
    case = access.case_or_404(case_id, current_user)
    row = db.session.get(CaseDocument, document_id)
    if row is None or row.case_id != case.id:
        abort(404)
    if access.masks_petitioner(current_user, case):
        abort(403)
    try:
        data = documents.pdf_bytes(row)
    except RuntimeError:
        db.session.commit()  # the failed attempt is recorded; the daily run tries again
        abort(503)
    audit("document_download", current_user.username, current_user.id, case=case.number, document=row.number)
    db.session.commit()
    return _pdf(data, f"{row.fields['title']}-{case.number}.pdf")


@bp.get("/cases/<int:case_id>/dossier.pdf")
def case_dossier(case_id: int):
    """一案一册, built now from the record, masked as this reader sees the case."""
    case = access.case_or_404(case_id, current_user)
    data = dossier_pdf(case, viewer_for(case))
    audit("dossier_download", current_user.username, current_user.id, case=case.number)
    db.session.commit()
    return _pdf(data, f"一案一册-{case.number}.pdf")


def viewer_for(case: Case) -> Viewer:
    name = access.citizen_name(current_user, case) or (case.petitioner.name if case.petitioner and not
                                                        access.masks_petitioner(current_user, case) else "")
    address = case.contact.address if case.contact else case.citizen_phone
    return Viewer(current_user.username, name, access.phone(current_user, address),
                  lambda value: access.redact(current_user, case, value), EVENT_NAMES)


# Chrome's PDF viewer is an <embed> in a page with inline styles: object-src 'none' (or a
# default-src) on the PDF itself blocks it (crbug.com/271452). Our PDFs are typeset here
# from escaped text, with no scripts or actions, so only framing is forbidden.
PDF_CSP = "frame-ancestors 'none'"


def _pdf(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype="application/pdf", download_name=name,
                         as_attachment=request.args.get("download") == "1")
    response.headers["Content-Security-Policy"] = PDF_CSP
    return response


@bp.context_processor
def _document_helpers() -> dict:
    return {"documents_of": documents.documents_of}
