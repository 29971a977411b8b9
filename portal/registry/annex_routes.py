"""Annex 1 screens: drafts, submission, the UCC's review, versions, comparison, PDF."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.db import db, get_or_404
from portal.errors import ConflictError, DomainError
from portal.htmx import render_page
from portal.i18n import LOCALES, current_locale
from portal.pagination import paginate
from portal.pdf import create_pdf
from portal.registry import annex, annex_view, bp, queries
from portal.registry.annex_models import Annex1Row, Annex1Status, Annex1Submission
from portal.registry.forms import Annex1NewForm, ReviewForm, VersionForm
from portal.registry.models import ResponsiblePerson, Service, ServiceStatus
from portal.registry.people import is_current
from portal.registry.people_routes import service_choices
from portal.security import Role, require_agency, roles_required
from portal.timeutil import local_today, local_tz

READERS = (Role.ADMIN, Role.UCC_MANAGER, Role.UCC_OPERATOR, Role.AGENCY_RESPONSIBLE)
REVIEWERS = (Role.ADMIN, Role.UCC_MANAGER)


def _load(sub_id: int, own: bool = False) -> Annex1Submission:
    """The form if the user may see it (drafts exist only for their agency: 404 otherwise)."""
    sub: Annex1Submission = get_or_404(Annex1Submission, sub_id)
    if own or current_user.role is Role.AGENCY_RESPONSIBLE:
        if sub.status is Annex1Status.DRAFT and current_user.agency_id != sub.agency_id:
            abort(404)
        require_agency(current_user, sub.agency_id)
    elif not queries.can_see_submission(current_user, sub):
        abort(404)
    return sub


@bp.route("/annex1")
@roles_required(*READERS)
def annex_index():
    """Annex 1 forms: the agency's own (drafts too) or all those sent to the UCC."""
    stmt = queries.visible_submissions(current_user)
    status = request.args.get("status", "")
    if status in set(Annex1Status):
        stmt = stmt.where(Annex1Submission.status == Annex1Status(status))
    if agency_id := request.args.get("agency_id", type=int):
        stmt = stmt.where(Annex1Submission.agency_id == agency_id)
    stmt = stmt.order_by(Annex1Submission.updated_at.desc(), Annex1Submission.id.desc())
    page = paginate(db.session, stmt, request.args.get("page", 1, type=int), per_page=25)
    return render_page("registry/annex_index.html", "registry/_annex_list.html", page=page,
                       status=status, statuses=list(Annex1Status), args=request.args)


@bp.route("/annex1/new", methods=["GET", "POST"])
@roles_required(Role.AGENCY_RESPONSIBLE)
def annex_new():
    """Start a form for one or several services of the user's agency."""
    form = Annex1NewForm()
    form.service_ids.choices = [
        c for c in service_choices(current_user.agency_id)
        if db.session.get(Service, c[0]).status is not ServiceStatus.WITHDRAWN]
    if request.method == "GET":
        form.service_ids.data = request.args.getlist("service_id", type=int)
        form.executor_name.data = current_user.full_name
    if form.validate_on_submit():
        try:
            sub = annex.create_draft(db.session, current_user, current_user.agency_id,
                                     form.service_ids.data or [], form.executor_name.data or "")
        except DomainError as err:
            flash(err.message, "error")
        else:
            db.session.commit()
            return redirect(url_for("registry.annex_edit", sub_id=sub.id))
    return render_template("registry/annex_new.html", form=form)


@bp.route("/annex1/<int:sub_id>")
@roles_required(*READERS)
def annex_view_page(sub_id: int):
    """The form as a table, its versions and the UCC's decisions."""
    sub = _load(sub_id)
    latest = sub.versions[-1] if sub.versions else None
    rows = ([(i, s) for i, s in enumerate(latest.data, 1)] if latest and not sub.status.editable
            else [(i, annex.snapshot_row(r)) for i, r in enumerate(sub.rows, 1)])
    return render_template(
        "registry/annex_view.html", sub=sub, rows=rows, latest=latest,
        headers=annex_view.COLUMN_HEADERS, columns=annex_view.columns,
        problems=annex.submit_problems(sub) if sub.status.editable else [],
        own=current_user.agency_id == sub.agency_id, version_form=VersionForm(version=sub.version),
        review_form=ReviewForm(), reviewer=current_user.role in REVIEWERS)


