"""Requests for information (cl. 24-25): the UCC asks, the agency answers or refuses."""

from __future__ import annotations

from urllib.parse import quote

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.agencies.models import Agency
from portal.db import db, get_or_404
from portal.errors import DomainError, show_on_form
from portal.htmx import render_page
from portal.pagination import paginate
from portal.registry import bp
from portal.registry import requests as reqs
from portal.registry.annex_models import InfoAttachment, InfoRequest, InfoRequestStatus
from portal.registry.forms import AnswerForm, InfoRequestForm, RefuseForm
from portal.registry.people_routes import service_choices
from portal.registry.routes import agency_choices
from portal.security import AGENCY_BOUND_ROLES, UCC_STAFF, Role, require_agency, roles_required
from portal.timeutil import local_today

READERS = (*UCC_STAFF, Role.QC_STAFF, Role.AGENCY_RESPONSIBLE)


def _load(request_id: int) -> InfoRequest:
    req: InfoRequest = get_or_404(InfoRequest, request_id)
    if current_user.role in AGENCY_BOUND_ROLES:
        require_agency(current_user, req.agency_id)
    return req


@bp.route("/requests")
@roles_required(*READERS)
def requests_index():
    """Requests for information: the agency's own, or all for the UCC and the QC authority."""
    stmt = select(InfoRequest)
    if current_user.role in AGENCY_BOUND_ROLES:
        stmt = stmt.where(InfoRequest.agency_id == current_user.agency_id)
    elif agency_id := request.args.get("agency_id", type=int):
        stmt = stmt.where(InfoRequest.agency_id == agency_id)
    status = request.args.get("status", "")
    if status in set(InfoRequestStatus):
        stmt = stmt.where(InfoRequest.status == InfoRequestStatus(status))
    stmt = stmt.order_by(InfoRequest.sent_at.desc())
    page = paginate(db.session, stmt, request.args.get("page", 1, type=int), per_page=25)
    return render_page("registry/requests.html", "registry/_requests.html", page=page,
                       status=status, statuses=list(InfoRequestStatus), args=request.args,
                       today=local_today(), can_send=current_user.role in UCC_STAFF)


@bp.route("/requests/new", methods=["GET", "POST"])
@roles_required(*UCC_STAFF)
def request_new():
    """Send an agency a request for information or clarification (cl. 24)."""
    form = InfoRequestForm()
    form.agency_id.choices = [("", "—")] + [(str(i), n) for i, n in agency_choices()]
    agency_id = request.values.get("agency_id", type=int)
    services = service_choices(agency_id) if agency_id else []
    form.service_id.choices = [("", "—")] + [(str(i), n) for i, n in services]
    if request.method == "GET":
        form.agency_id.data = agency_id
        form.service_id.data = request.args.get("service_id", type=int)
    if form.validate_on_submit() and request.form.get("action") != "refresh":
        data = {f: getattr(form, f).data for f in ("service_id", "subject", "body", "due_on")}
        try:
            req = reqs.send_request(db.session, current_user, form.agency_id.data, data)
        except DomainError as err:
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Request sent to the agency."), "success")
            return redirect(url_for("registry.request_view", request_id=req.id))
    return render_template("registry/request_form.html", form=form)


@bp.route("/requests/<int:request_id>")
@roles_required(*READERS)
def request_view(request_id: int):
    """The request with the answer or refusal, and the forms to give them."""
    req = _load(request_id)
    can_respond = (current_user.role is Role.AGENCY_RESPONSIBLE
                   and req.status is InfoRequestStatus.OPEN)
    return render_template("registry/request.html", req=req, can_respond=can_respond,
                           answer_form=AnswerForm(), refuse_form=RefuseForm(),
                           today=local_today())


@bp.route("/requests/<int:request_id>/answer", methods=["POST"])
@roles_required(Role.AGENCY_RESPONSIBLE)
def request_answer(request_id: int):
    """The agency's answer with documents (cl. 25)."""
    req = _load(request_id)
    form = AnswerForm()
    if form.validate_on_submit():
        uploads = [reqs.Upload(f.filename or "", f.read())
                   for f in request.files.getlist(form.files.name) if f and f.filename]
        try:
            reqs.answer_request(db.session, current_user, req, form.answer.data or "", uploads)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("Answer sent to the Unified Contact Center."), "success")
    return redirect(url_for("registry.request_view", request_id=request_id))


@bp.route("/requests/<int:request_id>/refuse", methods=["POST"])
@roles_required(Role.AGENCY_RESPONSIBLE)
def request_refuse(request_id: int):
    """Record a refusal and its reason (repeated refusals are reported, cl. 28)."""
    req = _load(request_id)
    form = RefuseForm()
    if form.validate_on_submit():
        try:
            reqs.refuse_request(db.session, current_user, req, form.reason.data)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("Refusal recorded."), "success")
    else:
        flash(_("Give the reason for the refusal."), "error")
    return redirect(url_for("registry.request_view", request_id=request_id))


@bp.route("/requests/<int:request_id>/files/<int:file_id>")
@roles_required(*READERS)
def request_file(request_id: int, file_id: int):
    """Download an attachment (same access as the request)."""
    req = _load(request_id)
    att: InfoAttachment = get_or_404(InfoAttachment, file_id)
    if att.request_id != req.id:
        abort(404)
    response = make_response(att.data)
    response.headers["Content-Type"] = att.content_type
    response.headers["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(att.filename)}")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/refusals")
@roles_required(Role.ADMIN, Role.UCC_MANAGER, Role.QC_STAFF)
def refusals():
    """Refusals per agency with their dates (cl. 28 counts repeated refusals in a month)."""
    counts = reqs.refusal_counts(db.session)
    agencies = {a.id: a for a in db.session.scalars(
        select(Agency).where(Agency.id.in_([c[0] for c in counts])))}
    agency_id = request.args.get("agency_id", type=int)
    detail = reqs.refusals(db.session, agency_id) if agency_id else []
    return render_template("registry/refusals.html", counts=counts, agencies=agencies,
                           agency_id=agency_id, detail=detail)
