"""Onboarding pages: training, acceptance protocol, signatures (Rules No. 83, cl. 21-23)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from portal.db import db, get_or_404
from portal.errors import DomainError, committing
from portal.htmx import render_page
from portal.obligations.engine import open_obligations_for
from portal.onboarding import VIEW_ROLES, bp, protocols, training
from portal.onboarding.forms import HeldForm, ProtocolForm, SignForm, TrainingForm
from portal.onboarding.models import AcceptanceProtocol, SignatureSide, Training
from portal.pagination import paginate
from portal.registry.models import Service, ServiceStatus
from portal.security import AGENCY_BOUND_ROLES, Role, roles_required
from portal.timeutil import local_today

TRAINING_EDITORS = (Role.ADMIN, Role.UCC_MANAGER, Role.UCC_OPERATOR)
MANAGERS = (Role.ADMIN, Role.UCC_MANAGER)
SIGNERS = (Role.UCC_MANAGER, Role.AGENCY_RESPONSIBLE)
S = ServiceStatus
ONBOARDING_STATUSES = (S.INFO_SUBMITTED, S.TRAINING_SCHEDULED, S.TRAINED, S.PROTOCOL_SIGNED)


def _require_view(agency_id: int) -> None:
    """Agency users see only their own agency's services (Rules No. 83, cl. 19)."""
    if current_user.role in AGENCY_BOUND_ROLES and current_user.agency_id != agency_id:
        abort(403)


def _service(service_id: int) -> Service:
    service = get_or_404(Service, service_id)
    _require_view(service.agency_id)
    return service


def _protocol(protocol_id: int) -> AcceptanceProtocol:
    protocol = get_or_404(AcceptanceProtocol, protocol_id)
    _require_view(protocol.service.agency_id)
    return protocol


def _form_errors(form: FlaskForm) -> None:
    for name, errors in form.errors.items():
        label = getattr(getattr(form, name, None), "label", None)
        for err in errors:
            flash(f"{label.text}: {err}" if label and label.text else str(err), "error")


def _back(service_id: int) -> Any:
    return redirect(url_for("onboarding.service", service_id=service_id), code=303)


@bp.route("/")
@roles_required(*VIEW_ROLES)
def index():
    """Services being onboarded (or all), with their training and protocol."""
    show_all = request.args.get("show") == "all"
    stmt = select(Service).order_by(Service.code)
    if not show_all:
        stmt = stmt.where(Service.status.in_(ONBOARDING_STATUSES))
    if current_user.role in AGENCY_BOUND_ROLES:
        stmt = stmt.where(Service.agency_id == current_user.agency_id)
    if q := request.args.get("q", "").strip():
        like = f"%{q.lower()}%"
        stmt = stmt.where(Service.code.like(like) | Service.name_kk.ilike(like)
                          | Service.name_ru.ilike(like))
    page = paginate(db.session, stmt, request.args.get("page", 1, type=int), per_page=50)
    ids = [s.id for s in page.items]
    latest: dict[int, AcceptanceProtocol] = {}
    for p in db.session.scalars(select(AcceptanceProtocol).where(
            AcceptanceProtocol.service_id.in_(ids)).order_by(AcceptanceProtocol.version)):
        latest[p.service_id] = p
    trainings: dict[int, Training] = {}
    for t in db.session.scalars(select(Training).where(Training.service_id.in_(ids))
                                .order_by(Training.scheduled_on, Training.id)):
        trainings[t.service_id] = t
    return render_page("onboarding/index.html", "onboarding/_services.html", page=page,
                       latest=latest, trainings=trainings, show_all=show_all,
                       q=request.args.get("q", ""))


@bp.route("/services/<int:service_id>")
@roles_required(*VIEW_ROLES)
def service(service_id: int):
    """One service's onboarding: deadlines, trainings, protocol versions."""
    svc = _service(service_id)
    return render_page(
        "onboarding/service.html", "onboarding/_service.html", service=svc,
        trainings=training.trainings_of(db.session, svc.id),
        protocols=protocols.protocols_of(db.session, svc.id),
        obligations=open_obligations_for(db.session, "service", svc.id),
        training_form=TrainingForm(formdata=None), held_form=HeldForm(formdata=None,
                                                                       held_on=local_today()),
        protocol_form=ProtocolForm(formdata=None, drawn_up_on=local_today()),
        can_edit_training=current_user.role in TRAINING_EDITORS,
        can_manage=current_user.role in MANAGERS)


@bp.route("/services/<int:service_id>/trainings", methods=["POST"])
@roles_required(*TRAINING_EDITORS)
def schedule_training(service_id: int):
    """Plan a training (cl. 21)."""
    svc = _service(service_id)
    form = TrainingForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return _back(svc.id)
    with committing(_("The training is scheduled.")):
        training.schedule_training(db.session, current_user, svc, form.data)
    return _back(svc.id)


@bp.route("/trainings/<int:training_id>", methods=["POST"])
@roles_required(*TRAINING_EDITORS)
def update_training(training_id: int):
    """Change a training's date, place, participants, questions or notes."""
    tr = get_or_404(Training, training_id)
    _require_view(tr.service.agency_id)
    form = TrainingForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return _back(tr.service_id)
    with committing(_("Saved.")):
        training.update_training(db.session, current_user, tr, form.data)
    return _back(tr.service_id)