def _row_values(sub: Annex1Submission) -> dict[int, dict[str, Any]]:
    """Row fields from the posted form (to keep a user's text) or from the rows."""
    out: dict[int, dict[str, Any]] = {}
    for row in sub.rows:
        values = {}
        for field in annex.ROW_FIELDS:
            key = f"row-{row.id}-{field}"
            values[field] = request.form.get(key) if key in request.form else getattr(row, field)
        if values["responsible_person_id"] in ("", None):
            values["responsible_person_id"] = None
        else:
            values["responsible_person_id"] = int(values["responsible_person_id"])
        out[row.id] = values
    return out


@bp.route("/annex1/<int:sub_id>/edit", methods=["GET", "POST"])
@roles_required(Role.AGENCY_RESPONSIBLE)
def annex_edit(sub_id: int):
    """Fill the form; "submit" saves and sends it to the UCC in one step."""
    sub = _load(sub_id, own=True)
    if not sub.status.editable:
        flash(_("This form was sent to the UCC and can no longer be changed."), "info")
        return redirect(url_for("registry.annex_view_page", sub_id=sub.id))
    form = VersionForm(version=sub.version)
    values = _row_values(sub)
    executor = request.form.get("executor_name", sub.executor_name)
    conflict, errors, status = None, {}, 200
    if form.validate_on_submit():
        try:
            annex.save_draft(db.session, current_user, sub,
                             {"executor_name": executor, "rows": values},
                             int(form.version.data or 0))
            if request.form.get("action") == "submit":
                annex.submit(db.session, current_user, sub, sub.version)
        except ConflictError as err:
            db.session.rollback()
            conflict, status = err, 409
            form.version.data = db.session.get(Annex1Submission, sub_id).version
        except DomainError as err:
            db.session.rollback()
            errors[err.field or ""] = err.message
            status = 422
            form.version.data = db.session.get(Annex1Submission, sub_id).version
        else:
            db.session.commit()
            if sub.status is Annex1Status.SUBMITTED:
                flash(_("Annex 1 sent to the Unified Contact Center."), "success")
                return redirect(url_for("registry.annex_view_page", sub_id=sub.id))
            flash(_("Draft saved."), "success")
            return redirect(url_for("registry.annex_edit", sub_id=sub.id))
    sub = db.session.get(Annex1Submission, sub_id)
    return render_template("registry/annex_edit.html", sub=sub, form=form, values=values,
                           executor=executor, conflict=conflict, errors=errors,
                           **_edit_choices(sub)), status


def _edit_choices(sub: Annex1Submission) -> dict[str, Any]:
    """Current persons to choose from, services still addable, the rows' registry data."""
    today = local_today()
    persons = [p for p in db.session.scalars(select(ResponsiblePerson).where(
        ResponsiblePerson.agency_id == sub.agency_id).order_by(ResponsiblePerson.full_name))
        if is_current(p, today)]
    have = {r.service_id for r in sub.rows}
    return {"persons": persons,
            "addable": [c for c in service_choices(sub.agency_id) if c[0] not in have],
            "snapshots": {r.id: annex.snapshot_row(r) for r in sub.rows}}


def _versioned_action(sub_id: int, action: str) -> Any:
    """Run an edit action that carries the form's version; conflicts come back as messages."""
    sub = _load(sub_id, own=True)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if action == "add":
            annex.add_services(db.session, current_user, sub,
                               request.form.getlist("service_id", type=int),
                               int(form.version.data or 0))
        elif action == "submit":
            annex.submit(db.session, current_user, sub, int(form.version.data or 0))
    except DomainError as err:  # ConflictError included: the page reloads with fresh data
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("registry.annex_edit", sub_id=sub_id))
    db.session.commit()
    if action == "submit":
        flash(_("Annex 1 sent to the Unified Contact Center."), "success")
        return redirect(url_for("registry.annex_view_page", sub_id=sub_id))
    return redirect(url_for("registry.annex_edit", sub_id=sub_id))


@bp.route("/annex1/<int:sub_id>/services", methods=["POST"])
@roles_required(Role.AGENCY_RESPONSIBLE)
def annex_add(sub_id: int):
    """Add services to the form."""
    return _versioned_action(sub_id, "add")


@bp.route("/annex1/<int:sub_id>/submit", methods=["POST"])
@roles_required(Role.AGENCY_RESPONSIBLE)
def annex_submit(sub_id: int):
    """Send the form to the UCC (Rules No. 83 cl. 20)."""
    return _versioned_action(sub_id, "submit")


