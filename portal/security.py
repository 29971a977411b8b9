"""Roles and the server-side permission checks every route goes through.

Each route declares who may call it with ``@roles_required``; object-level checks
(one agency never sees another agency's drafts) use the ``require_*`` helpers in
the areas' services, which raise ``Forbidden``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


class Role(enum.StrEnum):
    """Portal roles (DOMAIN.md, "Participants and roles", Rules No. 83 cl. 18)."""

    ADMIN = "admin"
    UCC_MANAGER = "ucc_manager"
    UCC_OPERATOR = "ucc_operator"
    QC_STAFF = "qc_staff"
    INFORMATIZATION_STAFF = "informatization_staff"
    AGENCY_RESPONSIBLE = "agency_responsible"
    ICI_OPERATOR = "ici_operator"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(ROLE_LABELS[self])

    @property
    def needs_agency(self) -> bool:
        """Agency-bound roles: the user acts on behalf of one agency."""
        return self in AGENCY_BOUND_ROLES


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.UCC_MANAGER: _l("Contact center manager"),
    Role.UCC_OPERATOR: _l("Contact center operator"),
    Role.QC_STAFF: _l("Quality control authority staff"),
    Role.INFORMATIZATION_STAFF: _l("Informatization authority staff"),
    Role.AGENCY_RESPONSIBLE: _l("Agency responsible person"),
    Role.ICI_OPERATOR: _l("ICI operator staff"),
}

AGENCY_BOUND_ROLES = frozenset({Role.AGENCY_RESPONSIBLE, Role.ICI_OPERATOR})

#: Staff of the contact center itself.
UCC_STAFF = (Role.ADMIN, Role.UCC_MANAGER, Role.UCC_OPERATOR)
#: Everybody who can log in.
ALL_ROLES = tuple(Role)


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Require a logged-in, active user with one of ``roles``; 403 otherwise.

    The allowed roles are recorded on the view so the access-matrix test can
    check every route against its declaration.
    """
    allowed = frozenset(roles)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from portal.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Mark a view as deliberately open to anonymous users (login page, health)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def has_role(user: Any, roles: Iterable[Role]) -> bool:
    """True when an authenticated ``user`` has one of ``roles``."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in set(roles)


def can_act_for_agency(user: Any, agency_id: int | None) -> bool:
    """May ``user`` change data owned by ``agency_id``?

    Contact-center staff may act for any agency; agency-bound users only for
    their own (Rules No. 83 cl. 19: each body maintains its own services' data).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role in (Role.ADMIN, Role.UCC_MANAGER):
        return True
    if user.role in AGENCY_BOUND_ROLES:
        return agency_id is not None and user.agency_id == agency_id
    return False


def require_agency(user: Any, agency_id: int | None) -> None:
    """Abort with 403 unless ``user`` may act for ``agency_id``."""
    if not can_act_for_agency(user, agency_id):
        abort(403)
