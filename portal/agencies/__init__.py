"""Government bodies, providers and other participants."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav
from portal.security import Role

bp = Blueprint("agencies", __name__, url_prefix="/agencies")

from portal.agencies import routes  # noqa: E402,F401

nav.add(_l("Agencies"), "agencies.index", (Role.ADMIN, Role.UCC_MANAGER), order=80,
        prefix="/agencies")
