"""E-mails about ICT requests: the ICI operator hears of an escalation, the body of an answer.

Queued through the outbox in the same transaction (exactly once per key), in each
recipient's language.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.agencies.models import Agency, AgencyKind
from portal.auth.models import User
from portal.ict.models import IctRequest
from portal.notify.outbox import render_and_queue
from portal.security import Role


def _ici_addresses(session: Session) -> list[tuple[str, str]]:
    """(e-mail, locale) of the ICI operator's users and of the operator itself (cl. 17.3)."""
    out: dict[str, str] = {}
    for email, locale in session.execute(
            select(User.email, User.locale).where(User.role == Role.ICI_OPERATOR,
                                                  User.active.is_(True), User.email != "")):
        out.setdefault(email.strip().lower(), locale or "kk")
    for (email,) in session.execute(
            select(Agency.email).where(Agency.kind == AgencyKind.ICI_OPERATOR,
                                       Agency.is_active.is_(True), Agency.email != "")):
        out.setdefault(email.strip().lower(), "kk")
    return sorted(out.items())


def request_escalated(session: Session, req: IctRequest) -> int:
    """Tell the ICI operator a request waits for its answer; returns messages queued."""
    queued = 0
    for email, locale in _ici_addresses(session):
        msg = render_and_queue(session, key=f"ict_request:{req.id}:escalated:{email}", to=email,
                               template="ict/mail/request_escalated", locale=locale, req=req)
        queued += msg is not None
    return queued


def request_answered(session: Session, req: IctRequest) -> int:
    """Send the answer to the person who asked, when an e-mail address is known."""
    email = req.requester_email.strip().lower()
    if not email:
        return 0
    author = session.scalar(select(User.locale).where(User.email == email).limit(1))
    msg = render_and_queue(session, key=f"ict_request:{req.id}:answered:{email}", to=email,
                           template="ict/mail/request_answered", locale=author or "kk", req=req)
    return int(msg is not None)
