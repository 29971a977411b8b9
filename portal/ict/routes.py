"""ICT request screens: list, registration, the request card and its steps (cl. 35-37)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.agencies.models import Agency, AgencyKind
from portal.db import db, get_or_404, utcnow
from portal.errors import DomainError, show_on_form
from portal.htmx import render_page
from portal.i18n import localized
from portal.ict import bp, queries, regulation, services
from portal.ict.forms import (
    AnswerForm,
    CloseForm,
    CommentForm,
    EmptyForm,
    EscalateForm,
    RequestForm,
)
from portal.ict.models import IctAttachment, IctRequest, RequestStatus
from portal.ict.permissions import (
    REQUEST_CREATORS,
    REQUEST_VIEWERS,
    can_answer,
    can_close,
    can_comment,
    can_escalate,
    can_take,
    can_view,
    require,
)
from portal.obligations.engine import open_obligations_for
from portal.obligations.models import PARTY_LABELS
from portal.pagination import paginate
from portal.security import UCC_STAFF, Role, roles_required

BODY_KINDS = (AgencyKind.CENTRAL, AgencyKind.LOCAL_REGION, AgencyKind.LOCAL_CITY,
              AgencyKind.LOCAL_CAPITAL, AgencyKind.PROVIDER)
ANSWERERS = (*UCC_STAFF, Role.ICI_OPERATOR)
COMMENTERS = (*UCC_STAFF, Role.AGENCY_RESPONSIBLE, Role.ICI_OPERATOR)


def body_choices() -> list[tuple[int, str]]:
    """Bodies that may ask ICT questions, named in the user's language."""
    rows = db.session.scalars(select(Agency).where(Agency.kind.in_(BODY_KINDS),
                                                   Agency.is_active.is_(True))
                              .order_by(Agency.name_ru))
    return [(a.id, localized(a, "short") or localized(a, "name")) for a in rows]


def category_choices() -> list[tuple[int, str]]:
    """Active categories of the regulation with their targets."""
    out = []
    for c in regulation.list_categories(db.session, active_only=True):
        targets = _("reaction %(r)s h, resolution %(s)s h, %(basis)s",
                    r=regulation.hours_text(c.reaction_minutes),
                    s=regulation.hours_text(c.resolution_minutes), basis=c.time_basis.label)
        out.append((c.id, f"{localized(c, 'name')} ({targets})"))
    return out


def uploaded_files() -> list[tuple[str, str, bytes]]:
    """(filename, mime type, content) of the files sent with the form."""
    out = []
    for f in request.files.getlist("files"):
        if f and f.filename:
            out.append((f.filename, f.mimetype or "application/octet-stream", f.read()))
    return out


def _load(ict_request_id: int) -> IctRequest:
    req: IctRequest = get_or_404(IctRequest, ict_request_id)
    require(can_view(current_user, req))
    return req


@bp.route("/requests")
@roles_required(*REQUEST_VIEWERS)
def requests():
    """Requests the user may see, with filters; overdue ones marked (cl. 37)."""
    f = queries.RequestFilter.from_args(request.args)
    now = utcnow()
    page = paginate(db.session, queries.request_list(current_user, f, now),
                    request.args.get("page", 1, type=int), per_page=25)
    agencies = body_choices() if current_user.role is not Role.AGENCY_RESPONSIBLE else []
    return render_page("ict/requests.html", "ict/_requests.html", page=page, f=f, now=now,
                       statuses=list(RequestStatus), agencies=agencies,
                       categories=regulation.list_categories(db.session),
                       can_create=current_user.role in REQUEST_CREATORS)


@bp.route("/requests/new", methods=["GET", "POST"])
@roles_required(*REQUEST_CREATORS)
def new_request():
    """Register a request: the operator for any body, a body's user for its own."""
    form = RequestForm()
    own = current_user.role is Role.AGENCY_RESPONSIBLE
    if own:  # a body asks for itself, through the portal
        del form.agency_id
        del form.channel
    else:
        form.agency_id.choices = body_choices()
    form.category_id.choices = category_choices()
    if request.method == "GET" and own:
        form.requester_name.data = current_user.full_name
        form.requester_email.data = current_user.email
        form.requester_phone.data = current_user.phone
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k in services.REQUEST_FIELDS}
        try:
            req = services.register_request(db.session, current_user, data, uploaded_files())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Request %(number)s is registered.", number=req.number), "success")
            return redirect(url_for("ict.request_card", ict_request_id=req.id), code=303)
    return render_page("ict/request_new.html", "ict/_request_form.html", form=form, own=own)


