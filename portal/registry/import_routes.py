"""Registry import (all or nothing, with a row-by-row report) and XLSX export."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.db import db
from portal.registry import bp, importer
from portal.registry.forms import ImportForm
from portal.security import ALL_ROLES, Role, roles_required
from portal.timeutil import local_today

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.UCC_MANAGER)
def import_registry():
    """Upload a CSV/XLSX registry; any bad row means nothing is imported."""
    form = ImportForm()
    errors: list[importer.RowError] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = importer.read_rows(upload.filename or "", upload.read(importer.MAX_BYTES + 1))
        except ValueError as err:
            form.file.errors = [*form.file.errors, str(err)]
            status = 422
        else:
            plan = importer.plan_import(db.session, rows)
            if plan.errors:
                errors, status = plan.errors, 422
            else:
                result = importer.apply_import(db.session, current_user, plan)
                db.session.commit()
                flash(_("Imported: %(created)d new services, %(updated)d updated, "
                        "%(bylaws)d bylaws added.", created=result.created,
                        updated=result.updated, bylaws=result.bylaws_added), "success")
                return redirect(url_for("registry.index"))
    return render_template("registry/import.html", form=form, errors=errors,
                           columns=importer.COLUMNS, required=importer.REQUIRED_COLUMNS), status


@bp.route("/export.xlsx")
@roles_required(*ALL_ROLES)
def export_registry():
    """The registry as an XLSX workbook in the import layout."""
    response = make_response(importer.export_xlsx(db.session))
    response.headers["Content-Type"] = XLSX_TYPE
    response.headers["Content-Disposition"] = (
        f'attachment; filename="registry-{local_today().isoformat()}.xlsx"')
    return response
