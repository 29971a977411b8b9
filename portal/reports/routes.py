"""Report screens: the list, a month's batch with live progress, downloads, discrepancies."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import undefer

from portal.db import db, get_or_404
from portal.errors import DomainError, committing
from portal.htmx import render_page
from portal.obligations.engine import open_obligations_for
from portal.queue import enqueue
from portal.reports import bp, discrepancies, services
from portal.reports.forms import DiscrepancyForm, ExplanationForm
from portal.reports.models import Discrepancy, Report, ReportStatus
from portal.reports.registry import ReportKind, all_kinds, get_kind
from portal.security import AGENCY_BOUND_ROLES, Role, roles_required

#: Everybody who may see some report: each kind's viewers and agencies (their own).
LIST_ROLES = (Role.ADMIN, Role.UCC_MANAGER, Role.QC_STAFF, Role.INFORMATIZATION_STAFF,
              Role.AGENCY_RESPONSIBLE, Role.ICI_OPERATOR)
#: Who may open one report (each kind's viewers; agency users their agency's reports).
REPORT_ROLES = (Role.ADMIN, Role.UCC_MANAGER, Role.QC_STAFF, Role.INFORMATIZATION_STAFF,
                Role.AGENCY_RESPONSIBLE)
#: Contact center staff run and send reports and explain discrepancies (cl. 31-32).
STAFF = (Role.ADMIN, Role.UCC_MANAGER)
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MIME = {"pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _kind(key: str) -> ReportKind:
    try:
        return get_kind(key)
    except KeyError:
        abort(404)


def _period(text: str) -> date:
    match = PERIOD_RE.match(text)
    if not match:
        abort(404)
    return date(int(match.group(1)), int(match.group(2)), 1)


def may_see_all(user: Any, kind: ReportKind) -> bool:
    """Viewers of a kind see every recipient's report; others only their agency's."""
    return user.role in kind.viewer_roles


def may_see(user: Any, report: Report) -> bool:
    """May ``user`` open and download this report?"""
    kind = get_kind(report.kind)
    if may_see_all(user, kind):
        return True
    return (user.role in AGENCY_BOUND_ROLES and report.recipient_agency_id is not None
            and report.recipient_agency_id == user.agency_id)


def _load(report_id: int) -> Report:
    report: Report = get_or_404(Report, report_id)
    if not may_see(current_user, report):
        abort(404)  # another agency's report: do not confirm it exists
    return report


def _visible(stmt: Any) -> Any:
    kinds = [k.key for k in all_kinds() if may_see_all(current_user, k)]
    if current_user.role in AGENCY_BOUND_ROLES:
        return stmt.where((Report.kind.in_(kinds)) |
                          (Report.recipient_agency_id == current_user.agency_id))
    return stmt.where(Report.kind.in_(kinds))


@bp.route("/")
@roles_required(*LIST_ROLES)
def index():
    """Reports by month, newest first."""
    stmt = _visible(select(Report)).order_by(Report.period_start.desc(), Report.kind,
                                             Report.recipient_agency_id.nulls_first())
    reports = db.session.scalars(stmt.limit(500)).all()
    months: dict[tuple[date, str], list[Report]] = {}
    for r in reports:
        months.setdefault((r.period_start, r.kind), []).append(r)
    return render_template("reports/index.html", months=months, kinds=all_kinds(),
                           get_kind=get_kind, is_staff=current_user.role in STAFF,
                           last_month=services.previous_month(date.today()))


def _batch_context(kind: ReportKind, period: date) -> dict[str, Any]:
    reports = db.session.scalars(_visible(select(Report)).where(
        Report.kind == kind.key, Report.period_start == period).order_by(
        Report.recipient_agency_id.nulls_first(), Report.id)).all()
    busy = any(r.status in (ReportStatus.QUEUED, ReportStatus.RUNNING) for r in reports)
    done = sum(r.progress if r.status is not ReportStatus.DONE else 100 for r in reports)
    return {"kind": kind, "period": period, "reports": reports, "busy": busy,
            "progress": int(done / len(reports)) if reports else 0,
            "is_staff": current_user.role in STAFF}


@bp.route("/month/<report_kind>/<period>/")
@roles_required(*LIST_ROLES)
def batch(report_kind: str, period: str):
    """A month's reports of one kind; while they are generated the page polls (htmx)."""
    kind, start = _kind(report_kind), _period(period)
    return render_page("reports/batch.html", "reports/_batch.html",
                       **_batch_context(kind, start))


