"""Operations on obligations by people and by the calendar (flush, audit, never commit)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import DomainError
from portal.obligations.engine import (
    cancel,
    compute_due,
    end_of_day,
    get_calendar,
    local_date,
    start_of_day,
)
from portal.obligations.models import CALENDAR_KINDS, Obligation, ObligationStatus, Rule


def recompute_deadlines(session: Session, actor: Any, day: date) -> int:
    """Recompute open deadlines a change of ``day`` can move; returns how many moved.

    Only rule-computed deadlines counted on the production calendar move: a date given
    by a request (``due_explicit``) or counted in clock hours stays. Counting forward
    only looks at the days after the trigger up to the deadline, so only terms that
    start before ``day`` and end on or after it can move.
    """
    cal = get_calendar(session)
    candidates = session.scalars(
        select(Obligation).join(Rule, Obligation.rule_id == Rule.id)
        .where(Obligation.status == ObligationStatus.OPEN, Obligation.due_explicit.is_(False),
               Rule.deadline_kind.in_(CALENDAR_KINDS),
               Obligation.trigger_at < end_of_day(day), Obligation.due_at >= start_of_day(day))
        .order_by(Obligation.id)).all()
    moved = 0
    for ob in candidates:
        # The trigger day itself is never counted in working days (it is in working hours).
        if ob.rule.deadline_kind != "working_hours" and local_date(ob.trigger_at) >= day:
            continue
        new_due = compute_due(cal, ob.rule, ob.trigger_at)
        if new_due == ob.due_at:
            continue
        changes = audit.apply_changes(ob, {"due_at": new_due})
        audit.record(session, actor, "obligations.due_moved", ob, changes,
                     summary=f"{ob.rule_key} {ob.subject_type}#{ob.subject_id}: "
                             f"calendar change on {day.isoformat()}")
        moved += 1
    session.flush()
    return moved


def cancel_obligation(session: Session, actor: Any, ob: Obligation, reason: str) -> Obligation:
    """A manager cancels an open obligation that no longer applies (the reason is required)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the obligation is cancelled."), "reason")
    if ob.status is not ObligationStatus.OPEN:
        raise DomainError(_("Only an open obligation can be cancelled."))
    closed = cancel(session, rule_key=ob.rule_key, subject_type=ob.subject_type,
                    subject_id=ob.subject_id, reason=reason, actor=actor)
    assert closed is not None
    return closed


def history(session: Session, ob: Obligation) -> list[audit.AuditEntry]:
    """The audit trail of one obligation, oldest first."""
    return list(session.scalars(
        select(audit.AuditEntry)
        .where(audit.AuditEntry.object_type == "Obligation",
               audit.AuditEntry.object_id == str(ob.id))
        .order_by(audit.AuditEntry.at, audit.AuditEntry.id)))
