"""The outbox viewer: what the portal sent or holds (in development nothing leaves)."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from portal.db import db, get_or_404
from portal.errors import committing
from portal.htmx import hx_redirect, render_page
from portal.notify import bp
from portal.notify.delivery import enabled_channels
from portal.notify.models import Channel, OutboxAttachment, OutboxMessage, OutboxStatus
from portal.notify.outbox import resend
from portal.pagination import paginate
from portal.security import Role, roles_required

VIEWERS = (Role.ADMIN, Role.UCC_MANAGER)
#: The HTML body of a message is shown as a document of its own, sandboxed: no
#: scripts, no requests, no access to the portal's origin.
HTML_BODY_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@bp.route("")
@roles_required(*VIEWERS)
def outbox():
    """Every queued message, newest first; filter by status, channel, recipient or key."""
    args = request.args
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    status = args.get("status", "")
    if status in {s.value for s in OutboxStatus}:
        stmt = stmt.where(OutboxMessage.status == OutboxStatus(status))
    channel = args.get("channel", "")
    if channel in {c.value for c in Channel}:
        stmt = stmt.where(OutboxMessage.channel == Channel(channel))
    if q := args.get("q", "").strip():
        like = f"%{q}%"
        stmt = stmt.where(or_(OutboxMessage.recipient.ilike(like), OutboxMessage.key.ilike(like),
                              OutboxMessage.subject.ilike(like)))
    page = paginate(db.session, stmt, args.get("page", 1, type=int), per_page=50)
    return render_page("notify/outbox.html", "notify/_outbox_table.html", page=page, args=args,
                       statuses=list(OutboxStatus), channels=list(Channel),
                       transports=enabled_channels(current_app.config))


@bp.route("/<int:message_id>")
@roles_required(*VIEWERS)
def message(message_id: int):
    """One message as it was (or will be) sent."""
    msg = get_or_404(OutboxMessage, message_id)
    return render_page("notify/message.html", "notify/_message.html", msg=msg)


@bp.route("/<int:message_id>/html")
@roles_required(*VIEWERS)
def message_html(message_id: int):
    """The HTML alternative of a message, isolated by a sandbox policy."""
    msg = get_or_404(OutboxMessage, message_id)
    if not msg.body_html:
        return make_response(_("This message has no HTML part."), 404)
    response = make_response(msg.body_html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = HTML_BODY_CSP
    return response


@bp.route("/<int:message_id>/attachments/<int:attachment_id>")
@roles_required(*VIEWERS)
def attachment(message_id: int, attachment_id: int):
    """Download one attachment of a message."""
    att = get_or_404(OutboxAttachment, attachment_id)
    if att.message_id != message_id:
        return make_response(_("There is no such page or object."), 404)
    response = make_response(att.content)
    response.headers["Content-Type"] = att.mime_type
    name = quote(att.filename, safe="")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@bp.route("/<int:message_id>/resend", methods=["POST"])
@roles_required(*VIEWERS)
def resend_message(message_id: int):
    """Queue a failed or sent message again."""
    msg = get_or_404(OutboxMessage, message_id)
    with committing(_("The message is queued again.")):
        resend(db.session, current_user, msg)
    return hx_redirect(url_for("notify.message", message_id=msg.id))

