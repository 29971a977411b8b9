"""Planned-outage screens for staff: list, registration, changes, cancellation, delivery (cl. 38)."""

from __future__ import annotations

import logging

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from redis.exceptions import RedisError
from werkzeug.wrappers import Response

from portal.db import db, get_or_404, utcnow
from portal.errors import ConflictError, DomainError, show_on_form
from portal.htmx import render_page
from portal.ict import bp, queries
from portal.ict.forms import CancelOutageForm, OutageForm
from portal.ict.models import Outage
from portal.ict.outages import cancel_outage, change_outage, register_outage
from portal.ict.permissions import DELIVERY_VIEWERS, OUTAGE_EDITORS, OUTAGE_VIEWERS
from portal.ict.routes import body_choices
from portal.notify.models import OutboxStatus
from portal.pagination import paginate
from portal.security import Role, roles_required
from portal.timeutil import local_tz

log = logging.getLogger(__name__)
#: The RQ job that spreads delivery over the workers (named by path: jobs/ is a higher floor).
DISPATCH_JOB = "jobs.ict.dispatch_notices"


def dispatch(outage_id: int) -> bool:
    """After commit: start delivery of the notices; False when Redis is down (cron catches up)."""
    from portal.queue import get_queue

    try:
        get_queue().enqueue(DISPATCH_JOB, outage_id, job_timeout=300, result_ttl=600)
    except (RedisError, OSError) as exc:
        # The notices are committed in the outbox; the minute sweeper delivers them.
        log.warning("ict: could not enqueue delivery of outage %s (%s)", outage_id, exc)
        return False
    return True


@bp.route("/outages")
@roles_required(*OUTAGE_VIEWERS)
def outages():
    """Planned outages: coming ones first; late announcements flagged (cl. 38)."""
    show = request.args.get("show", "coming")
    show = show if show in ("coming", "past", "all") else "coming"
    page = paginate(db.session, queries.outage_list(show, utcnow()),
                    request.args.get("page", 1, type=int), per_page=25)
    return render_page("ict/outages.html", "ict/_outages.html", page=page, show=show,
                       can_edit=current_user.role in OUTAGE_EDITORS, now=utcnow())


@bp.route("/outages/new", methods=["GET", "POST"])
@roles_required(*OUTAGE_EDITORS)
def new_outage():
    """Register a planned outage; every body is notified at once."""
    form = OutageForm()
    if form.validate_on_submit():
        try:
            outage = register_outage(db.session, current_user, form.data_for_service())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err)
        else:
            db.session.commit()
            dispatch(outage.id)
            _flash_registered(outage)
            return redirect(url_for("ict.outage", outage_id=outage.id), code=303)
    return render_page("ict/outage_form.html", "ict/_outage_form.html", form=form, outage=None)


def _flash_registered(outage: Outage) -> None:
    version = outage.versions[-1]
    flash(_("The outage is registered; %(n)s notices are queued.", n=version.recipients),
          "success")
    if version.late:
        flash(_("Registered less than 24 hours before the start: the notices went out at once "
                "and the delay is recorded as a violation of Rules No. 83, cl. 38."), "warning")


@bp.route("/outages/<int:outage_id>")
@roles_required(*OUTAGE_VIEWERS)
def outage(outage_id: int):
    """One outage: what, when, its versions with lead times, and the delivery of notices."""
    item: Outage = get_or_404(Outage, outage_id)
    summary = queries.delivery_summary(db.session, item.id)
    own_notices = []
    if current_user.role is Role.AGENCY_RESPONSIBLE and current_user.agency_id:
        own_notices = db.session.execute(
            queries.delivery_rows(item.id, None, "", current_user.agency_id)).all()
    return render_page("ict/outage.html", "ict/_outage.html", outage=item, summary=summary,
                       own_notices=own_notices, now=utcnow(),
                       can_edit=current_user.role in OUTAGE_EDITORS,
                       can_see_delivery=current_user.role in DELIVERY_VIEWERS,
                       cancel_form=CancelOutageForm(version=item.version))


@bp.route("/outages/<int:outage_id>/edit", methods=["GET", "POST"])
@roles_required(*OUTAGE_EDITORS)
def edit_outage(outage_id: int):
    """Change an outage: the update goes to everyone told before and to current contacts."""
    item: Outage = get_or_404(Outage, outage_id)
    form = OutageForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        tz = local_tz()
        form.starts_at.data = item.starts_at.astimezone(tz).replace(tzinfo=None)
        form.ends_at.data = item.ends_at.astimezone(tz).replace(tzinfo=None)
        form.scope.data, form.works_kind.data = item.scope.value, item.works_kind.value
        form.version.data = str(item.version)
    if form.validate_on_submit():
        try:
            queued = change_outage(db.session, current_user, item, form.data_for_service(),
                                   expected_version=_int(form.version.data))
        except DomainError as err:  # ConflictError included
            db.session.rollback()
            show_on_form(form, err)
        else:
            db.session.commit()
            dispatch(item.id)
            flash(_("The change is saved; %(n)s update notices are queued.", n=queued),
                  "success")
            if item.versions[-1].late:
                flash(_("The new start is less than 24 hours away: recorded as a violation of "
                        "Rules No. 83, cl. 38."), "warning")
            return redirect(url_for("ict.outage", outage_id=item.id), code=303)
    return render_page("ict/outage_form.html", "ict/_outage_form.html", form=form, outage=item)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.route("/outages/<int:outage_id>/cancel", methods=["POST"])
@roles_required(*OUTAGE_EDITORS)
def cancel(outage_id: int) -> Response:
    """Cancel an outage and tell everyone who had been told."""
    item: Outage = get_or_404(Outage, outage_id)
    form = CancelOutageForm()
    if not form.validate_on_submit():
        flash(_("Say why the outage is cancelled."), "error")
        return redirect(url_for("ict.outage", outage_id=item.id), code=303)
    try:
        queued = cancel_outage(db.session, current_user, item, form.reason.data or "",
                               expected_version=_int(form.version.data))
    except (DomainError, ConflictError) as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        dispatch(item.id)
        flash(_("The outage is cancelled; %(n)s notices are queued.", n=queued), "success")
    return redirect(url_for("ict.outage", outage_id=item.id), code=303)


@bp.route("/outages/<int:outage_id>/delivery")
@roles_required(*DELIVERY_VIEWERS)
def delivery(outage_id: int):
    """Delivery of every notice of an outage, per recipient (pending, sent, failed)."""
    item: Outage = get_or_404(Outage, outage_id)
    args = request.args
    stmt = queries.delivery_rows(item.id, args.get("version", type=int), args.get("status", ""),
                                 args.get("agency_id", type=int), args.get("q", "").strip())
    page = paginate(db.session, stmt, args.get("page", 1, type=int), per_page=50,
                    scalars=False)
    return render_page("ict/delivery.html", "ict/_delivery.html", outage=item, page=page,
                       args=args, statuses=list(OutboxStatus), agencies=body_choices(),
                       summary=queries.delivery_summary(db.session, item.id))
