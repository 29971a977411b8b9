"""Agency operations and queries."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal import audit
from portal.agencies.models import Agency, AgencyKind, Region
from portal.errors import DomainError

FIELDS = ("code", "kind", "name_kk", "name_ru", "short_kk", "short_ru", "region_code",
          "parent_id", "email", "phone")


def search_stmt(q: str = "", kind: str = ""):
    """SELECT of agencies matching a text and a kind."""
    stmt = select(Agency).order_by(Agency.kind, Agency.name_ru)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Agency.name_kk).like(like),
                              func.lower(Agency.name_ru).like(like),
                              func.lower(Agency.short_ru).like(like),
                              func.lower(Agency.short_kk).like(like),
                              Agency.code == q.lower()))
    if kind in {k.value for k in AgencyKind}:
        stmt = stmt.where(Agency.kind == AgencyKind(kind))
    return stmt


def regions(session: Session) -> list[Region]:
    """All regions, ordered by Russian name."""
    return list(session.scalars(select(Region).order_by(Region.name_ru)))


def _validate(session: Session, data: dict[str, Any], agency: Agency | None) -> None:
    other = session.scalar(select(Agency).where(Agency.code == data["code"]))
    if other is not None and other is not agency:
        raise DomainError(_("This code is already used by another agency."), "code")
    if data.get("parent_id"):
        if agency is not None and data["parent_id"] == agency.id:
            raise DomainError(_("An agency cannot be its own parent."), "parent_id")
        if session.get(Agency, data["parent_id"]) is None:
            raise DomainError(_("Unknown parent body."), "parent_id")
    if data.get("region_code") and session.get(Region, data["region_code"]) is None:
        raise DomainError(_("Unknown region."), "region_code")


def save_agency(session: Session, actor: Any, agency: Agency | None,
                data: dict[str, Any]) -> Agency:
    """Create (``agency`` None) or update an agency."""
    data = {**data, "kind": AgencyKind(data["kind"])}
    _validate(session, data, agency)
    if agency is None:
        agency = Agency(**{k: data.get(k) for k in FIELDS})
        session.add(agency)
        audit.record(session, actor, "agency.create", agency,
                     {"code": agency.code}, summary=agency.name_ru, agency_id=None)
        return agency
    changes = audit.apply_changes(agency, {k: data.get(k) for k in FIELDS})
    if changes:
        audit.record(session, actor, "agency.update", agency, changes, summary=agency.name_ru,
                     agency_id=agency.id)
    return agency
