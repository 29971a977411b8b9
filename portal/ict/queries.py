"""Reads for the ICT screens: request lists, outages, delivery of notices, dashboard figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.ict.models import (
    IctRequest,
    Outage,
    OutageNotice,
    OutageStatus,
    OutageVersion,
    RequestStatus,
)
from portal.ict.permissions import scope
from portal.notify.models import OutboxMessage, OutboxStatus

OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.ESCALATED)


@dataclass
class RequestFilter:
    """Filters of the request list, parsed from the query string."""

    q: str = ""
    status: str = ""
    agency_id: int | None = None
    category_id: int | None = None
    overdue: bool = False

    @classmethod
    def from_args(cls, args: Any) -> RequestFilter:
        """Read the filter from ``request.args`` (unknown values are ignored)."""
        status = args.get("status", "")
        valid = {s.value for s in RequestStatus} | {"open"}
        return cls(q=args.get("q", "").strip()[:200],
                   status=status if status in valid else "",
                   agency_id=args.get("agency_id", type=int),
                   category_id=args.get("category_id", type=int),
                   overdue=args.get("overdue") == "1")


def request_list(user: Any, f: RequestFilter, now: datetime) -> Select:
    """Requests ``user`` may see, filtered, newest first."""
    stmt = scope(user, select(IctRequest)).options(selectinload(IctRequest.agency),
                                                   selectinload(IctRequest.category))
    if f.status == "open":
        stmt = stmt.where(IctRequest.status.in_(OPEN_STATUSES))
    elif f.status:
        stmt = stmt.where(IctRequest.status == RequestStatus(f.status))
    if f.agency_id:
        stmt = stmt.where(IctRequest.agency_id == f.agency_id)
    if f.category_id:
        stmt = stmt.where(IctRequest.category_id == f.category_id)
    if f.overdue:
        stmt = stmt.where(overdue_clause(now))
    if f.q:
        like = f"%{f.q}%"
        conds = [IctRequest.subject.ilike(like), IctRequest.system.ilike(like),
                 IctRequest.requester_name.ilike(like), IctRequest.text.ilike(like)]
        digits = "".join(ch for ch in f.q if ch.isdigit())
        if digits and len(digits) <= 9:
            conds.append(IctRequest.id == int(digits[-5:] if len(digits) > 5 else digits))
        stmt = stmt.where(or_(*conds))
    return stmt.order_by(IctRequest.registered_at.desc(), IctRequest.id.desc())


def overdue_clause(now: datetime) -> Any:
    """Requests late on reaction or resolution right now (cl. 37)."""
    return or_(and_(IctRequest.reacted_at.is_(None), IctRequest.reaction_due_at < now),
               and_(IctRequest.answered_at.is_(None), IctRequest.resolution_due_at < now))


def request_counts(session: Session, user: Any, now: datetime) -> dict[str, int]:
    """Open, overdue and escalated-open requests the user may see."""
    base = scope(user, select(func.count(IctRequest.id)))
    return {
        "open": session.scalar(base.where(IctRequest.status.in_(OPEN_STATUSES))) or 0,
        "overdue": session.scalar(base.where(overdue_clause(now))) or 0,
        "escalated": session.scalar(
            base.where(IctRequest.status == RequestStatus.ESCALATED)) or 0,
    }


def upcoming_outages(session: Session, now: datetime, include_cancelled: bool = False,
                     limit: int = 200) -> list[Outage]:
    """Outages not yet over, soonest first (cancelled ones only when asked: feeds)."""
    stmt = select(Outage).where(Outage.ends_at > now)
    if not include_cancelled:
        stmt = stmt.where(Outage.status == OutageStatus.SCHEDULED)
    return list(session.scalars(stmt.order_by(Outage.starts_at, Outage.id).limit(limit)))


def outage_list(show: str, now: datetime) -> Select:
    """Outages for the staff list: "coming" (default), "past" or "all"."""
    stmt = select(Outage)
    if show == "past":
        return stmt.where(or_(Outage.ends_at <= now, Outage.status == OutageStatus.CANCELLED)
                          ).order_by(Outage.starts_at.desc())
    if show == "all":
        return stmt.order_by(Outage.starts_at.desc())
    return stmt.where(Outage.ends_at > now, Outage.status == OutageStatus.SCHEDULED
                      ).order_by(Outage.starts_at)


def late_versions(session: Session, since: datetime) -> list[OutageVersion]:
    """Announcements made less than 24 h before their start since ``since`` (cl. 38)."""
    return list(session.scalars(
        select(OutageVersion).options(selectinload(OutageVersion.outage))
        .where(OutageVersion.late.is_(True), OutageVersion.at >= since)
        .order_by(OutageVersion.at.desc())))


def delivery_summary(session: Session, outage_id: int) -> dict[int, dict[str, int]]:
    """{version: {"pending": n, "sent": n, "failed": n, "total": n}} for one outage."""
    rows = session.execute(
        select(OutageNotice.version, OutboxMessage.status, func.count())
        .join(OutboxMessage, OutboxMessage.key == OutageNotice.key)
        .where(OutageNotice.outage_id == outage_id)
        .group_by(OutageNotice.version, OutboxMessage.status))
    out: dict[int, dict[str, int]] = {}
    for version, status, count in rows:
        bucket = out.setdefault(version, {s.value: 0 for s in OutboxStatus} | {"total": 0})
        bucket[status.value] += count
        bucket["total"] += count
    return out


def delivery_rows(outage_id: int, version: int | None, status: str, agency_id: int | None,
                  q: str = "") -> Select:
    """Per-recipient delivery of an outage's notices (notice, outbox message) rows."""
    stmt = (select(OutageNotice, OutboxMessage)
            .join(OutboxMessage, OutboxMessage.key == OutageNotice.key)
            .options(selectinload(OutageNotice.agency))
            .where(OutageNotice.outage_id == outage_id))
    if version:
        stmt = stmt.where(OutageNotice.version == version)
    if status in {s.value for s in OutboxStatus}:
        stmt = stmt.where(OutboxMessage.status == OutboxStatus(status))
    if agency_id:
        stmt = stmt.where(OutageNotice.agency_id == agency_id)
    if q:
        stmt = stmt.where(OutageNotice.address.ilike(f"%{q}%"))
    return stmt.order_by(OutageNotice.version.desc(), OutageNotice.id)


def recent_since(now: datetime, days: int = 30) -> datetime:
    """The start of the dashboard's look-back window."""
    return now - timedelta(days=days)
