"""Agency list and editing."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.agencies import bp, services
from portal.agencies.forms import AgencyForm
from portal.agencies.models import Agency, AgencyKind
from portal.db import db, get_or_404
from portal.errors import DomainError
from portal.htmx import render_page
from portal.i18n import localized
from portal.pagination import paginate
from portal.security import Role, roles_required


@bp.route("/")
@roles_required(Role.ADMIN, Role.UCC_MANAGER)
def index():
    """All participants, filterable by kind and name."""
    q = request.args.get("q", "").strip()
    kind = request.args.get("kind", "")
    page = paginate(db.session, services.search_stmt(q, kind),
                    request.args.get("page", 1, type=int), per_page=30)
    return render_page("admin/agencies.html", "admin/_agencies_table.html", page=page, q=q,
                       kind=kind, kinds=list(AgencyKind))


def _form_for(agency: Agency | None) -> AgencyForm:
    form = AgencyForm(obj=agency)
    regions = [(r.code, localized(r, "name")) for r in services.regions(db.session)]
    parents = [(a.id, localized(a, "short") or localized(a, "name"))
               for a in db.session.scalars(select(Agency).order_by(Agency.name_ru))
               if agency is None or a.id != agency.id]
    form.set_choices(regions, parents)
    if agency is not None and request.method == "GET":
        form.kind.data = agency.kind.value
    return form


def _save(agency: Agency | None):
    form = _form_for(agency)
    if form.validate_on_submit():
        data = {f: getattr(form, f).data for f in services.FIELDS}
        try:
            saved = services.save_agency(db.session, current_user, agency, data)
        except DomainError as err:
            db.session.rollback()
            getattr(form, err.field or "code").errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("agencies.index", q=saved.code))
    return render_template("admin/agency_form.html", form=form, agency=agency)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    """Register a new participant."""
    return _save(None)


@bp.route("/<int:agency_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(agency_id: int):
    """Edit a participant."""
    return _save(get_or_404(Agency, agency_id))
