"""登记 of letters, visits and calls by staff, and the case's scanned attachments.

The form posts multipart data: its size limit is raised for this one endpoint (each file is
checked again, by content, in cases.attachments)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from cases import attachments, identity
from cases.attachments import AttachmentError
from cases.outbox import dispatch
from cases.registration import FORMS, Registration, normalize_phone, register
from console import access
from console.auth import role_required
from console.blueprint import bp
from console.views import _error
from console.forms import _choices, _options
from models import Attachment
from models.db import db


class RegisterForm(FlaskForm):
    form = SelectField("信访形式", choices=_options(list(FORMS.items())), validators=[DataRequired()])
    name = StringField("姓名", validators=[Optional(), Length(max=64)])
    phone = StringField("联系电话", validators=[Optional(), Length(max=32)])
    id_number = StringField("身份证号", validators=[Optional(), Length(max=24)])
    address = StringField("住址", validators=[Optional(), Length(max=200)])
    township = SelectField("乡镇", validators=[Optional()])
    village = StringField("村（社区）", validators=[Optional(), Length(max=64)])
    headcount = IntegerField("人数", default=1, validators=[Optional(), NumberRange(min=1, max=10000)])
    content = TextAreaField("信访内容", validators=[DataRequired(), Length(max=5000)])
    files = MultipleFileField("附件（扫描件：图片或PDF）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township.choices = _choices("townships", "(未填)")

    def validate_phone(self, field) -> None:
        try:
            normalize_phone(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def validate_id_number(self, field) -> None:
        try:
            if (field.data or "").strip():
                identity.normalize(field.data)
        except identity.IdNumberError as exc:
            raise ValidationError(str(exc)) from exc


@bp.before_app_request
def _upload_limit() -> None:
    """Room for the attachments on the registration form only; elsewhere the app's limit."""
    if request.endpoint == "console.register_submit":
        config = current_app.config
        request.max_content_length = config["ATTACHMENT_MAX_BYTES"] * config["ATTACHMENT_MAX_FILES"] + 256 * 1024


@bp.errorhandler(413)
def _too_large(exc):
    if request.endpoint != "console.register_submit":
        return _error(exc)  # the console's own page: only this form takes attachments
    limit = current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024)
    return render_template("console/error.html", code=413, title="文件太大",
                           message=f"每个附件不超过{limit}MB，最多{current_app.config['ATTACHMENT_MAX_FILES']}个。"), 413


@bp.get("/register")
@role_required("admin", "officer")
def register_form():
    return render_template("console/register.html", form=RegisterForm(formdata=None))


@bp.post("/register")
@role_required("admin", "officer")
def register_submit():
    form = RegisterForm()
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    if not form.validate_on_submit():
        return render_template("console/register.html", form=form), 400
    if len(uploads) > current_app.config["ATTACHMENT_MAX_FILES"]:
        flash(f"附件最多{current_app.config['ATTACHMENT_MAX_FILES']}个。", "error")
        return render_template("console/register.html", form=form), 400
    entry = Registration(**{name: (form[name].data or "").strip() for name in
                            ("form", "content", "name", "phone", "id_number", "address", "township", "village")},
                         headcount=form.headcount.data or 1)
    files = []
    for upload in uploads:  # every file checked before anything is written
        data = upload.stream.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1)
        try:
            attachments.check(data)
        except AttachmentError as exc:
            flash(f"附件“{upload.filename}”未接收：{exc}。信访件未登记，请更正后重新提交。", "error")
            return render_template("console/register.html", form=form), 400
        files.append((upload.filename, data))
    case, outbound = register(entry, current_user.actor, user_id=current_user.id)
    for filename, data in files:
        attachments.store(case, filename, data, current_user.actor)
    db.session.commit()
    dispatch(outbound)
    flash(f"已登记，编号 {case.number}。", "ok")
    return redirect(url_for("console.case_page", case_id=case.id))


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """A case's attachment, to whoever may see the case (404 otherwise), never inline HTML."""
    row = db.session.get(Attachment, attachment_id) or abort(404)
    access.case_or_404(row.case_id, current_user)
    path = attachments.path_of(row)
    if not path.is_file():
        abort(404)
    # Images open in the browser; a PDF is downloaded (its viewer would run the file's scripts).
    return send_file(path, mimetype=row.content_type, as_attachment=row.content_type == "application/pdf",
                     download_name=row.original_name)


@bp.context_processor
def _attachment_helpers() -> dict:
    def attachments_of(case) -> list[Attachment]:
        return list(db.session.execute(select(Attachment).where(Attachment.case_id == case.id)
                                       .order_by(Attachment.id)).scalars())
    return {"attachments_of": attachments_of}
