"""Responsible persons: list with history, appointment, replacement (cl. 27), logins."""

from __future__ import annotations

from datetime import date
from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.agencies.models import Agency
from portal.auth.models import User
from portal.calendar.services import load_calendar
from portal.db import db, get_or_404
from portal.errors import DomainError, show_on_form
from portal.htmx import render_page
from portal.i18n import current_locale
from portal.pagination import paginate
from portal.registry import bp, people
from portal.registry.forms import PersonForm, ReplaceForm
from portal.registry.models import ResponsiblePerson, ResponsibleReplacement, Service
from portal.registry.routes import agency_choices
from portal.security import AGENCY_BOUND_ROLES, Role, require_agency, roles_required
from portal.timeutil import local_today

VIEWERS = (Role.ADMIN, Role.UCC_MANAGER, Role.UCC_OPERATOR, Role.AGENCY_RESPONSIBLE)
MANAGERS = (Role.ADMIN, Role.UCC_MANAGER, Role.AGENCY_RESPONSIBLE)


def _parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _require_sees(agency_id: int) -> None:
    """Agency-bound users only see their own agency's people and contacts."""
    if current_user.role in AGENCY_BOUND_ROLES:
        require_agency(current_user, agency_id)


@bp.route("/people")
@roles_required(*VIEWERS)
def people_index():
    """Responsible persons, current or on a given date (who was responsible then)."""
    args = request.args
    agency_id = args.get("agency_id", type=int)
    if current_user.role in AGENCY_BOUND_ROLES:
        agency_id = current_user.agency_id
    on = _parse_day(args.get("on")) or local_today()
    show_all = args.get("all") == "1"
    stmt = select(ResponsiblePerson).options(selectinload(ResponsiblePerson.services),
                                             selectinload(ResponsiblePerson.agency))
    if agency_id:
        stmt = stmt.where(ResponsiblePerson.agency_id == agency_id)
    if not show_all:
        stmt = stmt.where(ResponsiblePerson.appointed_on <= on,
                          or_(ResponsiblePerson.valid_until.is_(None),
                              ResponsiblePerson.valid_until >= on))
    if q := args.get("q", "").strip():
        stmt = stmt.where(ResponsiblePerson.full_name.ilike(f"%{q[:100]}%"))
    stmt = stmt.order_by(ResponsiblePerson.full_name, ResponsiblePerson.appointed_on.desc())
    page = paginate(db.session, stmt, args.get("page", 1, type=int), per_page=30)
    return render_page("registry/people.html", "registry/_people.html", page=page, on=on,
                       show_all=show_all, agency_id=agency_id, q=q, args=args,
                       agencies=agency_choices(), agency_bound=current_user.role in
                       AGENCY_BOUND_ROLES, today=local_today())


@bp.route("/people/<int:person_id>")
@roles_required(*VIEWERS)
def person(person_id: int):
    """One person: details, services, replacements, login."""
    p: ResponsiblePerson = get_or_404(ResponsiblePerson, person_id)
    _require_sees(p.agency_id)
    replacements = db.session.scalars(select(ResponsibleReplacement).where(or_(
        ResponsibleReplacement.old_person_id == p.id,
        ResponsibleReplacement.new_person_id == p.id))).all()
    login = db.session.get(User, p.user_id) if p.user_id else None
    return render_template("registry/person.html", person=p, replacements=replacements,
                           login=login, today=local_today(),
                           can_manage=current_user.role in MANAGERS,
                           deadline=partial(people.notice_deadline,
                                            calendar=load_calendar(db.session)))


def service_choices(agency_id: int) -> list[tuple[int, str]]:
    """The agency's services for check-boxes and drop-downs: "code — name"."""
    name = Service.name_ru if current_locale() == "ru" else Service.name_kk
    rows = db.session.execute(select(Service.id, Service.code, name).where(
        Service.agency_id == agency_id).order_by(Service.code)).all()
    return [(i, f"{c} — {n}") for i, c, n in rows]


def _person_data(form: PersonForm) -> dict:
    return {f: getattr(form, f).data for f in people.PERSON_FIELDS}


@bp.route("/agencies/<int:agency_id>/people/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def person_new(agency_id: int):
    """Appoint a responsible person of the agency (Rules No. 83 cl. 20)."""
    agency: Agency = get_or_404(Agency, agency_id)
    require_agency(current_user, agency.id)
    form = PersonForm()
    form.service_ids.choices = service_choices(agency.id)
    if request.method == "GET":
        form.appointed_on.data = local_today()
    if form.validate_on_submit():
        try:
            p = people.create_person(db.session, current_user, agency.id, _person_data(form),
                                     form.service_ids.data or [])
        except DomainError as err:
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Responsible person %(name)s appointed.", name=p.full_name), "success")
            return redirect(url_for("registry.person", person_id=p.id))
    return render_template("registry/person_form.html", form=form, agency=agency, person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def person_edit(person_id: int):
    """Correct a person's details or the services they cover."""
    p: ResponsiblePerson = get_or_404(ResponsiblePerson, person_id)
    require_agency(current_user, p.agency_id)
    form = PersonForm(obj=p)
    form.service_ids.choices = service_choices(p.agency_id)
    if request.method == "GET":
        form.service_ids.data = [s.id for s in p.services]
    if form.validate_on_submit():
        try:
            people.update_person(db.session, current_user, p, _person_data(form),
                                 form.service_ids.data or [])
        except DomainError as err:
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("registry.person", person_id=p.id))
    return render_template("registry/person_form.html", form=form, agency=p.agency, person=p)


@bp.route("/people/<int:person_id>/replace", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def person_replace(person_id: int):
    """Record the agency's replacement notice and the new person (cl. 27)."""
    old: ResponsiblePerson = get_or_404(ResponsiblePerson, person_id)
    require_agency(current_user, old.agency_id)
    form = ReplaceForm()
    if request.method == "GET":
        form.replaced_on.data = form.notified_on.data = local_today()
    if form.validate_on_submit():
        data = {f: getattr(form, f).data for f in ("full_name", "position_kk", "position_ru",
                                                   "phone", "email")}
        try:
            repl = people.replace_person(db.session, current_user, old, data,
                                         replaced_on=form.replaced_on.data,
                                         notified_on=form.notified_on.data,
                                         notice=form.notice.data)
        except DomainError as err:
            show_on_form(form, err)
        else:
            db.session.commit()
            due = people.notice_deadline(repl.replaced_on, load_calendar(db.session))
            if repl.notified_on > due:
                flash(_("The notice came after the five working days of Rules No. 83, "
                        "cl. 27."), "warning")
            flash(_("Replacement recorded."), "success")
            return redirect(url_for("registry.person", person_id=repl.new_person_id))
    return render_template("registry/replace_form.html", form=form, person=old)


@bp.route("/people/<int:person_id>/login", methods=["POST"])
@roles_required(*MANAGERS)
def person_login(person_id: int):
    """One click: a portal login for the person, bound to their agency."""
    p: ResponsiblePerson = get_or_404(ResponsiblePerson, person_id)
    require_agency(current_user, p.agency_id)
    try:
        user, password = people.create_login(db.session, current_user, p, current_locale())
    except DomainError as err:
        flash(err.message, "error")
        return redirect(url_for("registry.person", person_id=p.id))
    db.session.commit()
    # Shown once, in this response only: never stored in the session or a flash cookie.
    response = render_template("registry/login_created.html", person=p, user=user,
                               password=password)
    return response, 200, {"Cache-Control": "no-store"}
