"""The obligations engine: open, fulfil and cancel deadlines under the rule version in force.

Contract (used by registry subscribers, onboarding, notify, appeals, reports ...):
``open_obligation``, ``fulfil``, ``cancel``, ``open_obligations_for``, ``get_calendar``.
Functions flush and write audit entries; they never commit.

Which rule version applies: the version in force on the trigger's Astana date
(``rules`` table, seeded from ``rulebook_data``). When none is in force - the
15.10.2022-07.08.2023 gap, whose text (No. 83 as amended by No. 368/НҚ) is not in the
seeds, or a date before a rule first existed - the engine never fails: it applies the
nearest EARLIER version (the last text known to have been in force; the next one was not
yet adopted, so applying it would be retroactive), or, when no earlier version exists,
the nearest later one, and flags the obligation ``rule_inferred``.

How deadlines are computed from the trigger moment (Astana time):
- working_days N: end (23:59:59.999999) of the N-th working day after the trigger day;
- next_working_day: end of the next working day; working_hours N: ``add_working_hours``;
- hours N: trigger + N hours; immediately: the trigger moment itself;
- day_of_next_month N: end of day N of the month after the trigger's month (the caller
  passes a moment inside the reporting month, e.g. its last day);
- hours_before N: ``event_at`` - N hours (the caller passes the event, e.g. an outage);
- no_term: no deadline (``due_at`` None) unless the caller gives one (a request's date).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from portal import audit
from portal.calendar.services import load_calendar
from portal.calendar.workdays import ASTANA_TZ, WorkCalendar
from portal.db import utcnow
from portal.obligations.models import Obligation, ObligationStatus, Rule
from portal.obligations.rulebook import rules_by_key

__all__ = [
    "cancel", "compute_due", "fulfil", "get_calendar", "open_obligation",
    "open_obligations_for", "resolve_rule", "local_date", "end_of_day", "start_of_day",
]


def get_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar with DB overrides (cached per session, i.e. request or job)."""
    return load_calendar(session)


def local_date(moment: datetime) -> date:
    """The Astana calendar date of an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("obligation times must be timezone-aware")
    return moment.astimezone(ASTANA_TZ).date()


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Astana: a deadline "by day X" includes all of X."""
    return datetime.combine(day, time.max, ASTANA_TZ)


def start_of_day(day: date) -> datetime:
    """Midnight of ``day`` in Astana: the moment of an event known only by its date."""
    return datetime.combine(day, time.min, ASTANA_TZ)


def resolve_rule(session: Session, rule_key: str, on: date) -> tuple[Rule, bool]:
    """(version in force on ``on``, inferred?) - see the module docstring for the gap policy."""
    versions = rules_by_key(session, rule_key)
    for rule in versions:
        if rule.is_in_force(on):
            return rule, False
    earlier = [r for r in versions if r.effective_from <= on]
    return (earlier[-1] if earlier else versions[0]), True


def compute_due(cal: WorkCalendar, rule: Rule, trigger_at: datetime,
                event_at: datetime | None = None) -> datetime | None:
    """The deadline of ``rule`` for an event at ``trigger_at`` (None: the rule sets no term)."""
    kind, n = rule.deadline_kind, rule.deadline_value
    day = local_date(trigger_at)
    if kind == "working_days":
        return end_of_day(cal.add_working_days(day, n))
    if kind == "next_working_day":
        return end_of_day(cal.next_working_day(day))
    if kind == "working_hours":
        return cal.add_working_hours(trigger_at, n)
    if kind == "hours":
        return trigger_at + timedelta(hours=n)
    if kind == "immediately":
        return trigger_at
    if kind == "day_of_next_month":
        return end_of_day(cal.nth_day_of_next_month(day, n))
    if kind == "hours_before":
        if event_at is None:
            raise ValueError(f"{rule.key}: an 'at least {n} hours before' rule needs event_at")
        return event_at - timedelta(hours=n)
    if kind == "no_term":
        return None
    raise ValueError(f"{rule.key}: unknown deadline kind {kind!r}")


def _find_open(session: Session, rule_key: str, subject_type: str, subject_id: int
               ) -> Obligation | None:
    return session.scalar(select(Obligation).where(
        Obligation.rule_key == rule_key, Obligation.subject_type == subject_type,
        Obligation.subject_id == subject_id, Obligation.status == ObligationStatus.OPEN))


