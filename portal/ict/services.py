"""ICT requests of government bodies: registration, escalation to the ICI operator, answers.

Rules No. 83 cl. 35-37. Every step writes a history event and an audit entry; the
reaction and resolution deadlines of the processing regulation (cl. 37) are obligations
of the engine, so they appear in the overdue lists and reminders like every other term.
Services flush and never commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.agencies.models import Agency, AgencyKind
from portal.db import utcnow
from portal.errors import DomainError
from portal.ict import notices
from portal.ict.models import (
    EventKind,
    IctAttachment,
    IctCategory,
    IctRequest,
    IctRequestEvent,
    RequestChannel,
    RequestStatus,
)
from portal.ict.permissions import (
    can_answer,
    can_close,
    can_comment,
    can_escalate,
    can_take,
    require,
)
from portal.ict.regulation import REACTION_RULE, RESOLUTION_RULE, deadlines_for
from portal.obligations import engine
from portal.security import UCC_STAFF

SUBJECT = "ict_request"
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
REQUEST_FIELDS = ("agency_id", "requester_name", "requester_position", "requester_phone",
                  "requester_email", "category_id", "system", "subject", "text", "channel")


def _now(now: datetime | None) -> datetime:
    return now or utcnow()


def _event(session: Session, req: IctRequest, actor: Any, kind: EventKind, at: datetime,
           text: str = "") -> IctRequestEvent:
    event = IctRequestEvent(request=req, kind=kind, at=at, text=text,
                            actor_id=getattr(actor, "id", None),
                            actor_name=getattr(actor, "full_name", "") or "",
                            actor_role=str(getattr(actor, "role", "") or ""))
    session.add(event)
    session.flush()
    return event


def register_request(session: Session, actor: Any, data: dict[str, Any],
                     files: list[tuple[str, str, bytes]] | None = None,
                     now: datetime | None = None) -> IctRequest:
    """Register a body's ICT request and open its regulation deadlines (cl. 35, 37)."""
    at = _now(now)
    values = {k: data.get(k, "") for k in REQUEST_FIELDS}
    if getattr(actor, "agency_id", None) and not _is_ucc(actor):
        values["agency_id"] = actor.agency_id  # a body registers only its own requests
        values["channel"] = RequestChannel.PORTAL
    values["channel"] = RequestChannel(values["channel"] or RequestChannel.PORTAL)
    agency = session.get(Agency, values["agency_id"] or 0)
    if agency is None:
        raise DomainError(_("Choose the body that asks."), "agency_id")
    category = session.get(IctCategory, values["category_id"] or 0)
    if category is None or not category.active:
        raise DomainError(_("Choose a category of the regulation."), "category_id")
    due = deadlines_for(session, category, at)
    req = IctRequest(**values, status=RequestStatus.NEW, registered_at=at,
                     registered_by_id=getattr(actor, "id", None),
                     time_basis=category.time_basis, reaction_minutes=category.reaction_minutes,
                     resolution_minutes=category.resolution_minutes,
                     reaction_due_at=due.reaction_due_at,
                     resolution_due_at=due.resolution_due_at)
    session.add(req)
    session.flush()
    event = _event(session, req, actor, EventKind.REGISTERED, at, req.text)
    _attach(session, req, actor, files or [], at, event)
    for rule, due_at in ((REACTION_RULE, due.reaction_due_at),
                         (RESOLUTION_RULE, due.resolution_due_at)):
        engine.open_obligation(session, rule_key=rule, trigger_at=at, subject_type=SUBJECT,
                               subject_id=req.id, agency_id=req.agency_id, due_at=due_at,
                               actor=actor, party="ucc")
    audit.record(session, actor, "ict.request_register", req,
                 {"status": [None, req.status.value], "category": [None, category.code]},
                 summary=f"{req.number} {req.subject}", agency_id=req.agency_id)
    return req


def _is_ucc(actor: Any) -> bool:
    return getattr(actor, "role", None) in UCC_STAFF


def _react(session: Session, req: IctRequest, actor: Any, at: datetime) -> None:
    """The first step of the contact center is the reaction the regulation times (cl. 37)."""
    if req.reacted_at is None:
        req.reacted_at = at
        engine.fulfil(session, rule_key=REACTION_RULE, subject_type=SUBJECT, subject_id=req.id,
                      at=at, actor=actor)


def _set_status(session: Session, req: IctRequest, actor: Any, status: RequestStatus,
                action: str) -> None:
    changes = audit.apply_changes(req, {"status": status})
    session.flush()
    audit.record(session, actor, f"ict.request_{action}", req, changes, summary=req.number,
                 agency_id=req.agency_id)


