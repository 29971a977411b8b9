"""The processing regulation of ICT requests (Rules No. 83 cl. 37) as data admins edit.

The regulation is agreed with the ICI operator and approved by the UCC; the act itself
sets no term, so each category carries its own target reaction and resolution times,
counted in working hours (production calendar, 09:00-18:00) or calendar hours. A
request's deadlines are computed once, at registration, under the regulation as it
then stood; later edits apply to new requests only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import DomainError
from portal.ict.models import IctCategory, TimeBasis
from portal.obligations.engine import get_calendar

#: Rule keys in the rulebook (portal/obligations/rulebook_data.py).
REACTION_RULE = "ict_request_reaction"  # cl. 37: reaction within the regulation's time
RESOLUTION_RULE = "ict_request_resolution"  # cl. 37: resolution within the regulation's time
NOTICE_RULE = "ict_outage_notice"  # cl. 38: at least 24 h before a planned outage
REPORT_RULE = "ict_monthly_report"  # cl. 39: by the 5th of the following month

#: The longest target a category may set: a month of calendar time.
MAX_MINUTES = 31 * 24 * 60
CATEGORY_FIELDS = ("code", "name_kk", "name_ru", "time_basis", "reaction_minutes",
                   "resolution_minutes", "active", "position")


@dataclass(frozen=True)
class Deadlines:
    """A request's target moments under one category of the regulation."""

    reaction_due_at: datetime
    resolution_due_at: datetime


def add_target(session: Session, start: datetime, minutes: int, basis: TimeBasis) -> datetime:
    """``start`` plus ``minutes`` counted on ``basis`` (working hours use the production calendar)."""
    if basis is TimeBasis.WORKING_HOURS:
        return get_calendar(session).add_working_hours(start, minutes / 60)
    return start + timedelta(minutes=minutes)


def deadlines_for(session: Session, category: IctCategory, registered_at: datetime) -> Deadlines:
    """Reaction and resolution deadlines of a request registered at ``registered_at``."""
    return Deadlines(
        reaction_due_at=add_target(session, registered_at, category.reaction_minutes,
                                   category.time_basis),
        resolution_due_at=add_target(session, registered_at, category.resolution_minutes,
                                     category.time_basis))


def list_categories(session: Session, active_only: bool = False) -> list[IctCategory]:
    """The regulation's categories in display order."""
    stmt = select(IctCategory).order_by(IctCategory.position, IctCategory.id)
    if active_only:
        stmt = stmt.where(IctCategory.active.is_(True))
    return list(session.scalars(stmt))


def _check(session: Session, data: dict[str, Any], category_id: int | None) -> None:
    reaction, resolution = data["reaction_minutes"], data["resolution_minutes"]
    if not 1 <= reaction <= MAX_MINUTES:
        raise DomainError(_("The reaction time must be between one minute and 31 days."),
                          "reaction_hours")
    if not 1 <= resolution <= MAX_MINUTES:
        raise DomainError(_("The resolution time must be between one minute and 31 days."),
                          "resolution_hours")
    if resolution < reaction:
        raise DomainError(_("The resolution time cannot be shorter than the reaction time."),
                          "resolution_hours")
    clash = session.scalar(select(IctCategory.id).where(
        func.lower(IctCategory.code) == data["code"].lower(), IctCategory.id != (category_id or 0)))
    if clash is not None:
        raise DomainError(_("Another category already has this code."), "code")


def save_category(session: Session, actor: Any, category: IctCategory | None,
                  data: dict[str, Any]) -> IctCategory:
    """Create or change a category; the change applies to requests registered afterwards."""
    values = {k: data[k] for k in CATEGORY_FIELDS}
    values["code"] = values["code"].strip()
    _check(session, values, category.id if category else None)
    created = category is None
    if category is None:
        category = IctCategory()
        session.add(category)
    changes = audit.apply_changes(category, values)
    if changes:
        session.flush()
        audit.record(session, actor, "ict.category_create" if created else "ict.category_update",
                     category, changes, summary=category.code)
    return category


def hours_text(minutes: int) -> str:
    """Minutes as hours for forms and tables: 90 -> "1.5", 480 -> "8"."""
    hours = minutes / 60
    return f"{hours:g}"
