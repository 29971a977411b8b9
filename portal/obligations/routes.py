"""Obligation lists, the overdue dashboard with exports, one obligation, the rulebook."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.agencies.models import Agency
from portal.db import db, get_or_404
from portal.errors import DomainError
from portal.htmx import render_page
from portal.i18n import localized
from portal.obligations import DASHBOARD_ROLES, MANAGE_ROLES, VIEW_ROLES, bp, exports, queries
from portal.obligations.forms import CancelForm
from portal.obligations.models import PARTY_LABELS, Obligation, Rule
from portal.obligations.services import cancel_obligation, history
from portal.obligations.subjects import subject_labels
from portal.pagination import paginate
from portal.security import AGENCY_BOUND_ROLES, roles_required

PER_PAGE = 50


def _scoped(filters: queries.Filters) -> queries.Filters:
    """Agency-bound users only ever see their own agency's obligations."""
    if current_user.role in AGENCY_BOUND_ROLES:
        return filters.for_agency(current_user.agency_id or -1)
    return filters


def _can_see(ob: Obligation) -> bool:
    return current_user.role not in AGENCY_BOUND_ROLES or ob.agency_id == current_user.agency_id


def _list_context(filters: queries.Filters, endpoint: str) -> dict:
    page = paginate(db.session, queries.list_stmt(filters),
                    request.args.get("page", 1, type=int), per_page=PER_PAGE)
    return {"page": page, "filters": filters, "labels": subject_labels(db.session, page.items),
            "endpoint": endpoint, "parties": PARTY_LABELS,
            "agency_bound": current_user.role in AGENCY_BOUND_ROLES}


@bp.route("/")
@roles_required(*VIEW_ROLES)
def index():
    """Open obligations, nearest deadline first (an agency sees only its own)."""
    filters = _scoped(queries.Filters.from_args(request.args, overdue_only=False))
    ctx = _list_context(filters, "obligations.index")
    if not ctx["agency_bound"]:
        ctx["agencies"] = queries.agency_choices(db.session)
        ctx["rules"] = queries.rule_choices(db.session)
    return render_page("obligations/index.html", "obligations/_index_results.html", **ctx)


def _filters_text(filters: queries.Filters) -> str:
    parts = []
    if filters.agency_id:
        agency = db.session.get(Agency, filters.agency_id)
        parts.append(_("Agency: %(name)s", name=localized(agency, "name") if agency else "—"))
    if filters.rule_key:
        label = dict(queries.rule_choices(db.session)).get(filters.rule_key, filters.rule_key)
        parts.append(_("Rule: %(rule)s", rule=label))
    if filters.party:
        parts.append(_("Must act: %(party)s", party=PARTY_LABELS[filters.party]))
    if filters.min_days:
        parts.append(_("At least %(n)s days late", n=filters.min_days))
    return "; ".join(parts) or _("All overdue obligations")


@bp.route("/overdue")
@roles_required(*DASHBOARD_ROLES)
def overdue():
    """Managers' dashboard: overdue counts per agency and per rule, and the filtered list."""
    filters = queries.Filters.from_args(request.args)
    ctx = _list_context(filters, "obligations.overdue")
    ctx.update(by_agency=queries.counts_by_agency(db.session, filters),
               by_rule=queries.counts_by_rule(db.session, filters),
               agencies=queries.agency_choices(db.session),
               rules=queries.rule_choices(db.session))
    return render_page("obligations/overdue.html", "obligations/_overdue_results.html", **ctx)


def _export_rows(filters: queries.Filters, limit: int = queries.EXPORT_LIMIT
                 ) -> list[exports.ExportRow]:
    obligations = list(db.session.scalars(queries.list_stmt(filters).limit(limit)))
    return exports.export_rows(db.session, obligations)


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/overdue.xlsx")
@roles_required(*DASHBOARD_ROLES)
def overdue_xlsx():
    """The filtered overdue list as an Excel workbook."""
    filters = queries.Filters.from_args(request.args)
    data = exports.to_xlsx(_export_rows(filters), _("Overdue obligations"),
                           _filters_text(filters))
    return _download(data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"overdue-{queries.today().isoformat()}.xlsx")


@bp.route("/overdue.pdf")
@roles_required(*DASHBOARD_ROLES)
def overdue_pdf():
    """The filtered overdue list as a landscape PDF."""
    filters = queries.Filters.from_args(request.args)
    # WeasyPrint lays out ~30 rows a second: the PDF is for a filtered list, the XLSX
    # carries everything.
    rows = _export_rows(filters, queries.PDF_LIMIT)
    total = queries.count(db.session, filters) if len(rows) == queries.PDF_LIMIT else len(rows)
    data = exports.to_pdf(rows, _("Overdue obligations"), _filters_text(filters), total=total)
    return _download(data, "application/pdf", f"overdue-{queries.today().isoformat()}.pdf")


@bp.route("/<int:obligation_id>")
@roles_required(*VIEW_ROLES)
def detail(obligation_id: int):
    """One obligation: its rule version and clause, dates, outcome and history."""
    ob = get_or_404(Obligation, obligation_id)
    if not _can_see(ob):
        abort(404)  # another agency's obligation does not exist for this user
    return render_template("obligations/detail.html", ob=ob, history=history(db.session, ob),
                           label=subject_labels(db.session, [ob])[ob.id],
                           form=CancelForm(formdata=None),
                           can_manage=current_user.role in MANAGE_ROLES)


@bp.route("/<int:obligation_id>/cancel", methods=["POST"])
@roles_required(*MANAGE_ROLES)
def cancel(obligation_id: int):
    """Cancel an open obligation with a reason."""
    ob = get_or_404(Obligation, obligation_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            cancel_obligation(db.session, current_user, ob, form.reason.data)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("Obligation cancelled."), "success")
        return redirect(url_for("obligations.detail", obligation_id=ob.id), code=303)
    return render_template("obligations/detail.html", ob=ob, history=history(db.session, ob),
                           label=subject_labels(db.session, [ob])[ob.id], form=form,
                           can_manage=True), 422


@bp.route("/rules")
@roles_required(*VIEW_ROLES)
def rules():
    """The rulebook: every version of every deadline rule with its act, clause and dates."""
    rows = db.session.scalars(select(Rule).order_by(Rule.key, Rule.effective_from)).all()
    return render_template("obligations/rules.html", rules=rows, parties=PARTY_LABELS)


from portal.obligations import notice_routes  # noqa: E402,F401