def open_obligation(session: Session, *, rule_key: str, trigger_at: datetime, subject_type: str,
                    subject_id: int, agency_id: int | None, service_id: int | None = None,
                    due_at: datetime | None = None, actor: Any = None,
                    event_at: datetime | None = None, party: str | None = None,
                    details: dict[str, Any] | None = None) -> Obligation:
    """Open (or return the existing OPEN) obligation of ``rule_key`` for a subject.

    Idempotent: the same rule and subject never have two open obligations, and replaying
    an event with the same ``trigger_at`` returns the obligation it created, even closed.
    ``due_at`` overrides the rule's term (a UCC request's own due date); ``event_at`` is
    the event an "at least N hours before" rule counts back from; ``party`` overrides the
    rule's actor.
    """
    # One round trip for both idempotency checks: the open one first, else the replay.
    existing = session.scalar(
        select(Obligation).where(
            Obligation.rule_key == rule_key, Obligation.subject_type == subject_type,
            Obligation.subject_id == subject_id,
            or_(Obligation.status == ObligationStatus.OPEN, Obligation.trigger_at == trigger_at))
        .order_by((Obligation.status == ObligationStatus.OPEN).desc(), Obligation.id.desc())
        .limit(1))
    if existing is not None:
        return existing
    rule, inferred = resolve_rule(session, rule_key, local_date(trigger_at))
    due = due_at if due_at is not None else compute_due(get_calendar(session), rule,
                                                        trigger_at, event_at)
    values = dict(rule_key=rule_key, rule_id=rule.id, subject_type=subject_type,
                  subject_id=subject_id, service_id=service_id, agency_id=agency_id,
                  party=party or rule.actor, trigger_at=trigger_at, due_at=due,
                  due_explicit=due_at is not None, rule_inferred=inferred,
                  status=ObligationStatus.OPEN, close_reason="", details=details or {})
    # ON CONFLICT on the partial unique index: a concurrent transaction that opened the
    # same obligation first wins, and we return its row instead of failing.
    obligation = session.scalar(
        insert(Obligation).values(**values)
        .on_conflict_do_nothing(index_elements=["rule_key", "subject_type", "subject_id"],
                                # a literal: PostgreSQL cannot match a partial index
                                # against a bound parameter in a prepared statement
                                index_where=text("status = 'open'"))
        .returning(Obligation))
    if obligation is None:
        found = _find_open(session, rule_key, subject_type, subject_id)
        assert found is not None
        return found
    audit.record(session, actor, "obligations.open", obligation,
                 {"due_at": [None, due], "rule": [None, f"{rule.act_number}/{rule.clause}"]},
                 summary=f"{rule_key} {subject_type}#{subject_id}", agency_id=agency_id)
    return obligation


def _close(session: Session, obligation: Obligation, status: ObligationStatus, at: datetime,
           reason: str, actor: Any, action: str) -> Obligation:
    changes = audit.apply_changes(obligation, {
        "status": status, "closed_at": at, "close_reason": reason,
        "closed_by_id": getattr(actor, "id", None)})
    session.flush()
    audit.record(session, actor, action, obligation, changes,
                 summary=f"{obligation.rule_key} {obligation.subject_type}#"
                         f"{obligation.subject_id}: {status.value}")
    return obligation


def fulfil(session: Session, *, rule_key: str, subject_type: str, subject_id: int, at: datetime,
           actor: Any = None, reason: str = "", details: dict[str, Any] | None = None
           ) -> Obligation | None:
    """Close the open obligation as fulfilled on time (``at`` <= due_at) or late; None if none."""
    obligation = _find_open(session, rule_key, subject_type, subject_id)
    if obligation is None:
        return None
    if at.tzinfo is None:
        raise ValueError("fulfilment time must be timezone-aware")
    on_time = obligation.due_at is None or at <= obligation.due_at
    if details:
        obligation.details = {**obligation.details, **details}
    status = ObligationStatus.FULFILLED_ON_TIME if on_time else ObligationStatus.FULFILLED_LATE
    return _close(session, obligation, status, at, reason, actor, "obligations.fulfil")


def cancel(session: Session, *, rule_key: str, subject_type: str, subject_id: int, reason: str,
           actor: Any = None, at: datetime | None = None,
           details: dict[str, Any] | None = None) -> Obligation | None:
    """Close the open obligation as cancelled with ``reason``; None if none is open."""
    obligation = _find_open(session, rule_key, subject_type, subject_id)
    if obligation is None:
        return None
    if details:
        obligation.details = {**obligation.details, **details}
    return _close(session, obligation, ObligationStatus.CANCELLED, at or utcnow(), reason,
                  actor, "obligations.cancel")


def open_obligations_for(session: Session, subject_type: str, subject_id: int
                         ) -> list[Obligation]:
    """Open obligations of one subject, nearest deadline first."""
    return list(session.scalars(
        select(Obligation)
        .where(Obligation.subject_type == subject_type, Obligation.subject_id == subject_id,
               Obligation.status == ObligationStatus.OPEN)
        .order_by(Obligation.due_at.asc().nulls_last(), Obligation.id)))
