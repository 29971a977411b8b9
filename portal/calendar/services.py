"""The production calendar with the admins' decree overrides from the database.

Changing an override announces ``calendar_changed``; the obligations area subscribes
(a higher floor, STYLE.md "Floors") and recomputes open deadlines. Its receivers
return how many deadlines they moved, which the admin page reports.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.calendar.models import DayOverride
from portal.calendar.workdays import WorkCalendar
from portal.errors import DomainError

_CACHE_KEY = "portal.work_calendar"
_events = Namespace()
#: An override was added or removed.  kwargs: session, actor, day (date).
#: Receivers return the number of deadlines they moved (int).
calendar_changed = _events.signal("calendar-changed")


def load_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar with the DB overrides, cached on the session (request/job)."""
    cal = session.info.get(_CACHE_KEY)
    if cal is None:
        rows = session.scalars(select(DayOverride)).all()
        cal = session.info[_CACHE_KEY] = WorkCalendar(r.to_value() for r in rows)
    return cal


def forget_calendar(session: Session) -> None:
    """Drop the cached calendar so the next load sees changed overrides."""
    session.info.pop(_CACHE_KEY, None)


def list_overrides(session: Session, year: int | None = None) -> list[DayOverride]:
    """Overrides (of one year, or all), by day."""
    stmt = select(DayOverride).order_by(DayOverride.day)
    if year is not None:
        stmt = stmt.where(DayOverride.day >= date(year, 1, 1), DayOverride.day <= date(year, 12, 31))
    return list(session.scalars(stmt))


def _announce(session: Session, actor: Any, day: date) -> int:
    forget_calendar(session)
    results = calendar_changed.send("calendar", session=session, actor=actor, day=day)
    return sum(int(value or 0) for _receiver, value in results)


def set_override(session: Session, actor: Any, day: date, working: bool, reason: str
                 ) -> tuple[DayOverride, int]:
    """Make ``day`` a working day or a day off by decree; returns (override, deadlines moved)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the decree that moves this day."), "reason")
    base = WorkCalendar()  # the package's calendar, without any override
    if base.is_working_day(day) == working:
        raise DomainError(
            _("This day is already a working day.") if working
            else _("This day is already a day off."), "working")
    override = session.scalar(select(DayOverride).where(DayOverride.day == day))
    if override is None:
        override = DayOverride(day=day, working=working, reason=reason,
                               created_by_id=getattr(actor, "id", None))
        session.add(override)
        changes: dict[str, Any] = {"day": [None, day], "working": [None, working],
                                   "reason": [None, reason]}
    else:
        changes = audit.apply_changes(override, {"working": working, "reason": reason})
    session.flush()
    moved = _announce(session, actor, day)
    audit.record(session, actor, "calendar.override_set", override, changes,
                 summary=f"{day.isoformat()} {'working' if working else 'day off'}: {reason}"
                         f" ({moved} deadlines moved)")
    return override, moved


def remove_override(session: Session, actor: Any, override: DayOverride) -> int:
    """Delete an override (the package's status applies again); returns deadlines moved."""
    day = override.day
    audit.record(session, actor, "calendar.override_removed", override,
                 {"working": [override.working, None], "reason": [override.reason, None]},
                 summary=f"{day.isoformat()}: {override.reason}")
    session.delete(override)
    session.flush()
    return _announce(session, actor, day)