def take_request(session: Session, actor: Any, req: IctRequest,
                 now: datetime | None = None) -> None:
    """An operator takes the request into work (counts as the reaction)."""
    require(can_take(actor, req))
    at = _now(now)
    _react(session, req, actor, at)
    _event(session, req, actor, EventKind.TAKEN, at)
    _set_status(session, req, actor, RequestStatus.IN_PROGRESS, "take")


def escalate_request(session: Session, actor: Any, req: IctRequest, note: str,
                     now: datetime | None = None) -> None:
    """Send the request to the ICI operator: the Knowledge Base has no answer (cl. 36)."""
    require(can_escalate(actor, req))
    if not note.strip():
        raise DomainError(_("Say what the ICI operator must answer."), "note")
    at = _now(now)
    _react(session, req, actor, at)
    req.escalated_at = at
    req.escalation_note = note.strip()
    _event(session, req, actor, EventKind.ESCALATED, at, req.escalation_note)
    _set_status(session, req, actor, RequestStatus.ESCALATED, "escalate")
    # The resolution term does not restart: the ICI operator inherits the same deadline.
    engine.cancel(session, rule_key=RESOLUTION_RULE, subject_type=SUBJECT, subject_id=req.id,
                  reason="Escalated to the ICI operator (Rules No. 83, cl. 36)", actor=actor,
                  at=at, details={"escalated": True})
    # The acting agency is now the ICI operator: its users get the engine's reminders.
    ici_id = session.scalar(select(Agency.id).where(
        Agency.kind == AgencyKind.ICI_OPERATOR, Agency.is_active.is_(True))
        .order_by(Agency.id).limit(1))
    engine.open_obligation(session, rule_key=RESOLUTION_RULE, trigger_at=at,
                           subject_type=SUBJECT, subject_id=req.id, agency_id=ici_id,
                           due_at=req.resolution_due_at, actor=actor, party="ici_operator",
                           details={"escalated": True, "body_id": req.agency_id})
    notices.request_escalated(session, req)


def answer_request(session: Session, actor: Any, req: IctRequest, text: str,
                   files: list[tuple[str, str, bytes]] | None = None,
                   now: datetime | None = None) -> None:
    """Answer the body: the contact center itself or, for an escalated request, the ICI operator."""
    require(can_answer(actor, req))
    if not text.strip():
        raise DomainError(_("Write the answer."), "text")
    at = _now(now)
    _react(session, req, actor, at)
    req.answered_at = at
    req.answer_text = text.strip()
    req.answered_by_ici = req.escalated_at is not None
    event = _event(session, req, actor, EventKind.ANSWERED, at, req.answer_text)
    _attach(session, req, actor, files or [], at, event)
    _set_status(session, req, actor, RequestStatus.ANSWERED, "answer")
    engine.fulfil(session, rule_key=RESOLUTION_RULE, subject_type=SUBJECT, subject_id=req.id,
                  at=at, actor=actor)
    notices.request_answered(session, req)


def close_request(session: Session, actor: Any, req: IctRequest, text: str = "",
                  now: datetime | None = None) -> None:
    """Close an answered request (the body has what it needed)."""
    require(can_close(actor, req))
    at = _now(now)
    req.closed_at = at
    _event(session, req, actor, EventKind.CLOSED, at, text.strip())
    _set_status(session, req, actor, RequestStatus.CLOSED, "close")


def comment_request(session: Session, actor: Any, req: IctRequest, text: str,
                    files: list[tuple[str, str, bytes]] | None = None,
                    now: datetime | None = None) -> IctRequestEvent:
    """Add a clarification or a file to an open request (any party that sees it)."""
    require(can_comment(actor, req))
    if not text.strip() and not files:
        raise DomainError(_("Write a comment or attach a file."), "text")
    at = _now(now)
    kind = EventKind.COMMENTED if text.strip() else EventKind.ATTACHED
    event = _event(session, req, actor, kind, at, text.strip())
    _attach(session, req, actor, files or [], at, event)
    audit.record(session, actor, "ict.request_comment", req, {}, summary=req.number,
                 agency_id=req.agency_id)
    return event


def _attach(session: Session, req: IctRequest, actor: Any, files: list[tuple[str, str, bytes]],
            at: datetime, event: IctRequestEvent | None) -> None:
    if len(files) + len(req.attachments) > MAX_FILES * 4:
        raise DomainError(_("A request holds at most 20 files."), "files")
    if len(files) > MAX_FILES:
        raise DomainError(_("Attach at most 5 files at a time."), "files")
    for name, mime, content in files:
        if len(content) > MAX_FILE_BYTES:
            raise DomainError(_("A file may be at most 10 MB."), "files")
        session.add(IctAttachment(request=req, event_id=event.id if event else None,
                                  filename=name[:255] or "file", mime_type=mime[:120],
                                  size=len(content), content=content, uploaded_at=at,
                                  uploaded_by_id=getattr(actor, "id", None)))
    session.flush()
