"""Notices on repeated refusals to the QC authority (Rules No. 83, cl. 28)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import undefer

from portal.db import db, get_or_404
from portal.errors import DomainError
from portal.i18n import current_locale
from portal.obligations import MANAGE_ROLES, bp, refusals
from portal.obligations.forms import NoticeSentForm
from portal.obligations.models import Obligation, RefusalNotice, RefusalNoticeStatus
from portal.pdf import create_pdf
from portal.security import roles_required
from portal.timeutil import local_today


def _notice_obligation(notice: RefusalNotice) -> Obligation | None:
    return db.session.scalar(
        select(Obligation).where(Obligation.rule_key == refusals.RULE_KEY,
                                 Obligation.subject_type == "refusal_notice",
                                 Obligation.subject_id == notice.id)
        .order_by(Obligation.id.desc()).limit(1))


def _render_pdf(notice: RefusalNotice) -> bytes:
    """The notice as drafted now (or exactly as sent, once sent)."""
    if notice.status is RefusalNoticeStatus.SENT and notice.pdf:
        return notice.pdf
    rows = refusals.notice_rows(db.session, notice)
    return create_pdf("obligations/pdf/refusal_notice.html", current_locale(), notice=notice,
                      rows=rows, qc=refusals.qc_authority(db.session),
                      obligation=_notice_obligation(notice), today=local_today())


@bp.route("/refusal-notices")
@roles_required(*MANAGE_ROLES)
def notices():
    """Drafted and sent cl. 28 notices, drafts first."""
    rows = db.session.scalars(select(RefusalNotice).order_by(
        RefusalNotice.status, RefusalNotice.id.desc())).all()
    return render_template("obligations/notices.html", notices=rows,
                           obligations={n.id: _notice_obligation(n) for n in rows})


@bp.route("/refusal-notices/<int:notice_id>")
@roles_required(*MANAGE_ROLES)
def notice(notice_id: int):
    """One notice: the refusals it lists, their documents, and the "sent" form."""
    item = get_or_404(RefusalNotice, notice_id)
    return render_template("obligations/notice.html", notice=item,
                           rows=refusals.notice_rows(db.session, item),
                           obligation=_notice_obligation(item),
                           form=NoticeSentForm(formdata=None, sent_on=local_today()))


@bp.route("/refusal-notices/<int:notice_id>/notice.pdf")
@roles_required(*MANAGE_ROLES)
def notice_pdf(notice_id: int):
    """The notice letter listing the refusals."""
    item = get_or_404(RefusalNotice, notice_id)
    response = Response(_render_pdf(item), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="notice-{item.id}.pdf"'
    return response


@bp.route("/refusal-notices/<int:notice_id>/bundle.zip")
@roles_required(*MANAGE_ROLES)
def notice_bundle(notice_id: int):
    """The notice with the supporting documents, ready to send (cl. 28)."""
    item = get_or_404(RefusalNotice, notice_id)
    rows = refusals.notice_rows(db.session, item)
    for row in rows:  # the files themselves are deferred: load them for the archive
        if row.request is not None:
            for att in row.request.attachments:
                db.session.refresh(att, ["data"])
    data = refusals.bundle(_render_pdf(item), rows, item.id)
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="notice-{item.id}.zip"'
    return response


@bp.route("/refusal-notices/<int:notice_id>/sent", methods=["POST"])
@roles_required(*MANAGE_ROLES)
def notice_sent(notice_id: int):
    """Record that the notice went to the QC authority: fulfils the cl. 28 obligation."""
    item = db.session.scalar(select(RefusalNotice).where(RefusalNotice.id == notice_id)
                             .options(undefer(RefusalNotice.pdf)))
    if item is None:
        abort(404)
    form = NoticeSentForm()
    if form.validate_on_submit():
        if form.sent_on.data > local_today():
            form.sent_on.errors.append(_("The date cannot be in the future."))
        else:
            try:
                refusals.mark_sent(db.session, current_user, item, sent_on=form.sent_on.data,
                                   reference=form.reference.data, pdf=_render_pdf(item))
            except DomainError as err:
                db.session.rollback()
                flash(err.message, "error")
            else:
                db.session.commit()
                flash(_("The notice is recorded as sent."), "success")
            return redirect(url_for("obligations.notice", notice_id=item.id), code=303)
    return render_template("obligations/notice.html", notice=item,
                           rows=refusals.notice_rows(db.session, item),
                           obligation=_notice_obligation(item), form=form), 422