@bp.route("/month/<report_kind>/<period>/regenerate", methods=["POST"])
@roles_required(*STAFF)
def regenerate(report_kind: str, period: str):
    """Rebuild and resend a month's reports in the background (progress on the batch page)."""
    kind, start = _kind(report_kind), _period(period)
    if start >= date.today().replace(day=1):
        flash(_("Only a finished month can be reported."), "error")
        return redirect(url_for("reports.index"), code=303)
    services.queue_regeneration(db.session, current_user, kind, start)
    db.session.commit()
    enqueue("jobs.reports.build_monthly", kind.key, start.year, start.month, True,
            job_timeout=3600)
    flash(_("The reports are being generated."), "success")
    return redirect(url_for("reports.batch", report_kind=kind.key, period=period), code=303)


@bp.route("/<int:report_id>/download.<fmt>")
@roles_required(*REPORT_ROLES)
def download(report_id: int, fmt: str):
    """The report as PDF or XLSX."""
    report = _load(report_id)
    if fmt not in MIME:
        abort(404)
    content = db.session.scalar(select(getattr(Report, fmt)).where(Report.id == report.id))
    if not content:
        abort(404)
    name = f"{report.kind}-{report.period_start:%Y-%m}-{report.recipient_agency_id or 'all'}"
    return Response(content, mimetype=MIME[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}-{report.locale}.{fmt}"'})


def _report_context(report: Report, **forms: Any) -> dict[str, Any]:
    items = db.session.scalars(select(Discrepancy).where(
        Discrepancy.report_id == report.id).order_by(Discrepancy.id)).all()
    dobs = {i.id: open_obligations_for(db.session, discrepancies.SUBJECT, i.id) for i in items}
    row_ids = db.session.scalar(select(Report).options(undefer(Report.row_ids)).where(
        Report.id == report.id)).row_ids
    return {"report": report, "kind": get_kind(report.kind), "items": items,
            "item_obligations": dobs, "row_ids": row_ids or [],
            "obligations": open_obligations_for(db.session, "report", report.id),
            "discrepancy_form": forms.get("discrepancy_form") or DiscrepancyForm(formdata=None),
            "explanation_form": ExplanationForm(formdata=None),
            "can_mark": current_user.role is Role.QC_STAFF,
            "is_staff": current_user.role in STAFF}


@bp.route("/<int:report_id>")
@roles_required(*REPORT_ROLES)
def report(report_id: int):
    """One report: files, sending, the QC authority's discrepancy requests (cl. 32)."""
    return render_template("reports/report.html", **_report_context(_load(report_id)))


@bp.route("/<int:report_id>/delivered", methods=["POST"])
@roles_required(*STAFF)
def delivered(report_id: int):
    """Record delivery by other means (on paper); closes the report obligation."""
    item = _load(report_id)
    with committing(_("Delivery recorded.")):
        services.mark_delivered(db.session, current_user, item)
    return redirect(url_for("reports.report", report_id=item.id), code=303)


@bp.route("/<int:report_id>/discrepancies", methods=["POST"])
@roles_required(Role.QC_STAFF)
def discrepancy_new(report_id: int):
    """The QC authority marks a discrepancy; the explanation is due the next working day."""
    item = _load(report_id)
    form = DiscrepancyForm()
    if form.validate_on_submit():
        try:
            discrepancies.mark_discrepancy(db.session, current_user, item,
                                           rows_text=form.rows.data or "",
                                           description=form.description.data or "")
            db.session.commit()
            flash(_("The request is registered; the explanation is due by the next working "
                    "day."), "success")
            return redirect(url_for("reports.report", report_id=item.id), code=303)
        except DomainError as err:
            db.session.rollback()
            target = getattr(form, err.field or "", None)
            if target is not None:
                target.errors = [*target.errors, err.message]
            else:
                flash(err.message, "error")
    return render_template("reports/report.html",
                           **_report_context(item, discrepancy_form=form)), 422


@bp.route("/discrepancies/<int:discrepancy_id>/explain", methods=["POST"])
@roles_required(*STAFF)
def explain(discrepancy_id: int):
    """The contact center's explanation of a discrepancy (cl. 32)."""
    item: Discrepancy = get_or_404(Discrepancy, discrepancy_id)
    form = ExplanationForm()
    if not form.validate_on_submit():
        flash(_("Write the explanation."), "error")
    else:
        with committing(_("The explanation is recorded.")):
            discrepancies.explain(db.session, current_user, item, form.explanation.data or "")
    return redirect(url_for("reports.report", report_id=item.report_id), code=303)
