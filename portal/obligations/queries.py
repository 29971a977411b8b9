"""Reads for obligation lists, the overdue dashboard and its exports."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import Session, joinedload

from portal.agencies.models import Agency
from portal.db import utcnow
from portal.i18n import current_locale
from portal.obligations.engine import start_of_day
from portal.obligations.models import PARTY_LABELS, Obligation, ObligationStatus, Rule
from portal.timeutil import local_today

SORTS = ("late", "due", "agency", "rule", "party")
EXPORT_LIMIT = 20000
PDF_LIMIT = 500


@dataclass(frozen=True)
class Filters:
    """What the user asked for; parsed from the query string, never trusted further."""

    agency_id: int | None = None
    rule_key: str = ""
    party: str = ""
    min_days: int = 0
    sort: str = "late"
    desc: bool = False
    overdue_only: bool = True

    @classmethod
    def from_args(cls, args: Any, *, overdue_only: bool = True) -> Filters:
        """Build filters from request args, dropping anything malformed."""
        def _int(name: str) -> int | None:
            try:
                value = int(args.get(name, "") or "")
            except ValueError:
                return None
            return value if value >= 0 else None

        sort = args.get("sort", "late")
        party = args.get("party", "")
        return cls(agency_id=_int("agency") or None, rule_key=args.get("rule", "")[:80],
                   party=party if party in PARTY_LABELS else "",
                   min_days=min(_int("min_days") or 0, 3650),
                   sort=sort if sort in SORTS else "late", desc=args.get("dir") == "desc",
                   overdue_only=overdue_only)

    def for_agency(self, agency_id: int) -> Filters:
        """The same filters pinned to one agency (agency-bound users)."""
        return replace(self, agency_id=agency_id)

    def args(self, **change: Any) -> dict[str, Any]:
        """Query-string arguments for links (sorting, exports) keeping the other filters."""
        out = {"agency": self.agency_id or "", "rule": self.rule_key, "party": self.party,
               "min_days": self.min_days or "", "sort": self.sort,
               "dir": "desc" if self.desc else "asc"}
        out.update(change)
        return {k: v for k, v in out.items() if v not in ("", None)}


def _overdue_cutoff(min_days: int, now: datetime) -> datetime:
    """Deadlines before this moment are at least ``min_days`` calendar days late."""
    if min_days <= 0:
        return now
    return start_of_day(local_today() - timedelta(days=min_days - 1))


def _where(stmt: Select[Any], f: Filters, now: datetime) -> Select[Any]:
    stmt = stmt.where(Obligation.status == ObligationStatus.OPEN)
    if f.overdue_only:
        stmt = stmt.where(Obligation.due_at < _overdue_cutoff(f.min_days, now))
    if f.agency_id:
        stmt = stmt.where(Obligation.agency_id == f.agency_id)
    if f.rule_key:
        stmt = stmt.where(Obligation.rule_key == f.rule_key)
    if f.party:
        stmt = stmt.where(Obligation.party == f.party)
    return stmt


def _order(stmt: Select[Any], f: Filters) -> Select[Any]:
    due = Obligation.due_at.asc().nulls_last()
    name = Agency.name_ru if current_locale() == "ru" else Agency.name_kk
    keys = {
        "late": [due],
        "due": [due],
        "agency": [name.desc() if f.desc else name.asc(), due],
        "rule": [Rule.act_number.desc() if f.desc else Rule.act_number.asc(),
                 func.length(Rule.clause), Rule.clause, due],
        "party": [Obligation.party.desc() if f.desc else Obligation.party.asc(), due],
    }[f.sort]
    if f.sort in ("late", "due") and f.desc:
        keys = [Obligation.due_at.desc().nulls_last()]
    return stmt.order_by(*keys, Obligation.id)


def list_stmt(f: Filters, now: datetime | None = None) -> Select[Any]:
    """Open (or only overdue) obligations matching ``f``, sorted; most late first by default."""
    stmt = (select(Obligation)
            .join(Rule, Obligation.rule_id == Rule.id)
            .outerjoin(Agency, Obligation.agency_id == Agency.id)
            .options(joinedload(Obligation.agency), joinedload(Obligation.service)))
    return _order(_where(stmt, f, now or utcnow()), f)


def count(session: Session, f: Filters) -> int:
    """How many obligations match ``f``."""
    stmt = _where(select(func.count()).select_from(Obligation), f, utcnow())
    return session.scalar(stmt) or 0


@dataclass(frozen=True)
class AgencyCount:
    """One line of the per-agency counts."""

    agency: Agency | None
    count: int
    oldest_due: datetime | None


@dataclass(frozen=True)
class RuleCount:
    """One line of the per-rule counts (a rule version, shown by its clause)."""

    rule: Rule
    count: int


def counts_by_agency(session: Session, f: Filters) -> list[AgencyCount]:
    """Overdue obligations per agency, most first."""
    stmt = _where(select(Obligation.agency_id, func.count(), func.min(Obligation.due_at))
                  .group_by(Obligation.agency_id), f, utcnow())
    rows = session.execute(stmt.order_by(func.count().desc(), Obligation.agency_id)).all()
    agencies = {a.id: a for a in session.scalars(
        select(Agency).where(Agency.id.in_([r[0] for r in rows if r[0] is not None])))}
    return [AgencyCount(agencies.get(r[0]), r[1], r[2]) for r in rows]


def counts_by_rule(session: Session, f: Filters) -> list[RuleCount]:
    """Overdue obligations per rule version, most first."""
    stmt = _where(select(Obligation.rule_id, func.count()).group_by(Obligation.rule_id),
                  f, utcnow())
    rows = session.execute(stmt.order_by(func.count().desc(), Obligation.rule_id)).all()
    rules = {r.id: r for r in session.scalars(select(Rule).where(
        Rule.id.in_([row[0] for row in rows])))}
    return [RuleCount(rules[r[0]], r[1]) for r in rows]


def rule_choices(session: Session) -> list[tuple[str, str]]:
    """(key, label) of rules that have obligations, labelled by the newest version's clause."""
    keys = session.scalars(select(Obligation.rule_key).distinct()).all()
    newest: dict[str, Rule] = {}
    for rule in session.scalars(select(Rule).where(Rule.key.in_(keys))
                                .order_by(Rule.effective_from)):
        newest[rule.key] = rule
    locale = current_locale()
    labels = []
    for key, rule in newest.items():
        text = rule.description_ru if locale == "ru" else rule.description_kk
        short = text if len(text) <= 70 else text[:69].rstrip() + "…"
        labels.append((key, f"{rule.citation(locale)} — {short}"))
    return sorted(labels, key=lambda kv: kv[1])


