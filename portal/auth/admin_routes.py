"""Administration of user accounts (admins only)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from portal.agencies.models import Agency
from portal.auth import admin_bp as bp
from portal.auth import services
from portal.auth.forms import UserForm
from portal.auth.models import User
from portal.db import db, get_or_404
from portal.errors import DomainError, committing
from portal.htmx import render_page
from portal.i18n import localized
from portal.pagination import paginate
from portal.security import Role, roles_required

USER_FIELDS = ("username", "full_name", "email", "phone", "role", "agency_id", "locale")


def _agency_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Agency).order_by(Agency.kind, Agency.name_ru)).all()
    return [(a.id, localized(a, "short") or localized(a, "name")) for a in rows]


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """List users, filterable by text, role and status."""
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    stmt = select(User).order_by(User.username)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.username).like(like),
                              func.lower(User.full_name).like(like)))
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    page = paginate(db.session, stmt, request.args.get("page", 1, type=int))
    return render_page("admin/users.html", "admin/_users_table.html", page=page, q=q,
                       role=role, roles=list(Role))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    """Create a user account."""
    form = UserForm()
    form.set_choices(_agency_choices())
    if form.validate_on_submit():
        data = {f: getattr(form, f).data for f in USER_FIELDS}
        try:
            user = services.create_user(db.session, current_user, data, form.password.data or "")
        except DomainError as err:
            getattr(form, err.field or "username").errors.append(err.message)
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("users.index"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(user_id: int):
    """Edit a user account."""
    user: User = get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.set_choices(_agency_choices())
    if request.method == "GET":
        form.role.data = user.role.value
        form.agency_id.data = user.agency_id
    if form.validate_on_submit():
        data = {f: getattr(form, f).data for f in USER_FIELDS}
        try:
            services.update_user(db.session, current_user, user, data)
            if form.password.data:
                services.change_password(db.session, current_user, user, form.password.data)
        except DomainError as err:
            db.session.rollback()
            getattr(form, err.field or "username").errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("users.index"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def set_active(user_id: int):
    """Activate or deactivate an account."""
    user: User = get_or_404(User, user_id)
    value = request.form.get("active")
    if value not in ("0", "1"):
        abort(400)
    with committing(_("Account activated.") if value == "1" else _("Account deactivated.")):
        services.set_active(db.session, current_user, user, value == "1")
    return redirect(url_for("users.edit", user_id=user.id))
