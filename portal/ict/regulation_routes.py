"""The processing regulation screens: categories and their target times (cl. 37)."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.db import db, get_or_404
from portal.errors import DomainError
from portal.i18n import localized
from portal.ict import bp, regulation
from portal.ict.forms import CategoryForm
from portal.ict.models import IctCategory
from portal.ict.permissions import REGULATION_EDITORS, REGULATION_VIEWERS
from portal.security import roles_required


@bp.route("/regulation")
@roles_required(*REGULATION_VIEWERS)
def regulation_index():
    """The regulation: each category with its reaction and resolution targets."""
    return render_template("ict/regulation.html",
                           categories=regulation.list_categories(db.session),
                           can_edit=current_user.role in REGULATION_EDITORS,
                           hours=regulation.hours_text)


@bp.route("/regulation/new", methods=["GET", "POST"])
@roles_required(*REGULATION_EDITORS)
def new_category():
    """Add a category to the regulation."""
    return _edit(None)


@bp.route("/regulation/<int:ict_category_id>", methods=["GET", "POST"])
@roles_required(*REGULATION_EDITORS)
def edit_category(ict_category_id: int):
    """Change a category: new targets apply to requests registered from now on."""
    return _edit(get_or_404(IctCategory, ict_category_id))


def _edit(category: IctCategory | None):  # type: ignore[no-untyped-def]
    form = CategoryForm(obj=category)
    if category is not None and not form.is_submitted():
        form.time_basis.data = category.time_basis.value
        form.reaction_hours.data = Decimal(category.reaction_minutes) / 60
        form.resolution_hours.data = Decimal(category.resolution_minutes) / 60
    if form.validate_on_submit():
        try:
            saved = regulation.save_category(db.session, current_user, category,
                                             form.data_for_service())
        except DomainError as err:
            db.session.rollback()
            target = getattr(form, err.field or "", None)
            if target is not None:
                target.errors = [*target.errors, err.message]
            else:
                flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("Category “%(name)s” is saved.", name=localized(saved, "name")), "success")
            return redirect(url_for("ict.regulation_index"), code=303)
    return render_template("ict/category_form.html", form=form, category=category)
