"""Who sees and does what with ICT requests and outages.

- Contact-center staff handle every request; the informatization authority reads them
  (it controls the quality of the UCC's ICT consultations, cl. 16, 39).
- A body's user sees only the requests of its own body.
- ICI operator users (the group of responsible persons of cl. 17.3) see the requests
  escalated to them (cl. 36), answer and close them, and register planned outages (cl. 38).
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select

from portal.ict.models import IctRequest, RequestStatus
from portal.security import UCC_STAFF, Role

#: Roles that open the request pages at all (object checks below narrow it).
REQUEST_VIEWERS = (*UCC_STAFF, Role.INFORMATIZATION_STAFF, Role.AGENCY_RESPONSIBLE,
                   Role.ICI_OPERATOR)
REQUEST_CREATORS = (*UCC_STAFF, Role.AGENCY_RESPONSIBLE)
#: Who registers and changes planned outages: the ICI operator, and the UCC on its word.
OUTAGE_EDITORS = (Role.ADMIN, Role.UCC_MANAGER, Role.ICI_OPERATOR)
OUTAGE_VIEWERS = (*UCC_STAFF, Role.INFORMATIZATION_STAFF, Role.QC_STAFF,
                  Role.AGENCY_RESPONSIBLE, Role.ICI_OPERATOR)
#: Who sees the delivery of every notice to every recipient.
DELIVERY_VIEWERS = (Role.ADMIN, Role.UCC_MANAGER, Role.UCC_OPERATOR, Role.ICI_OPERATOR)
REGULATION_EDITORS = (Role.ADMIN,)
REGULATION_VIEWERS = (*UCC_STAFF, Role.ICI_OPERATOR, Role.INFORMATIZATION_STAFF,
                      Role.AGENCY_RESPONSIBLE)


def require(allowed: bool) -> None:
    """Abort with 403 unless ``allowed``."""
    if not allowed:
        abort(403)


def _role(user: Any) -> Role | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", True) else None


def can_view(user: Any, req: IctRequest) -> bool:
    """May ``user`` open this request?"""
    role = _role(user)
    if role in UCC_STAFF or role is Role.INFORMATIZATION_STAFF:
        return True
    if role is Role.AGENCY_RESPONSIBLE:
        return user.agency_id is not None and user.agency_id == req.agency_id
    if role is Role.ICI_OPERATOR:
        return req.escalated_at is not None
    return False


def scope(user: Any, stmt: Select) -> Select:
    """Narrow a SELECT of requests to those ``user`` may see."""
    role = _role(user)
    if role in UCC_STAFF or role is Role.INFORMATIZATION_STAFF:
        return stmt
    if role is Role.AGENCY_RESPONSIBLE and user.agency_id is not None:
        return stmt.where(IctRequest.agency_id == user.agency_id)
    if role is Role.ICI_OPERATOR:
        return stmt.where(IctRequest.escalated_at.is_not(None))
    return stmt.where(IctRequest.id.is_(None))


def can_take(user: Any, req: IctRequest) -> bool:
    """An operator takes a new request into work."""
    return _role(user) in UCC_STAFF and req.status is RequestStatus.NEW


def can_escalate(user: Any, req: IctRequest) -> bool:
    """The contact center sends what it cannot answer to the ICI operator (cl. 36)."""
    return _role(user) in UCC_STAFF and req.status in (RequestStatus.NEW,
                                                        RequestStatus.IN_PROGRESS)


def can_answer(user: Any, req: IctRequest) -> bool:
    """The UCC answers its own requests; the ICI operator answers escalated ones."""
    role = _role(user)
    if req.status is RequestStatus.ESCALATED:
        return role is Role.ICI_OPERATOR
    return role in UCC_STAFF and req.status in (RequestStatus.NEW, RequestStatus.IN_PROGRESS)


def can_close(user: Any, req: IctRequest) -> bool:
    """The contact center, or the ICI operator for its own answers, closes an answered request."""
    if req.status is not RequestStatus.ANSWERED:
        return False
    role = _role(user)
    return role in UCC_STAFF or (role is Role.ICI_OPERATOR and req.answered_by_ici)


def can_comment(user: Any, req: IctRequest) -> bool:
    """Every party that sees an unclosed request may add to it (not the read-only authority)."""
    return (req.status is not RequestStatus.CLOSED and can_view(user, req)
            and _role(user) is not Role.INFORMATIZATION_STAFF)