@bp.route("/trainings/<int:training_id>/questions", methods=["POST"])
@roles_required(*TRAINING_EDITORS)
def send_questions(training_id: int):
    """E-mail the questions to the agency's responsible persons before the training."""
    tr = get_or_404(Training, training_id)
    _require_view(tr.service.agency_id)
    with committing() as unit:
        count = training.send_questions(db.session, current_user, tr)
        unit.success = _("Questions sent to %(count)s recipient(s).", count=count)
    return _back(tr.service_id)


@bp.route("/trainings/<int:training_id>/held", methods=["POST"])
@roles_required(*MANAGERS)
def mark_held(training_id: int):
    """Record that the training took place (fulfils cl. 21, opens cl. 22)."""
    tr = get_or_404(Training, training_id)
    form = HeldForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return _back(tr.service_id)
    with committing(_("The training is marked as held.")):
        training.mark_held(db.session, current_user, tr, form.held_on.data)
    return _back(tr.service_id)


@bp.route("/services/<int:service_id>/protocols", methods=["POST"])
@roles_required(*MANAGERS)
def create_protocol(service_id: int):
    """Draw up the acceptance protocol from the data (cl. 22)."""
    svc = _service(service_id)
    form = ProtocolForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return _back(svc.id)
    try:
        protocol = protocols.create_protocol(db.session, current_user, svc, form.data)
    except DomainError as err:
        flash(err.message, "error")
        return _back(svc.id)
    db.session.commit()
    return redirect(url_for("onboarding.protocol", protocol_id=protocol.id), code=303)


@bp.route("/protocols/<int:protocol_id>")
@roles_required(*VIEW_ROLES)
def protocol(protocol_id: int):
    """The protocol, its signatures and, for a signer, the sign form."""
    p = _protocol(protocol_id)
    side = protocols.signing_side(current_user, p)
    can_sign = side is not None and not p.frozen and p.signature(side) is None
    return render_page(
        "onboarding/protocol.html", "onboarding/_protocol.html", protocol=p, side=side,
        sides=list(SignatureSide), can_sign=can_sign,
        sign_form=SignForm(formdata=None, pdf_sha256=p.pdf_sha256),
        edit_form=ProtocolForm(formdata=None, obj=p),
        can_manage=current_user.role in MANAGERS)


def _pdf_response(data: bytes, filename: str) -> Any:
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.route("/protocols/<int:protocol_id>/document.pdf")
@roles_required(*VIEW_ROLES)
def protocol_pdf(protocol_id: int):
    """The exact PDF the signers sign (its SHA-256 is on the protocol page)."""
    p = _protocol(protocol_id)
    return _pdf_response(p.pdf, f"protocol-{p.number}.pdf")


@bp.route("/protocols/<int:protocol_id>/signed.pdf")
@roles_required(*VIEW_ROLES)
def signed_pdf(protocol_id: int):
    """The final PDF with both signature blocks (only once both have signed)."""
    p = _protocol(protocol_id)
    if not p.frozen or p.final_pdf is None:
        abort(404)
    return _pdf_response(p.final_pdf, f"protocol-{p.number}-signed.pdf")


@bp.route("/protocols/<int:protocol_id>", methods=["POST"])
@roles_required(*MANAGERS)
def update_protocol(protocol_id: int):
    """Edit an unsigned protocol (regenerates the PDF; changed text voids signatures)."""
    p = _protocol(protocol_id)
    form = ProtocolForm()
    if not form.validate_on_submit():
        _form_errors(form)
    else:
        try:
            changes = protocols.update_protocol(db.session, current_user, p, form.data)
        except DomainError as err:
            flash(err.message, "error")
        else:
            db.session.commit()
            if any(k.startswith("signature_") for k in changes):
                flash(_("The document changed: the signatures given so far were withdrawn "
                        "and both sides must sign the new version."), "warning")
            else:
                flash(_("Saved."), "success")
    return redirect(url_for("onboarding.protocol", protocol_id=p.id), code=303)


@bp.route("/protocols/<int:protocol_id>/sign", methods=["POST"])
@roles_required(*SIGNERS)
def sign(protocol_id: int):
    """Sign the document shown (the form carries its SHA-256)."""
    p = _protocol(protocol_id)
    form = SignForm()
    if not form.validate_on_submit():
        _form_errors(form)
    else:
        try:
            protocols.sign_protocol(db.session, current_user, p, form.pdf_sha256.data)
        except DomainError as err:
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("Signed. The consultation starts on %(date)s.",
                    date=format_date(p.consultation_start, "long")) if p.frozen else _("Signed."),
                  "success")
    return redirect(url_for("onboarding.protocol", protocol_id=p.id), code=303)


@bp.route("/protocols/<int:protocol_id>/new-version", methods=["POST"])
@roles_required(*MANAGERS)
def new_version(protocol_id: int):
    """Start a new version of a signed protocol (the signed one stays as it is)."""
    p = _protocol(protocol_id)
    try:
        new = protocols.new_version(db.session, current_user, p)
    except DomainError as err:
        flash(err.message, "error")
        return redirect(url_for("onboarding.protocol", protocol_id=p.id), code=303)
    db.session.commit()
    return redirect(url_for("onboarding.protocol", protocol_id=new.id), code=303)
