"""Registry screens: the service list, the service card, information, bylaws, status."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.agencies.models import Agency, AgencyKind
from portal.db import db, get_or_404
from portal.errors import ConflictError, DomainError, show_on_form
from portal.htmx import render_page
from portal.i18n import current_locale, localized
from portal.pagination import paginate
from portal.registry import bp, queries, services
from portal.registry.annex_models import Annex1Row, Annex1Submission, InfoRequest
from portal.registry.forms import AmendmentForm, BylawForm, ServiceForm, StatusForm
from portal.registry.models import Bylaw, Service, ServiceStatus, ServiceStatusChange
from portal.registry.people import is_current
from portal.security import ALL_ROLES, Role, require_agency, roles_required
from portal.timeutil import local_today

EDITORS = (Role.ADMIN, Role.UCC_MANAGER, Role.AGENCY_RESPONSIBLE)
PROVIDER_KINDS = (AgencyKind.CENTRAL, AgencyKind.LOCAL_REGION, AgencyKind.LOCAL_CITY,
                  AgencyKind.LOCAL_CAPITAL, AgencyKind.PROVIDER, AgencyKind.ICI_OPERATOR)


#: Labels of fields named in conflict messages and history.
FIELD_LABELS = {
    "code": _l("Registry code"), "name_kk": _l("Name in Kazakh"),
    "name_ru": _l("Name in Russian"), "term_days": _l("Service term, days"),
    "term_kind": _l("Days are counted as"),
    "internet_resource": _l("Internet resource with the description"),
    "internet_resource_note": _l("Note on the internet resource"),
    "change_notes": _l("Notes on changes to the acts"), "status": _l("Status"),
    "consultation_start": _l("Consultation start"),
    "executor_name": _l("Responsible executor (full name)"),
    "responsible_person_id": _l("Responsible person"), "provider_name": _l("Provider: full name"),
    "provider_position": _l("Provider: position"), "provider_phone": _l("Provider: phone"),
    "provider_email": _l("Provider: e-mail"), "services": _l("Services"),
}


def field_label(key: str) -> str:
    """Label of a changed field; row fields come as "<code>: <field>"."""
    code, _sep, name = key.rpartition(": ")
    label = str(FIELD_LABELS.get(name, name))
    return f"{code}: {label}" if code else label


@bp.app_template_global("registry_field_label")
def _field_label_global(key: str) -> str:
    return field_label(key)


def agency_choices(kinds: tuple[AgencyKind, ...] = PROVIDER_KINDS) -> list[tuple[int, str]]:
    """Agencies for drop-downs, named in the user's language."""
    rows = db.session.scalars(select(Agency).where(Agency.kind.in_(kinds))
                              .order_by(Agency.name_ru)).all()
    return [(a.id, localized(a, "short") or localized(a, "name")) for a in rows]


@bp.route("/services")
@roles_required(*ALL_ROLES)
def index():
    """The registry: filters, typo-tolerant search, sorting, htmx pagination."""
    query = queries.ServiceQuery.from_args(request.args, current_locale())
    page = paginate(db.session, queries.service_list(db.session, query),
                    request.args.get("page", 1, type=int), per_page=25)
    return render_page("registry/index.html", "registry/_services.html", page=page, query=query,
                       agencies=agency_choices(), statuses=list(ServiceStatus),
                       overdue_available=queries.has_overdue_filter(), args=request.args)


@bp.route("/services/<int:service_id>")
@roles_required(*ALL_ROLES)
def service(service_id: int):
    """Everything about one service: information, bylaws, people, forms, history."""
    svc: Service = get_or_404(Service, service_id)
    today = local_today()
    people = sorted(svc.responsibles, key=lambda p: p.appointed_on, reverse=True)
    own = current_user.role not in (Role.AGENCY_RESPONSIBLE, Role.ICI_OPERATOR) or \
        current_user.agency_id == svc.agency_id
    forms = []
    requests_ = []
    if own:
        forms = [s for s in db.session.scalars(
            select(Annex1Submission).join(Annex1Row).where(Annex1Row.service_id == svc.id)
            .order_by(Annex1Submission.id.desc())) if queries.can_see_submission(current_user, s)]
        requests_ = db.session.scalars(select(InfoRequest).where(
            InfoRequest.service_id == svc.id).order_by(InfoRequest.sent_at.desc())).all()
    statuses = db.session.scalars(select(ServiceStatusChange).where(
        ServiceStatusChange.service_id == svc.id).order_by(ServiceStatusChange.at.desc())).all()
    return render_template(
        "registry/service.html", service=svc, today=today,
        current_people=[p for p in people if is_current(p, today)],
        past_people=[p for p in people if not is_current(p, today)],
        contacts=queries.can_see_contacts(current_user, svc.agency_id),
        can_edit=queries.can_edit_service(current_user, svc), forms=forms, requests=requests_,
        statuses=statuses, history=queries.service_history(db.session, svc) if own else [])


def _service_data(form: ServiceForm, with_code: bool) -> dict[str, Any]:
    fields = [f for f in services.INFO_FIELDS] + (["code"] if with_code else [])
    return {f: getattr(form, f).data for f in fields}


