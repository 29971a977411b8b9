"""Reads of the appeals area: the filtered list, the dashboard's aggregates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.appeals.models import Appeal, AppealStatus, CallRating, Channel, Character
from portal.auth.models import User
from portal.security import AGENCY_BOUND_ROLES
from portal.timeutil import local_tz

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _enum(cls: Any, value: str | None) -> Any:
    try:
        return cls(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@dataclass
class AppealFilter:
    """The list's filters, from and back to query-string arguments."""

    q: str = ""
    month: str = ""
    region: str = ""
    channel: Channel | None = None
    character: Character | None = None
    status: AppealStatus | None = None
    operator_id: int | None = None
    agency_id: int | None = None
    mine: bool = False

    @classmethod
    def from_args(cls, args: Any) -> AppealFilter:
        """Parse request arguments; unknown values are ignored, never an error."""
        month = args.get("month", "").strip()
        return cls(q=args.get("q", "").strip()[:100],
                   month=month if MONTH_RE.match(month) else "",
                   region=args.get("region", "").strip()[:40],
                   channel=_enum(Channel, args.get("channel")),
                   character=_enum(Character, args.get("character")),
                   status=_enum(AppealStatus, args.get("status")),
                   operator_id=_int(args.get("operator_id")),
                   agency_id=_int(args.get("agency_id")), mine=args.get("mine") == "1")

    def as_args(self, **override: Any) -> dict[str, Any]:
        """Non-empty filters as URL arguments (for links from the dashboard)."""
        values = {"q": self.q, "month": self.month, "region": self.region,
                  "channel": self.channel.value if self.channel else "",
                  "character": self.character.value if self.character else "",
                  "status": self.status.value if self.status else "",
                  "operator_id": self.operator_id or "", "agency_id": self.agency_id or "",
                  "mine": "1" if self.mine else ""}
        values.update(override)
        return {k: v for k, v in values.items() if v not in ("", None)}


def month_range(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a "YYYY-MM" month in the portal's time zone."""
    year, mon = (int(p) for p in month.split("-"))
    start = date(year, mon, 1)
    end = (start + timedelta(days=32)).replace(day=1)
    tz = local_tz()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


def scope(stmt: Select[Any], viewer: Any) -> Select[Any]:
    """Agency users see only the appeals about their own agency."""
    if viewer.role in AGENCY_BOUND_ROLES:
        return stmt.where(Appeal.agency_id == viewer.agency_id)
    return stmt


def can_view(viewer: Any, appeal: Appeal) -> bool:
    """May ``viewer`` open this appeal?"""
    return viewer.role not in AGENCY_BOUND_ROLES or appeal.agency_id == viewer.agency_id


def appeal_list(f: AppealFilter, viewer: Any) -> Select[Any]:
    """Appeals matching the filters, newest first."""
    stmt = select(Appeal).options(selectinload(Appeal.region), selectinload(Appeal.operator),
                                  selectinload(Appeal.service))
    stmt = scope(stmt, viewer)
    if f.q:
        like = f"%{f.q}%"
        digits = re.sub(r"\D", "", f.q)
        conds = [Appeal.number.ilike(like), Appeal.applicant_surname.ilike(like),
                 Appeal.applicant_name.ilike(like), Appeal.email.ilike(like),
                 Appeal.content.ilike(like), Appeal.subject.ilike(like)]
        if len(digits) >= 4:
            conds += [Appeal.iin.like(f"%{digits}%"),
                      func.regexp_replace(Appeal.phone, r"\D", "", "g").like(f"%{digits}%")]
        stmt = stmt.where(or_(*conds))
    if f.month:
        start, end = month_range(f.month)
        stmt = stmt.where(Appeal.received_at >= start, Appeal.received_at < end)
    if f.region:
        stmt = stmt.where(Appeal.region_code == f.region)
    for column, value in ((Appeal.channel, f.channel), (Appeal.character, f.character),
                          (Appeal.status, f.status), (Appeal.operator_id, f.operator_id),
                          (Appeal.agency_id, f.agency_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    if f.mine:
        stmt = stmt.where(Appeal.assignee_id == viewer.id)
    return stmt.order_by(Appeal.received_at.desc(), Appeal.id.desc())


def operators(session: Session) -> list[User]:
    """Contact center employees, for the transfer form and the filters."""
    from portal.security import UCC_STAFF

    return list(session.scalars(select(User).where(User.role.in_(UCC_STAFF), User.active)
                                .order_by(User.full_name)))


def known_groups(session: Session) -> list[str]:
    """Group names used in earlier transfers (suggestions for the next one)."""
    return list(session.scalars(select(Appeal.assigned_group).where(
        Appeal.assigned_group != "").distinct().order_by(Appeal.assigned_group).limit(50)))


@dataclass
class Bar:
    """One bar of a chart: label, value, and the list it links to."""

    label: str
    value: float
    args: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def _local(column: Any) -> Any:
    return func.timezone(local_tz().key, column)


def first_month(today: date, months: int) -> date:
    """The first day of the month ``months - 1`` months before ``today``'s month."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def by_month(session: Session, viewer: Any, months: int, today: date) -> list[tuple[str, int]]:
    """Appeals per month for the last ``months`` months, oldest first ("YYYY-MM", count)."""
    first = first_month(today, months)
    start = datetime.combine(first, time.min, local_tz())
    bucket = func.to_char(_local(Appeal.received_at), "YYYY-MM")
    rows = session.execute(scope(select(bucket, func.count()).where(
        Appeal.received_at >= start).group_by(bucket), viewer)).all()
    counts = dict(rows)
    out, d = [], first
    while d <= today:
        key = d.strftime("%Y-%m")
        out.append((key, int(counts.get(key, 0))))
        d = (d + timedelta(days=32)).replace(day=1)
    return out


def counts_by(session: Session, viewer: Any, column: Any, month: str) -> list[tuple[Any, int]]:
    """(value, count) of one column for a month, largest first."""
    start, end = month_range(month)
    stmt = scope(select(column, func.count()).where(
        Appeal.received_at >= start, Appeal.received_at < end).group_by(column), viewer)
    return sorted(((v, int(c)) for v, c in session.execute(stmt)), key=lambda x: -x[1])


def rating_by_month(session: Session, months: int, today: date
                    ) -> list[tuple[str, float | None, int]]:
    """(month, average rating, number of ratings) for the last ``months`` months."""
    first = first_month(today, months)
    start = datetime.combine(first, time.min, local_tz())
    bucket = func.to_char(_local(CallRating.rated_at), "YYYY-MM")
    rows = {m: (float(a), int(n)) for m, a, n in session.execute(
        select(bucket, func.avg(CallRating.score), func.count()).where(
            CallRating.rated_at >= start).group_by(bucket))}
    out, d = [], first
    while d <= today:
        key = d.strftime("%Y-%m")
        avg, n = rows.get(key, (None, 0))
        out.append((key, avg, n))
        d = (d + timedelta(days=32)).replace(day=1)
    return out


def rating_by_operator(session: Session, month: str) -> list[tuple[User, float, int]]:
    """(operator, average rating, ratings) in a month, best first."""
    start, end = month_range(month)
    rows = session.execute(
        select(User, func.avg(CallRating.score), func.count())
        .join(CallRating, CallRating.operator_id == User.id)
        .where(CallRating.rated_at >= start, CallRating.rated_at < end)
        .group_by(User.id).order_by(func.avg(CallRating.score).desc(), User.full_name))
    return [(u, float(a), int(n)) for u, a, n in rows]
