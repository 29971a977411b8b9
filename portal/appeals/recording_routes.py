"""Screens for call-recording demands (Rules No. 83, cl. 14)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.appeals import bp, recordings
from portal.appeals.forms import DemandForm, RecordingUploadForm
from portal.appeals.models import DemandStatus, RecordingDemand, RecordingFile
from portal.appeals.routes import download_disposition
from portal.db import db, get_or_404
from portal.errors import DomainError, committing
from portal.obligations.engine import open_obligations_for
from portal.obligations.models import Obligation
from portal.pagination import paginate
from portal.security import UCC_STAFF, roles_required

VIEWERS = (*UCC_STAFF, *recordings.REQUESTERS)


def _load(demand_id: int) -> RecordingDemand:
    demand: RecordingDemand = get_or_404(RecordingDemand, demand_id)
    if not recordings.can_view(current_user, demand):
        abort(404)
    return demand


def _obligation(demand: RecordingDemand) -> Obligation | None:
    """The demand's 4-hour obligation, open or closed."""
    return db.session.scalars(select(Obligation).where(
        Obligation.rule_key == recordings.RULE_KEY, Obligation.subject_type == "recording_demand",
        Obligation.subject_id == demand.id).order_by(Obligation.id.desc())).first()


@bp.route("/recordings/")
@roles_required(*VIEWERS)
def demands():
    """Demands for recordings, newest first, with their 4-hour deadlines."""
    page = paginate(db.session, recordings.visible_demands(current_user),
                    request.args.get("page", 1, type=int), per_page=30)
    ids = [d.id for d in page.items]
    obligations = {o.subject_id: o for o in db.session.scalars(select(Obligation).where(
        Obligation.rule_key == recordings.RULE_KEY, Obligation.subject_type == "recording_demand",
        Obligation.subject_id.in_(ids)))} if ids else {}
    return render_template("appeals/demands.html", page=page, obligations=obligations,
                           can_demand=current_user.role in recordings.REQUESTERS,
                           args=request.args)


@bp.route("/recordings/new", methods=["GET", "POST"])
@roles_required(*recordings.REQUESTERS)
def demand_new():
    """File a written demand naming the date and the caller's phone number."""
    form = DemandForm()
    if form.validate_on_submit():
        try:
            demand = recordings.file_demand(
                db.session, current_user, call_date=form.call_date.data,
                caller_phone=form.caller_phone.data or "", reference=form.reference.data or "",
                note=form.note.data or "")
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            target = getattr(form, err.field or "", None)
            if target is not None:
                target.errors = [*target.errors, err.message]
            else:
                flash(err.message, "error")
        else:
            flash(_("The demand is registered; the recordings are due within 4 hours."),
                  "success")
            return redirect(url_for("appeals.demand", demand_id=demand.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("appeals/demand_form.html", form=form), status


@bp.route("/recordings/<int:demand_id>")
@roles_required(*VIEWERS)
def demand(demand_id: int):
    """One demand: deadline, attached recordings, hand-over."""
    item = _load(demand_id)
    return render_template("appeals/demand.html", demand=item, obligation=_obligation(item),
                           open_obligations=open_obligations_for(db.session, "recording_demand",
                                                                 item.id),
                           upload_form=RecordingUploadForm(formdata=None),
                           can_answer=current_user.role in UCC_STAFF)


@bp.route("/recordings/<int:demand_id>/files", methods=["POST"])
@roles_required(*UCC_STAFF)
def demand_upload(demand_id: int):
    """Attach recording files to the demand."""
    item = _load(demand_id)
    form = RecordingUploadForm()
    if form.validate_on_submit():
        with committing(_("Recordings attached.")):
            recordings.attach_files(db.session, current_user, item,
                                    [(f.filename, f.read()) for f in form.files.data if f])
    else:
        flash(_("Choose the recording files."), "error")
    return redirect(url_for("appeals.demand", demand_id=item.id), code=303)


@bp.route("/recordings/<int:demand_id>/hand-over", methods=["POST"])
@roles_required(*UCC_STAFF)
def demand_hand_over(demand_id: int):
    """Give the recordings to the requesting body (closes the 4-hour obligation)."""
    item = _load(demand_id)
    with committing(_("The recordings were handed over.")):
        recordings.hand_over(db.session, current_user, item)
    return redirect(url_for("appeals.demand", demand_id=item.id), code=303)


@bp.route("/recordings/<int:demand_id>/files/<int:recording_id>")
@roles_required(*VIEWERS)
def demand_file(demand_id: int, recording_id: int):
    """Download one recording."""
    item = _load(demand_id)
    rec: RecordingFile = get_or_404(RecordingFile, recording_id)
    if rec.demand_id != item.id:
        abort(404)
    if current_user.role not in UCC_STAFF and item.status is not DemandStatus.FULFILLED:
        abort(404)  # the requester gets the files once they are handed over
    return Response(rec.content, mimetype="application/octet-stream", headers={
        "Content-Disposition": download_disposition(rec.filename), "X-Content-Type-Options": "nosniff"})
