"""Admin-entered exceptions to the production calendar (Government decrees on day transfers)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.calendar.workdays import CalendarOverride
from portal.db import Base, utcnow


class DayOverride(Base):
    """One day whose status an admin set by decree: a day off or a working weekend day."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    working: Mapped[bool]
    #: The decree reference shown in the month view, e.g. "ҚР Үкіметінің 2026 ж. ... № ... қаулысы".
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def to_value(self) -> CalendarOverride:
        """The pure value the working-day arithmetic consumes."""
        return CalendarOverride(day=self.day, working=self.working, reason=self.reason)
