"""UCC requests for information and the agencies' answers or refusals (cl. 24-25, 28).

Attachments are kept in the database (bytea) with the answer they belong to: one
transaction stores both, backups and access checks cover them with no second store,
and the size limit keeps rows small.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit, signals
from portal.db import utcnow
from portal.errors import DomainError
from portal.registry.annex_models import InfoAttachment, InfoRequest, InfoRequestStatus
from portal.registry.models import Service
from portal.timeutil import local_today

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
#: Documents an agency sends back: office formats, PDF, images, plain text, archives.
ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".zip": "application/zip",
}
#: Leading bytes of binary formats, so a renamed executable is not accepted as a PDF.
MAGIC = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8", ".jpeg": b"\xff\xd8",
         ".zip": b"PK", ".docx": b"PK", ".xlsx": b"PK", ".odt": b"PK"}


@dataclass
class Upload:
    """A file received from a form."""

    filename: str
    data: bytes


def send_request(session: Session, actor: Any, agency_id: int, data: dict[str, Any]
                 ) -> InfoRequest:
    """The UCC asks an agency for information or clarification (Rules No. 83 cl. 24)."""
    subject = (data.get("subject") or "").strip()
    body = (data.get("body") or "").strip()
    due_on = data.get("due_on")
    if not subject:
        raise DomainError(_("Enter the subject of the request."), "subject")
    if not body:
        raise DomainError(_("Write what information is needed."), "body")
    if not isinstance(due_on, date) or due_on < local_today():
        raise DomainError(_("The due date must be today or later."), "due_on")
    service_id = data.get("service_id") or None
    if service_id is not None:
        service = session.get(Service, service_id)
        if service is None or service.agency_id != agency_id:
            raise DomainError(_("Choose a service of this agency."), "service_id")
    req = InfoRequest(agency_id=agency_id, service_id=service_id, subject=subject, body=body,
                      due_on=due_on, sent_by_id=getattr(actor, "id", None), sent_at=utcnow())
    session.add(req)
    session.flush()
    audit.record(session, actor, "registry.request_send", req,
                 {"subject": [None, subject], "due_on": [None, due_on]}, summary=subject)
    signals.info_request_sent.send("registry", session=session, actor=actor, request_id=req.id,
                                   agency_id=agency_id, service_id=service_id, due_on=due_on,
                                   sent_at=req.sent_at)
    return req


def check_upload(upload: Upload) -> str:
    """The content type of an acceptable file; DomainError when the file is refused."""
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ALLOWED_TYPES:
        raise DomainError(_("%(name)s: this type of file is not accepted (PDF, office "
                            "documents, images, text or ZIP).", name=name), "files")
    if not upload.data:
        raise DomainError(_("%(name)s is empty.", name=name), "files")
    if len(upload.data) > MAX_ATTACHMENT_BYTES:
        raise DomainError(_("%(name)s is larger than 10 MB.", name=name), "files")
    magic = MAGIC.get(ext)
    if magic and not upload.data.startswith(magic):
        raise DomainError(_("%(name)s is not really a %(ext)s file.", name=name, ext=ext),
                          "files")
    return ALLOWED_TYPES[ext] or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _require_open(req: InfoRequest) -> None:
    if req.status is not InfoRequestStatus.OPEN:
        raise DomainError(_("This request has already been answered or refused."))


def answer_request(session: Session, actor: Any, req: InfoRequest, text: str,
                   uploads: list[Upload] | None = None) -> None:
    """The agency answers (Rules No. 83 cl. 25), with files if needed."""
    _require_open(req)
    uploads = [u for u in (uploads or []) if u.filename]
    if not text.strip() and not uploads:
        raise DomainError(_("Write the answer or attach a document."), "answer")
    if len(uploads) > MAX_ATTACHMENTS:
        raise DomainError(_("Attach at most %(n)d files.", n=MAX_ATTACHMENTS), "files")
    types = [check_upload(u) for u in uploads]  # all checked before anything is stored
    for upload, ctype in zip(uploads, types, strict=True):
        req.attachments.append(InfoAttachment(
            filename=upload.filename.rsplit("/", 1)[-1][:255], content_type=ctype,
            size=len(upload.data), data=upload.data, uploaded_by_id=getattr(actor, "id", None)))
    now = utcnow()
    req.status, req.answer, req.responded_at = InfoRequestStatus.ANSWERED, text.strip(), now
    req.responded_by_id = getattr(actor, "id", None)
    session.flush()
    audit.record(session, actor, "registry.request_answer", req,
                 {"status": ["open", "answered"], "files": [None, [u.filename for u in uploads]]},
                 summary=req.subject)
    signals.info_request_answered.send("registry", session=session, actor=actor,
                                       request_id=req.id, agency_id=req.agency_id,
                                       answered_at=now)


def refuse_request(session: Session, actor: Any, req: InfoRequest, reason: str) -> None:
    """Record the agency's refusal and its reason (cl. 25 secrets; cl. 28 counts refusals)."""
    _require_open(req)
    if not reason.strip():
        raise DomainError(_("Give the reason for the refusal."), "reason")
    now = utcnow()
    req.status, req.refusal_reason, req.responded_at = (InfoRequestStatus.REFUSED,
                                                        reason.strip(), now)
    req.responded_by_id = getattr(actor, "id", None)
    session.flush()
    audit.record(session, actor, "registry.request_refuse", req,
                 {"status": ["open", "refused"], "reason": [None, reason.strip()]},
                 summary=req.subject)
    signals.info_request_refused.send("registry", session=session, actor=actor,
                                      request_id=req.id, agency_id=req.agency_id,
                                      refused_at=now)


def refusals(session: Session, agency_id: int, since: datetime | None = None,
             until: datetime | None = None) -> list[InfoRequest]:
    """An agency's refusals, oldest first, optionally within [since, until) (cl. 28)."""
    stmt = select(InfoRequest).where(InfoRequest.agency_id == agency_id,
                                     InfoRequest.status == InfoRequestStatus.REFUSED)
    if since is not None:
        stmt = stmt.where(InfoRequest.responded_at >= since)
    if until is not None:
        stmt = stmt.where(InfoRequest.responded_at < until)
    return list(session.scalars(stmt.order_by(InfoRequest.responded_at)))


def refusal_counts(session: Session) -> list[tuple[int, int, datetime]]:
    """(agency id, number of refusals, last refusal) for every agency that refused."""
    rows = session.execute(
        select(InfoRequest.agency_id, func.count(), func.max(InfoRequest.responded_at))
        .where(InfoRequest.status == InfoRequestStatus.REFUSED)
        .group_by(InfoRequest.agency_id)
        .order_by(func.max(InfoRequest.responded_at).desc())).all()
    return [(a, n, last) for a, n, last in rows]
