"""E-mail with applicants: the acknowledgement and the answer (Rules No. 83, cl. 8).

Both go through the outbox in the business transaction; their keys make them
exactly-once (a re-run intake job or a double-clicked button sends nothing twice).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.appeals.models import Appeal, AppealReply, AppealStatus, Channel, EventKind
from portal.appeals.services import EMAIL_ANSWER_RULE, add_event
from portal.db import utcnow
from portal.errors import DomainError
from portal.notify.outbox import queue_message, render_message

ACK_KEY = "appeal-ack:{appeal_id}"


def _threading(appeal: Appeal) -> dict[str, str]:
    """Headers that make our message a reply in the applicant's mail client."""
    if not appeal.email_message_id:
        return {}
    refs = " ".join(p for p in (appeal.email_references, appeal.email_message_id) if p)
    return {"In-Reply-To": appeal.email_message_id, "References": refs[-900:]}


def acknowledge(session: Session, appeal: Appeal) -> bool:
    """Queue the automatic acknowledgement with the appeal number; False if queued before.

    It is bilingual: the portal cannot know which state language the sender reads.
    """
    if not appeal.email:
        return False
    parts = [render_message("appeals/mail/ack", loc, appeal=appeal)
             for loc in (appeal.locale, "ru" if appeal.locale == "kk" else "kk")]
    subject = " / ".join(p[0] for p in parts)
    text = "\n\n— — —\n\n".join(p[1].strip() for p in parts) + "\n"
    msg = queue_message(session, key=ACK_KEY.format(appeal_id=appeal.id), channel="email",
                        to=appeal.email, subject=subject, text=text, locale=appeal.locale,
                        headers={**_threading(appeal), "Auto-Submitted": "auto-replied"})
    if msg is None:
        return False
    add_event(session, appeal, None, EventKind.ACKNOWLEDGED, details={"to": appeal.email})
    return True


def reply(session: Session, actor: Any, appeal: Appeal, body: str) -> AppealReply:
    """Send the operator's answer as a reply to the applicant's e-mail; closes the cl. 8 term."""
    from portal.obligations.engine import fulfil

    body = body.strip()
    if not body:
        raise DomainError(_("Write the answer."), "body")
    if not appeal.email:
        raise DomainError(_("The appeal has no e-mail address to answer to."), "body")
    count = session.scalar(select(func.count()).select_from(AppealReply).where(
        AppealReply.appeal_id == appeal.id)) or 0
    answer = AppealReply(appeal_id=appeal.id, body=body, sent_by_id=getattr(actor, "id", None),
                         outbox_key=f"appeal-reply:{appeal.id}:{count + 1}", created_at=utcnow())
    session.add(answer)
    session.flush()
    subject, text, _html = render_message("appeals/mail/reply", appeal.locale, appeal=appeal,
                                          body=body, actor=actor)
    queue_message(session, key=answer.outbox_key, channel="email", to=appeal.email,
                  subject=subject, text=text, locale=appeal.locale, headers=_threading(appeal))
    changes = audit.apply_changes(appeal, {"status": AppealStatus.ANSWERED})
    add_event(session, appeal, actor, EventKind.REPLIED, details={"reply_id": answer.id})
    if appeal.channel is Channel.EMAIL:
        fulfil(session, rule_key=EMAIL_ANSWER_RULE, subject_type="appeal", subject_id=appeal.id,
               at=answer.created_at, actor=actor)
    audit.record(session, actor, "appeals.reply", appeal, changes, summary=appeal.number,
                 agency_id=appeal.agency_id)
    return answer
