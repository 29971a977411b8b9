"""Appeal screens: the list, the operator's after-call form, the appeal card and its actions."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.agencies.models import Agency, Region
from portal.appeals import bp, mail, queries, ratings, services
from portal.appeals.forms import (
    AppealForm,
    RatingForm,
    ReferralForm,
    ReplyForm,
    TransferForm,
    UpdateForm,
)
from portal.appeals.models import (
    Appeal,
    AppealAttachment,
    AppealReply,
    AppealStatus,
    Channel,
    Character,
)
from portal.db import db, get_or_404
from portal.errors import ConflictError, DomainError, show_on_form
from portal.htmx import render_page
from portal.i18n import localized
from portal.obligations.engine import open_obligations_for
from portal.pagination import paginate
from portal.registry.models import Service
from portal.security import UCC_STAFF, Role, roles_required
from portal.timeutil import local_tz

#: Who may see appeals: the center, the controlling bodies (cl. 16, 31), and agencies
#: (their own appeals only).
VIEWERS = (*UCC_STAFF, Role.QC_STAFF, Role.INFORMATIZATION_STAFF, Role.AGENCY_RESPONSIBLE)
HANDLERS = UCC_STAFF
CODE_RE = re.compile(r"^\s*(\d{8})\b")


def region_choices() -> list[tuple[str, str]]:
    """Regions and cities of republican significance, named in the user's language."""
    regions = db.session.scalars(select(Region)).all()
    return sorted(((r.code, localized(r, "name")) for r in regions), key=lambda x: x[1])


def agency_choices() -> list[tuple[int, str]]:
    """Active agencies for drop-downs."""
    rows = db.session.scalars(select(Agency).where(Agency.is_active)).all()
    return sorted(((a.id, localized(a, "short") or localized(a, "name")) for a in rows),
                  key=lambda x: x[1])


def service_label(service: Service) -> str:
    """How a service appears in the form's suggestion list."""
    return f"{service.code} — {localized(service, 'name')}"


def load_appeal(appeal_id: int) -> Appeal:
    """The appeal, or 404 when it does not exist or the viewer may not see it."""
    appeal: Appeal = get_or_404(Appeal, appeal_id)
    if not queries.can_view(current_user, appeal):
        abort(404)  # another agency's appeal: do not even confirm it exists
    return appeal


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    """All appeals with filters and search (htmx active search, works without JS)."""
    f = queries.AppealFilter.from_args(request.args)
    page = paginate(db.session, queries.appeal_list(f, current_user),
                    request.args.get("page", 1, type=int), per_page=30)
    return render_page("appeals/index.html", "appeals/_list.html", page=page, f=f,
                       regions=region_choices(), channels=list(Channel),
                       characters=list(Character), statuses=list(AppealStatus),
                       args=request.args, can_register=current_user.role in HANDLERS)


def _prefill(form: AppealForm) -> dict[str, Any]:
    """Fill the form from what the operator had open: a KB article, a service, the call."""
    from portal.knowledge.models import Article

    article = None
    article_id = request.args.get("article_id", type=int)
    if article_id:
        article = db.session.get(Article, article_id)
        form.article_id.data = str(article_id) if article else ""
    service_id = request.args.get("service_id", type=int) or (
        article.service_id if article else None)
    service = db.session.get(Service, service_id) if service_id else None
    if service is not None:
        form.service.data = service_label(service)
        form.agency_id.data = service.agency_id
    form.call_id.data = request.args.get("call_id", "")[:64]
    form.phone.data = request.args.get("phone", "")[:40]
    form.received_at.data = datetime.now(local_tz()).replace(second=0, microsecond=0,
                                                            tzinfo=None)
    return {"article": article, "service": service}


