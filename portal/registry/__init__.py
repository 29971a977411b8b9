"""Public services registry, responsible persons and the Annex 1 workflow (DOMAIN.md A)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav
from portal.security import ALL_ROLES, UCC_STAFF, Role

bp = Blueprint("registry", __name__, url_prefix="/registry")

nav.add(_l("Services"), "registry.index", ALL_ROLES, order=20, prefix="/registry/services")
nav.add(_l("Annex 1"), "registry.annex_index",
        (Role.ADMIN, Role.UCC_MANAGER, Role.UCC_OPERATOR, Role.AGENCY_RESPONSIBLE), order=21,
        prefix="/registry/annex1")
nav.add(_l("Responsible persons"), "registry.people_index",
        (Role.ADMIN, Role.UCC_MANAGER, Role.UCC_OPERATOR, Role.AGENCY_RESPONSIBLE), order=22,
        prefix="/registry/people")
nav.add(_l("Requests"), "registry.requests_index", (*UCC_STAFF, Role.QC_STAFF,
                                                    Role.AGENCY_RESPONSIBLE),
        order=23, prefix="/registry/requests")

from portal.registry import (  # noqa: E402,F401 - routes register themselves on bp
    annex_routes,
    import_routes,
    people_routes,
    request_routes,
    routes,
    widgets,
)