@bp.route("/annex1/<int:sub_id>/rows/<int:row_id>/remove", methods=["POST"])
@roles_required(Role.AGENCY_RESPONSIBLE)
def annex_remove(sub_id: int, row_id: int):
    """Take a service out of the form."""
    sub = _load(sub_id, own=True)
    row = get_or_404(Annex1Row, row_id)
    form = VersionForm()
    if row.submission_id != sub.id or not form.validate_on_submit():
        abort(404)
    try:
        annex.remove_row(db.session, current_user, sub, row, int(form.version.data or 0))
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
    return redirect(url_for("registry.annex_edit", sub_id=sub_id))


@bp.route("/annex1/<int:sub_id>/delete", methods=["POST"])
@roles_required(Role.AGENCY_RESPONSIBLE)
def annex_delete(sub_id: int):
    """Discard a draft."""
    sub = _load(sub_id, own=True)
    try:
        annex.delete_draft(db.session, current_user, sub)
    except DomainError as err:
        flash(err.message, "error")
        return redirect(url_for("registry.annex_view_page", sub_id=sub_id))
    db.session.commit()
    flash(_("Draft deleted."), "success")
    return redirect(url_for("registry.annex_index"))


@bp.route("/annex1/<int:sub_id>/accept", methods=["POST"])
@roles_required(*REVIEWERS)
def annex_accept(sub_id: int):
    """The UCC accepts the information."""
    return _review(sub_id, accept=True)


@bp.route("/annex1/<int:sub_id>/return", methods=["POST"])
@roles_required(*REVIEWERS)
def annex_return(sub_id: int):
    """The UCC returns the form with comments."""
    return _review(sub_id, accept=False)


def _review(sub_id: int, accept: bool) -> Any:
    sub = _load(sub_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if accept:
            annex.accept(db.session, current_user, sub, form.comment.data or "")
        else:
            annex.return_for_correction(db.session, current_user, sub, form.comment.data or "")
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(_("Annex 1 accepted.") if accept else _("Annex 1 returned to the agency."),
              "success")
    return redirect(url_for("registry.annex_view_page", sub_id=sub_id))


def _version(sub: Annex1Submission, number: int | None):  # type: ignore[no-untyped-def]
    if number is None:
        return sub.versions[-1] if sub.versions else None
    for version in sub.versions:
        if version.number == number:
            return version
    abort(404)


@bp.route("/annex1/<int:sub_id>/compare")
@roles_required(*READERS)
def annex_compare(sub_id: int):
    """Two submitted versions side by side, changed cells highlighted."""
    sub = _load(sub_id)
    numbers = [v.number for v in sub.versions]
    right = _version(sub, request.args.get("b", type=int))
    left = _version(sub, request.args.get("a", type=int) or (
        numbers[-2] if len(numbers) > 1 else None))
    diff = annex_view.compare(left, right) if left and right else []
    return render_template("registry/annex_compare.html", sub=sub, left=left, right=right,
                           diff=diff, numbers=numbers, headers=annex_view.COLUMN_HEADERS)


@bp.route("/annex1/<int:sub_id>/pdf")
@roles_required(*READERS)
def annex_pdf(sub_id: int):
    """The Annex 1 form as a PDF in Kazakh or Russian (a submitted version or the draft)."""
    sub = _load(sub_id)
    lang = request.args.get("lang") or current_locale()
    if lang not in LOCALES:
        abort(404)
    number = request.args.get("version", type=int)
    version = _version(sub, number) if (number or not sub.status.editable) else None
    if version is not None:
        snaps, executor = version.data, version.executor_name
        day = version.submitted_at.astimezone(local_tz()).date()
    else:
        snaps = [annex.snapshot_row(r) for r in sub.rows]
        executor, day = sub.executor_name, local_today()
    with force_locale(lang):  # the cells' wording follows the PDF's language
        rows = [annex_view.columns(s, i, lang) for i, s in enumerate(snaps, 1)]
    pdf = create_pdf("registry/pdf/annex1.html", lang, sub=sub, executor=executor, day=day,
                     rows=rows, headers=annex_view.COLUMN_HEADERS)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    suffix = f"-v{version.number}" if version else "-draft"
    response.headers["Content-Disposition"] = (
        f'inline; filename="annex1-{sub.id}{suffix}-{lang}.pdf"')
    return response