def _form_data(form: AppealForm) -> dict[str, Any]:
    """The form as service arguments; the service field holds "CODE — name"."""
    service_id = None
    text = (form.service.data or "").strip()
    if text:
        match = CODE_RE.match(text)
        service = db.session.scalar(select(Service).where(Service.code == match.group(1))) \
            if match else None
        if service is None:
            raise DomainError(_("Choose a service from the list (start with its code)."),
                              "service_id")
        service_id = service.id
    return {
        "channel": Channel(form.channel.data),
        "received_at": services.local_datetime(form.received_at.data),
        "region_code": form.region_code.data or None,
        "applicant_surname": form.applicant_surname.data or "",
        "applicant_name": form.applicant_name.data or "",
        "phone": form.phone.data or "", "email": form.email.data or "",
        "iin": form.iin.data or "", "service_id": service_id,
        "agency_id": form.agency_id.data, "character": Character(form.character.data),
        "content": form.content.data or "", "measures": form.measures.data or "",
        "request_number": form.request_number.data or "",
        "status": AppealStatus(form.status.data),
        "call_id": (form.call_id.data or "").strip() or None,
        "article_id": int(form.article_id.data) if (form.article_id.data or "").isdigit()
        else None,
    }


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*HANDLERS)
def new():
    """The after-call form: keyboard-first, prefilled from the article or service."""
    form = AppealForm()
    form.set_choices(region_choices(), agency_choices())
    context: dict[str, Any] = {}
    if request.method == "GET":
        context = _prefill(form)
    elif form.validate_on_submit():
        try:
            appeal = services.register_appeal(db.session, current_user, _form_data(form))
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, {"service_id": "service"})
        else:
            flash(_("Appeal No. %(number)s registered.", number=appeal.number), "success")
            if request.form.get("next") == "another":
                return redirect(url_for("appeals.new"), code=303)
            return redirect(url_for("appeals.detail", appeal_id=appeal.id), code=303)
    services_list = db.session.scalars(select(Service).order_by(Service.code)).all()
    status = 200 if request.method == "GET" or not form.errors else 422
    return render_template("appeals/form.html", form=form, services=services_list,
                           service_label=service_label, **context), status


def _detail_context(appeal: Appeal) -> dict[str, Any]:
    update = UpdateForm(obj=appeal, formdata=None)
    update.set_choices(appeal.status)
    update.status.data = appeal.status.value
    update.character.data = appeal.character.value
    transfer = TransferForm(formdata=None)
    transfer.to_user_id.choices = [("", "—")] + [
        (str(u.id), f"{u.full_name} ({u.role.label})") for u in queries.operators(db.session)]
    referral = ReferralForm(formdata=None)
    referral.agency_id.choices = [("", "—")] + [(str(i), n) for i, n in agency_choices()]
    replies = db.session.scalars(select(AppealReply).where(
        AppealReply.appeal_id == appeal.id).order_by(AppealReply.id)).all()
    return {"appeal": appeal, "update_form": update, "transfer_form": transfer,
            "referral_form": referral, "rating_form": RatingForm(formdata=None),
            "reply_form": ReplyForm(formdata=None), "replies": replies,
            "rating": ratings.rating_for(db.session, appeal),
            "obligations": open_obligations_for(db.session, "appeal", appeal.id),
            "groups": queries.known_groups(db.session),
            "can_handle": current_user.role in HANDLERS}


@bp.route("/<int:appeal_id>")
@roles_required(*VIEWERS)
def detail(appeal_id: int):
    """One appeal: its data, history, answer and the actions on it."""
    return render_template("appeals/appeal.html", **_detail_context(load_appeal(appeal_id)))


def _redisplay(appeal: Appeal, form_name: str, form: Any, err: DomainError | None = None
               ) -> tuple[str, int]:
    """The appeal page again with one action's form and its errors (422)."""
    db.session.rollback()
    if err is not None:
        show_on_form(form, err, {"service_id": "service"})
    context = _detail_context(appeal)
    context[form_name] = form
    return render_template("appeals/appeal.html", **context), 422


@bp.route("/<int:appeal_id>/update", methods=["POST"])
@roles_required(*HANDLERS)
def update(appeal_id: int):
    """Record measures taken, the request number, the status."""
    appeal = load_appeal(appeal_id)
    form = UpdateForm()
    form.set_choices(appeal.status)
    if not form.validate_on_submit():
        return _redisplay(appeal, "update_form", form)
    try:
        services.update_appeal(db.session, current_user, appeal, {
            "character": Character(form.character.data), "measures": form.measures.data or "",
            "request_number": form.request_number.data or "",
            "status": AppealStatus(form.status.data)})
        db.session.commit()
    except DomainError as err:
        return _redisplay(appeal, "update_form", form, err)
    flash(_("Saved."), "success")
    return redirect(url_for("appeals.detail", appeal_id=appeal.id), code=303)


