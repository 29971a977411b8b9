"""The monthly report on ICT-service questions (Rules No. 83 cl. 39): recipients, rows, columns.

Plain data for the report machinery (``portal/reports/kinds.py`` registers the kind).

Recipients (cl. 39): the authorized body for informatization (recipient None: all
rows), the ICI operator (all rows) and each government body that asked ICT questions
in the month (its own requests and the outage notices it was sent).

Rows, in one table: every request registered in the month (body, category, channel,
system and subject, escalation, reaction and resolution against the regulation of
cl. 37), then every outage announcement of the month with its notice lead time
(cl. 38), then totals by category, by channel and (for the all-rows reports) by body.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.agencies.models import Agency, AgencyKind
from portal.auth.models import User
from portal.db import utcnow
from portal.ict.models import IctRequest, OutageNotice, OutageVersion, VersionAction
from portal.ict.regulation import REPORT_RULE, hours_text
from portal.security import Role
from portal.timeutil import local_tz

RULE_KEY = REPORT_RULE
TITLE = _l("Report on questions of ICT services")
CLAUSE = _l("Rules No. 83, cl. 39")
PDF_TEMPLATE = "ict/report_pdf.html"
VIEWER_ROLES = (Role.ADMIN, Role.UCC_MANAGER, Role.INFORMATIZATION_STAFF)
NOTICE_HOURS = 24

#: (row key, header, width in mm, one-line) - A4 landscape has 277 mm between margins.
COLUMNS: list[tuple[str, Any, float, bool]] = [
    ("no", _l("No."), 8, True),
    ("number", _l("Number"), 26, True),
    ("registered", _l("Registered"), 21, True),
    ("body", _l("Body"), 33, False),
    ("category", _l("Category"), 25, False),
    ("channel", _l("Channel"), 18, False),
    ("subject", _l("System and subject"), 46, False),
    ("escalated", _l("Sent to the ICI operator"), 20, False),
    ("reaction", _l("Reaction: due / done"), 27, False),
    ("resolution", _l("Resolution: due / done"), 27, False),
    ("compliance", _l("Within the regulation"), 24, False),
]


def month_bounds(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    """[start, end) of the period as aware moments in the portal's time zone."""
    tz = local_tz()
    return (datetime.combine(period_start, time.min, tz),
            datetime.combine(period_end + timedelta(days=1), time.min, tz))


def _when(moment: datetime | None) -> str:
    return moment.astimezone(local_tz()).strftime("%d.%m.%Y %H:%M") if moment else "—"


def _names(agency: Agency | None) -> dict[str, str]:
    if agency is None:
        return {"kk": "", "ru": ""}
    return {"kk": agency.short_kk or agency.name_kk, "ru": agency.short_ru or agency.name_ru}


class Lines:
    """Cell text made of parts (lazy strings too) joined when the row is printed in a locale."""

    def __init__(self, *parts: Any, sep: str = "\n") -> None:
        self.parts, self.sep = parts, sep

    def __str__(self) -> str:
        return self.sep.join(str(p) for p in self.parts if p not in (None, ""))


def _target(minutes: int, working: bool) -> Any:
    hours = hours_text(minutes)
    return _l("target %(h)s working h", h=hours) if working else _l("target %(h)s h", h=hours)


def within_regulation(req: IctRequest) -> bool:
    """Reacted and answered by the regulation's deadlines (cl. 37)."""
    if req.answered_at is None or req.answered_at > req.resolution_due_at:
        return False
    return (req.reacted_at or req.answered_at) <= req.reaction_due_at


def _compliance(req: IctRequest, now: datetime) -> Any:
    if req.answered_at is not None:
        return _l("on time") if within_regulation(req) else _l("late")
    late = now > req.resolution_due_at or (req.reacted_at is None and now > req.reaction_due_at)
    return _l("open, overdue") if late else _l("open, in time")


def _request_row(req: IctRequest, now: datetime) -> dict[str, Any]:
    working = req.time_basis.value == "working_hours"
    return {
        "id": req.id, "number": req.number, "registered": req.registered_at,
        "body": _names(req.agency), "category": {"kk": req.category.name_kk,
                                                 "ru": req.category.name_ru},
        "channel": req.channel, "subject": f"{req.system}\n{req.subject}",
        "escalated": _when(req.escalated_at) if req.escalated_at else _l("not escalated"),
        "reaction": Lines(_target(req.reaction_minutes, working), _when(req.reaction_due_at),
                          _when(req.reacted_at)),
        "resolution": Lines(_target(req.resolution_minutes, working),
                            _when(req.resolution_due_at), _when(req.answered_at)),
        "compliance": _compliance(req, now),
    }


def _requests(session: Session, start: datetime, end: datetime, agency_id: int | None,
              all_rows: bool) -> list[IctRequest]:
    stmt = (select(IctRequest).options(selectinload(IctRequest.agency),
                                       selectinload(IctRequest.category))
            .where(IctRequest.registered_at >= start, IctRequest.registered_at < end)
            .order_by(IctRequest.registered_at, IctRequest.id))
    if not all_rows:
        stmt = stmt.where(IctRequest.agency_id == agency_id)
    return list(session.scalars(stmt))