def agency_choices(session: Session) -> list[Agency]:
    """Agencies that have open obligations, by name."""
    ids = select(Obligation.agency_id).where(Obligation.status == ObligationStatus.OPEN)
    name = Agency.name_ru if current_locale() == "ru" else Agency.name_kk
    return list(session.scalars(select(Agency).where(Agency.id.in_(ids)).order_by(name)))


def summary(session: Session, agency_id: int | None = None) -> dict[str, int]:
    """Open, overdue and due-within-3-days counts (for home widgets)."""
    now = utcnow()
    soon = start_of_day(local_today() + timedelta(days=4))
    base = select(func.count()).select_from(Obligation).where(
        Obligation.status == ObligationStatus.OPEN)
    if agency_id is not None:
        base = base.where(Obligation.agency_id == agency_id)
    return {
        "open": session.scalar(base) or 0,
        "overdue": session.scalar(base.where(Obligation.due_at < now)) or 0,
        "soon": session.scalar(base.where(Obligation.due_at >= now,
                                          Obligation.due_at < soon)) or 0,
    }


def nearest_for_agency(session: Session, agency_id: int, limit: int = 5) -> list[Obligation]:
    """An agency's open obligations, nearest deadline first."""
    return list(session.scalars(
        select(Obligation).where(Obligation.agency_id == agency_id,
                                 Obligation.status == ObligationStatus.OPEN)
        .options(joinedload(Obligation.service))
        .order_by(Obligation.due_at.asc().nulls_last(), Obligation.id).limit(limit)))


def has_overdue_clause(service_id_column: Any) -> Any:
    """SQL condition: the service has an open obligation past its deadline (registry filter)."""
    return exists().where(and_(Obligation.service_id == service_id_column,
                               Obligation.status == ObligationStatus.OPEN,
                               Obligation.due_at < func.now()))


def today() -> date:
    """Astana today (templates and exports)."""
    return local_today()