@bp.route("/<int:appeal_id>/transfer", methods=["POST"])
@roles_required(*HANDLERS)
def transfer(appeal_id: int):
    """Transfer to another operator or group with a note (Rules No. 83, cl. 11)."""
    appeal = load_appeal(appeal_id)
    form = TransferForm()
    if not form.validate_on_submit():
        return _redisplay(appeal, "transfer_form", form)
    try:
        services.transfer_appeal(db.session, current_user, appeal,
                                 to_user_id=form.to_user_id.data,
                                 to_group=form.to_group.data or "", note=form.note.data or "")
        db.session.commit()
    except DomainError as err:
        return _redisplay(appeal, "transfer_form", form, err)
    flash(_("Transferred. Tell the caller they are being put through."), "success")
    return redirect(url_for("appeals.detail", appeal_id=appeal.id), code=303)


@bp.route("/<int:appeal_id>/refer", methods=["POST"])
@roles_required(*HANDLERS)
def refer(appeal_id: int):
    """Record the competent body an out-of-scope caller was directed to (cl. 10)."""
    appeal = load_appeal(appeal_id)
    form = ReferralForm()
    if not form.validate_on_submit():
        return _redisplay(appeal, "referral_form", form)
    try:
        services.refer_appeal(db.session, current_user, appeal, body=form.body.data or "",
                              agency_id=form.agency_id.data, note=form.note.data or "")
        db.session.commit()
    except DomainError as err:
        return _redisplay(appeal, "referral_form", form, err)
    flash(_("Referral recorded."), "success")
    return redirect(url_for("appeals.detail", appeal_id=appeal.id), code=303)


@bp.route("/<int:appeal_id>/rate", methods=["POST"])
@roles_required(*HANDLERS)
def rate(appeal_id: int):
    """Record the caller's rating of the call (cl. 13) when the telephony could not."""
    appeal = load_appeal(appeal_id)
    form = RatingForm()
    if not form.validate_on_submit():
        return _redisplay(appeal, "rating_form", form)
    try:
        ratings.record_rating(db.session, current_user, call_id=ratings.ui_call_id(appeal),
                              score=ratings.parse_score(form.score.data),
                              operator=appeal.operator, source="portal")
        db.session.commit()
    except (DomainError, ConflictError) as err:
        return _redisplay(appeal, "rating_form", form, err)
    flash(_("Rating recorded."), "success")
    return redirect(url_for("appeals.detail", appeal_id=appeal.id), code=303)


@bp.route("/<int:appeal_id>/reply", methods=["POST"])
@roles_required(*HANDLERS)
def reply(appeal_id: int):
    """Answer an e-mail appeal; sent as a reply to the applicant's message (cl. 8)."""
    appeal = load_appeal(appeal_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _redisplay(appeal, "reply_form", form)
    try:
        mail.reply(db.session, current_user, appeal, form.body.data or "")
        db.session.commit()
    except DomainError as err:
        return _redisplay(appeal, "reply_form", form, err)
    flash(_("The answer is queued for sending."), "success")
    return redirect(url_for("appeals.detail", appeal_id=appeal.id), code=303)


@bp.route("/<int:appeal_id>/attachments/<int:appeal_attachment_id>")
@roles_required(*VIEWERS)
def attachment(appeal_id: int, appeal_attachment_id: int):
    """Download a file that came with an e-mail appeal."""
    appeal = load_appeal(appeal_id)
    att: AppealAttachment = get_or_404(AppealAttachment, appeal_attachment_id)
    if att.appeal_id != appeal.id:
        abort(404)
    return Response(att.content, mimetype="application/octet-stream", headers={
        "Content-Disposition": download_disposition(att.filename),
        "X-Content-Type-Options": "nosniff"})


def download_disposition(filename: str) -> str:
    """An attachment header that survives non-ASCII names (RFC 6266)."""
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "file"
    ascii_name = ascii_name.replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