def _outage_rows(session: Session, start: datetime, end: datetime, agency_id: int | None,
                 all_rows: bool) -> list[dict[str, Any]]:
    stmt = (select(OutageVersion).options(selectinload(OutageVersion.outage))
            .where(OutageVersion.at >= start, OutageVersion.at < end)
            .order_by(OutageVersion.at, OutageVersion.id))
    if not all_rows:
        stmt = stmt.where(select(OutageNotice.id).where(
            OutageNotice.outage_id == OutageVersion.outage_id,
            OutageNotice.version == OutageVersion.version,
            OutageNotice.agency_id == agency_id).exists())
    out = []
    for v in session.scalars(stmt):
        announced = v.action is not VersionAction.CANCELLED
        out.append({
            "number": f"№ {v.outage_id} v{v.version}", "registered": v.at,
            "body": _l("Notices sent: %(n)s", n=v.recipients),
            "category": Lines(_l("Planned outage (cl. 38)"), v.action.lazy_label),
            "channel": _l("E-mail, SMS"),
            "subject": f"{v.outage.systems}\n{_when(v.starts_at)} – {_when(v.ends_at)}",
            "escalated": "—", "reaction": "",
            "resolution": _l("notice %(h)s h before the start", h=f"{v.lead_hours:.1f}")
            if announced else "",
            "compliance": (_l("late (cl. 38)") if v.late else _l("on time")) if announced else "—",
        })
    return out


def _totals(label: Any, groups: Iterable[tuple[Any, list[IctRequest]]], now: datetime
            ) -> list[dict[str, Any]]:
    out = []
    for name, items in groups:
        escalated = sum(r.escalated_at is not None for r in items)
        within = sum(within_regulation(r) for r in items)
        late = sum(r.resolution_overdue(now) or r.reaction_overdue(now) for r in items)
        out.append({"number": "Σ", "body": label, "category": name,
                    "subject": _l("Requests: %(n)s; escalated: %(e)s; within the regulation: "
                                  "%(ok)s; late: %(late)s", n=len(items), e=escalated,
                                  ok=within, late=late)})
    return out


def _grouped(items: list[IctRequest], key: Any) -> list[tuple[Any, list[IctRequest]]]:
    groups: dict[Any, list[IctRequest]] = {}
    names: dict[Any, Any] = {}
    for r in items:
        k, name = key(r)
        groups.setdefault(k, []).append(r)
        names[k] = name
    return [(names[k], groups[k]) for k in groups]


def rows(session: Session, period_start: date, period_end: date,
         agency_id: int | None) -> list[dict[str, Any]]:
    """The rows of one recipient's report (see the module docstring)."""
    now = utcnow()
    start, end = month_bounds(period_start, period_end)
    all_rows = agency_id is None or _is_authority(session, agency_id)
    requests = _requests(session, start, end, agency_id, all_rows)
    out = [_request_row(r, now) for r in requests]
    out += _outage_rows(session, start, end, agency_id, all_rows)
    out += _totals(_l("Total by category"), _grouped(requests, lambda r: (
        r.category_id, {"kk": r.category.name_kk, "ru": r.category.name_ru})), now)
    out += _totals(_l("Total by channel"), _grouped(requests, lambda r: (
        r.channel, r.channel)), now)
    if all_rows:
        out += _totals(_l("Total by body"), _grouped(requests, lambda r: (
            r.agency_id, _names(r.agency))), now)
    for n, row in enumerate(out, start=1):
        row["no"] = n
    return out


def _is_authority(session: Session, agency_id: int) -> bool:
    """The ICI operator receives every row, like the informatization body (cl. 39.1-2)."""
    kind = session.scalar(select(Agency.kind).where(Agency.id == agency_id))
    return kind in (AgencyKind.ICI_OPERATOR, AgencyKind.INFORMATIZATION)


def _locale_of(users: list[User]) -> str:
    """The language most of the recipient's users chose; Kazakh otherwise."""
    counts = Counter(u.locale for u in users if u.locale in ("kk", "ru"))
    return "ru" if counts and counts["ru"] > counts["kk"] else "kk"


def _recipient(agency: Agency | None, users: list[User], agency_id: int | None
               ) -> dict[str, Any]:
    emails = [agency.email] if agency is not None and agency.email else []
    emails += [u.email for u in users if u.email]
    return {"agency_id": agency_id, "locale": _locale_of(users),
            "emails": list(dict.fromkeys(e.strip().lower() for e in emails if e.strip())),
            "name_kk": agency.name_kk if agency else "", "name_ru": agency.name_ru if agency else ""}


def _users(session: Session, *where: Any) -> list[User]:
    return list(session.scalars(select(User).where(User.active.is_(True), *where)))


def recipients(session: Session, period_start: date) -> list[dict[str, Any]]:
    """Who gets the ICT report for the month starting ``period_start`` (cl. 39)."""
    period_end = (period_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start, end = month_bounds(period_start, period_end)
    informatization = session.scalars(select(Agency).where(
        Agency.kind == AgencyKind.INFORMATIZATION, Agency.is_active.is_(True))
        .order_by(Agency.id)).first()
    out = [_recipient(informatization,
                      _users(session, User.role == Role.INFORMATIZATION_STAFF), None)]
    for ici in session.scalars(select(Agency).where(Agency.kind == AgencyKind.ICI_OPERATOR,
                                                    Agency.is_active.is_(True))
                               .order_by(Agency.id)):
        out.append(_recipient(ici, _users(session, User.role == Role.ICI_OPERATOR,
                                          User.agency_id == ici.id), ici.id))
    asked = select(IctRequest.agency_id).where(
        IctRequest.registered_at >= start, IctRequest.registered_at < end).distinct()
    for body in session.scalars(select(Agency).where(Agency.id.in_(asked))
                                .order_by(Agency.kind, Agency.name_ru)):
        if body.kind in (AgencyKind.ICI_OPERATOR, AgencyKind.INFORMATIZATION):
            continue
        out.append(_recipient(body, _users(session, User.role == Role.AGENCY_RESPONSIBLE,
                                           User.agency_id == body.id), body.id))
    return out