@bp.route("/requests/<int:ict_request_id>")
@roles_required(*REQUEST_VIEWERS)
def request_card(ict_request_id: int):
    """One request: the question, the answer, deadlines and every step of its history."""
    req = _load(ict_request_id)
    user = current_user
    return render_page(
        "ict/request.html", "ict/_request.html", req=req, now=utcnow(),
        obligations=open_obligations_for(db.session, services.SUBJECT, req.id),
        party_labels=PARTY_LABELS,
        can_take=can_take(user, req), can_escalate=can_escalate(user, req),
        can_answer=can_answer(user, req), can_close=can_close(user, req),
        can_comment=can_comment(user, req), escalate_form=EscalateForm(),
        answer_form=AnswerForm(), close_form=CloseForm(), comment_form=CommentForm(),
        take_form=EmptyForm())


def _act(ict_request_id: int, form: Any, action: Callable[[IctRequest], str]) -> Response:
    """Run one step on a request, commit, and come back to its card."""
    req = _load(ict_request_id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("ict.request_card", ict_request_id=req.id), code=303)
    try:
        done = action(req)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("ict.request_card", ict_request_id=req.id), code=303)


@bp.route("/requests/<int:ict_request_id>/take", methods=["POST"])
@roles_required(*UCC_STAFF)
def take(ict_request_id: int):
    """Take a new request into work."""
    def action(req: IctRequest) -> str:
        services.take_request(db.session, current_user, req)
        return _("The request is taken into work.")
    return _act(ict_request_id, EmptyForm(), action)


@bp.route("/requests/<int:ict_request_id>/escalate", methods=["POST"])
@roles_required(*UCC_STAFF)
def escalate(ict_request_id: int):
    """Send the request to the ICI operator (cl. 36)."""
    form = EscalateForm()

    def action(req: IctRequest) -> str:
        services.escalate_request(db.session, current_user, req, form.note.data or "")
        return _("The request is sent to the ICI operator.")
    return _act(ict_request_id, form, action)


@bp.route("/requests/<int:ict_request_id>/answer", methods=["POST"])
@roles_required(*ANSWERERS)
def answer(ict_request_id: int):
    """Answer the body."""
    form = AnswerForm()

    def action(req: IctRequest) -> str:
        services.answer_request(db.session, current_user, req, form.text.data or "",
                                uploaded_files())
        return _("The answer is saved; the body sees it.")
    return _act(ict_request_id, form, action)


@bp.route("/requests/<int:ict_request_id>/close", methods=["POST"])
@roles_required(*ANSWERERS)
def close(ict_request_id: int):
    """Close an answered request."""
    form = CloseForm()

    def action(req: IctRequest) -> str:
        services.close_request(db.session, current_user, req, form.text.data or "")
        return _("The request is closed.")
    return _act(ict_request_id, form, action)


@bp.route("/requests/<int:ict_request_id>/comment", methods=["POST"])
@roles_required(*COMMENTERS)
def comment(ict_request_id: int):
    """Add a comment or files to an open request."""
    form = CommentForm()

    def action(req: IctRequest) -> str:
        services.comment_request(db.session, current_user, req, form.text.data or "",
                                 uploaded_files())
        return _("Added to the request.")
    return _act(ict_request_id, form, action)


@bp.route("/requests/<int:ict_request_id>/files/<int:ict_file_id>")
@roles_required(*REQUEST_VIEWERS)
def request_file(ict_request_id: int, ict_file_id: int):
    """Download a file of a request the user may see."""
    req = _load(ict_request_id)
    att = db.session.get(IctAttachment, ict_file_id)
    if att is None or att.request_id != req.id:
        abort(404)
    response = make_response(att.content)
    response.headers["Content-Type"] = att.mime_type
    response.headers["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(att.filename, safe='')}")
    return response