@bp.route("/services/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def service_new():
    """Add a service (UCC managers for any agency, a responsible person for their own)."""
    form = ServiceForm()
    form.set_choices(agency_choices())
    agency_bound = current_user.role is Role.AGENCY_RESPONSIBLE
    if agency_bound:
        form.agency_id.data = current_user.agency_id
    if form.validate_on_submit():
        require_agency(current_user, form.agency_id.data)
        try:
            svc = services.create_service(db.session, current_user, form.agency_id.data,
                                          _service_data(form, with_code=True))
        except DomainError as err:
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Service %(code)s added to the registry.", code=svc.code), "success")
            return redirect(url_for("registry.service", service_id=svc.id))
    return render_template("registry/service_form.html", form=form, service=None,
                           agency_bound=agency_bound, conflict=None)


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def service_edit(service_id: int):
    """Edit service information; a second save of the same version gets a conflict."""
    svc: Service = get_or_404(Service, service_id)
    require_agency(current_user, svc.agency_id)
    form = ServiceForm(obj=svc)
    form.set_choices(agency_choices())
    manager = current_user.role in (Role.ADMIN, Role.UCC_MANAGER)
    if request.method == "GET":
        form.version.data = svc.version
        form.term_kind.data = svc.term_kind.value
    conflict, status = None, 200
    if form.validate_on_submit():
        try:
            services.update_service(db.session, current_user, svc,
                                    _service_data(form, with_code=manager),
                                    int(form.version.data or 0))
        except ConflictError as err:
            db.session.rollback()
            conflict, status = err, 409
            form.version.data = db.session.get(Service, service_id).version
        except DomainError as err:
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Service information saved."), "success")
            return redirect(url_for("registry.service", service_id=svc.id))
    return render_template("registry/service_form.html", form=form, service=svc,
                           agency_bound=True, manager=manager, conflict=conflict,
                           ), status


@bp.route("/services/<int:service_id>/bylaws/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def bylaw_new(service_id: int):
    """Record a bylaw of the service; its approval date starts the cl. 20 term."""
    svc: Service = get_or_404(Service, service_id)
    require_agency(current_user, svc.agency_id)
    form = BylawForm()
    if form.validate_on_submit():
        try:
            services.add_bylaw(db.session, current_user, svc,
                               {f: getattr(form, f).data for f in services.BYLAW_FIELDS})
        except DomainError as err:
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Bylaw added."), "success")
            return redirect(url_for("registry.service", service_id=svc.id))
    return render_template("registry/bylaw_form.html", form=form, service=svc, bylaw=None)


@bp.route("/bylaws/<int:bylaw_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def bylaw_edit(bylaw_id: int):
    """Correct a bylaw's details."""
    bylaw: Bylaw = get_or_404(Bylaw, bylaw_id)
    require_agency(current_user, bylaw.service.agency_id)
    form = BylawForm(obj=bylaw)
    if form.validate_on_submit():
        try:
            services.update_bylaw(db.session, current_user, bylaw,
                                  {f: getattr(form, f).data for f in services.BYLAW_FIELDS})
        except DomainError as err:
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Bylaw saved."), "success")
            return redirect(url_for("registry.service", service_id=bylaw.service_id))
    return render_template("registry/bylaw_form.html", form=form, service=bylaw.service,
                           bylaw=bylaw)


@bp.route("/bylaws/<int:bylaw_id>/amendments/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def amendment_new(bylaw_id: int):
    """Record an amendment of a bylaw (cl. 26: update Annex 1 within 5 working days)."""
    bylaw: Bylaw = get_or_404(Bylaw, bylaw_id)
    require_agency(current_user, bylaw.service.agency_id)
    form = AmendmentForm()
    if form.validate_on_submit():
        data = {f: getattr(form, f).data for f in ("amended_on", "act_title", "act_number",
                                                   "registration_number", "note")}
        try:
            services.add_amendment(db.session, current_user, bylaw, data)
        except DomainError as err:
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Amendment recorded. Update the Annex 1 information within five working "
                    "days (Rules No. 83, cl. 26)."), "success")
            return redirect(url_for("registry.service", service_id=bylaw.service_id))
    return render_template("registry/amendment_form.html", form=form, bylaw=bylaw)


@bp.route("/services/<int:service_id>/status", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.UCC_MANAGER)
def service_status(service_id: int):
    """Suspend, withdraw or resume a service; other moves come from events only."""
    svc: Service = get_or_404(Service, service_id)
    form = StatusForm()
    actions = []
    if svc.status is ServiceStatus.SUSPENDED:
        actions.append(("resume", _("Resume")))
    if ServiceStatus.SUSPENDED in services.TRANSITIONS[svc.status]:
        actions.append(("suspended", ServiceStatus.SUSPENDED.label))
    if ServiceStatus.WITHDRAWN in services.TRANSITIONS[svc.status]:
        actions.append(("withdrawn", ServiceStatus.WITHDRAWN.label))
    form.action.choices = actions
    if not actions:
        abort(409)
    if form.validate_on_submit():
        try:
            if form.action.data == "resume":
                services.resume_service(db.session, current_user, svc, form.reason.data)
            else:
                services.change_status(db.session, current_user, svc,
                                       ServiceStatus(form.action.data), form.reason.data)
        except DomainError as err:
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Status changed."), "success")
            return redirect(url_for("registry.service", service_id=svc.id))
    return render_template("registry/status_form.html", form=form, service=svc)
