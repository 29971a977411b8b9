"""Read side of the registry: search, filters, visibility and history.

Higher floors extend the list without the registry importing them: the obligations
area registers the "has an overdue obligation" filter with ``register_overdue_filter``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, text
from sqlalchemy.orm import Session, selectinload

from portal.audit import AuditEntry
from portal.registry.annex_models import Annex1Status, Annex1Submission
from portal.registry.models import Bylaw, BylawAmendment, Service, ServiceStatus
from portal.security import AGENCY_BOUND_ROLES, Role

OverdueFilter = Callable[[Select[Any]], Select[Any]]
_overdue_filters: list[OverdueFilter] = []

#: Word-similarity threshold of the typo-tolerant search (pg_trgm default is 0.6,
#: which misses a dropped letter in short words such as "паспрт").
WORD_SIMILARITY = 0.45
CODE_SIMILARITY = 0.5
SORTS = {"code", "name", "agency", "status", "updated"}


def register_overdue_filter(fn: OverdueFilter) -> None:
    """Let a higher floor restrict the service list to services with overdue obligations."""
    if fn not in _overdue_filters:
        _overdue_filters.append(fn)


def has_overdue_filter() -> bool:
    """True when some area registered the overdue filter (the checkbox shows then)."""
    return bool(_overdue_filters)


@dataclass
class ServiceQuery:
    """Parsed list parameters (all optional)."""

    q: str = ""
    agency_id: int | None = None
    status: ServiceStatus | None = None
    overdue: bool = False
    sort: str = "code"
    desc: bool = False
    locale: str = "kk"

    @classmethod
    def from_args(cls, args: Any, locale: str) -> ServiceQuery:
        """Read the query string; unknown values are ignored, never an error."""
        status = args.get("status", "")
        sort = args.get("sort", "code")
        return cls(q=args.get("q", "").strip()[:200],
                   agency_id=args.get("agency_id", type=int),
                   status=ServiceStatus(status) if status in set(ServiceStatus) else None,
                   overdue=args.get("overdue") == "1",
                   sort=sort if sort in SORTS else "code",
                   desc=args.get("dir") == "desc", locale=locale)


def _words_match(column: Any, words: list[str]) -> Any:
    """Every word of the query is (nearly) a word of ``column`` (trigram word similarity)."""
    return and_(*[text(f":w{i} <% lower(services.{column})").bindparams(**{f"w{i}": w})
                  for i, w in enumerate(words)])


def _search(stmt: Select[Any], q: str) -> tuple[Select[Any], Any]:
    """Filter by code prefix or by name similarity in either language; returns a rank."""
    lowered = q.lower()
    digits = re.sub(r"\s", "", q)
    if digits.isdigit():
        rank = case((Service.code.startswith(digits), 1.0),
                    else_=func.similarity(Service.code, digits))
        near = (func.similarity(Service.code, digits) >= CODE_SIMILARITY
                if len(digits) == 8 else False)  # a mistyped digit in a full code
        return stmt.where(or_(Service.code.startswith(digits), near)), rank
    like = f"%{lowered.replace('%', '').replace('_', '')}%"
    kk, ru = func.lower(Service.name_kk), func.lower(Service.name_ru)
    words = [w for w in re.findall(r"\w+", lowered) if len(w) >= 3] or [lowered]
    rank = func.greatest(sum(func.word_similarity(w, kk) for w in words),
                         sum(func.word_similarity(w, ru) for w in words))
    return stmt.where(or_(kk.like(like), ru.like(like), _words_match("name_kk", words),
                          _words_match("name_ru", words))), rank


def set_similarity_threshold(session: Session) -> None:
    """Loosen pg_trgm's word-similarity threshold for this transaction only."""
    session.execute(text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"),
                    {"t": str(WORD_SIMILARITY)})


def service_list(session: Session, query: ServiceQuery) -> Select[Any]:
    """The SELECT for the registry list (caller paginates)."""
    from portal.agencies.models import Agency

    stmt = select(Service).join(Agency, Agency.id == Service.agency_id).options(
        selectinload(Service.agency))
    rank = None
    if query.q:
        set_similarity_threshold(session)
        stmt, rank = _search(stmt, query.q)
    if query.agency_id:
        stmt = stmt.where(Service.agency_id == query.agency_id)
    if query.status:
        stmt = stmt.where(Service.status == query.status)
    if query.overdue:
        for fn in _overdue_filters:
            stmt = fn(stmt)
    name = Service.name_ru if query.locale == "ru" else Service.name_kk
    agency = Agency.short_ru if query.locale == "ru" else Agency.short_kk
    column = {"code": Service.code, "name": name, "agency": agency, "status": Service.status,
              "updated": Service.updated_at}[query.sort]
    order = column.desc() if query.desc else column.asc()
    if rank is not None and query.sort == "code" and not query.desc:
        return stmt.order_by(rank.desc(), Service.code)  # best match first when searching
    return stmt.order_by(order, Service.code)


def can_see_contacts(user: Any, agency_id: int) -> bool:
    """Contacts of responsible persons: the agency itself and the UCC and authorities;
    other agencies do not see them (DOMAIN.md, participants and roles)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role in AGENCY_BOUND_ROLES:
        return user.agency_id == agency_id
    return True


def can_edit_service(user: Any, service: Service) -> bool:
    """UCC managers and admins edit any service; a responsible person only their agency's."""
    if user.role in (Role.ADMIN, Role.UCC_MANAGER):
        return True
    return user.role is Role.AGENCY_RESPONSIBLE and user.agency_id == service.agency_id


def service_history(session: Session, service: Service, limit: int = 100) -> list[AuditEntry]:
    """Audit entries of the service, its bylaws and amendments, newest first."""
    bylaw_ids = [str(b.id) for b in service.bylaws]
    amendment_ids = [str(a.id) for b in service.bylaws for a in b.amendments]
    cond = [and_(AuditEntry.object_type == "Service", AuditEntry.object_id == str(service.id))]
    if bylaw_ids:
        cond.append(and_(AuditEntry.object_type == Bylaw.__name__,
                         AuditEntry.object_id.in_(bylaw_ids)))
    if amendment_ids:
        cond.append(and_(AuditEntry.object_type == BylawAmendment.__name__,
                         AuditEntry.object_id.in_(amendment_ids)))
    return list(session.scalars(select(AuditEntry).where(or_(*cond))
                                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                .limit(limit)))


def visible_submissions(user: Any) -> Select[Any]:
    """Annex 1 forms the user may list: their agency's, or everything sent to the UCC."""
    stmt = select(Annex1Submission).options(selectinload(Annex1Submission.agency))
    if user.role in AGENCY_BOUND_ROLES:
        return stmt.where(Annex1Submission.agency_id == user.agency_id)
    return stmt.where(Annex1Submission.status != Annex1Status.DRAFT)


def can_see_submission(user: Any, sub: Annex1Submission) -> bool:
    """Drafts only to their own agency; sent forms also to UCC staff and authorities."""
    if user.role in AGENCY_BOUND_ROLES:
        return user.agency_id == sub.agency_id
    return sub.status is not Annex1Status.DRAFT
