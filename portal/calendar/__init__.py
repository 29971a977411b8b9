"""Kazakhstan production calendar: the month view and the admins' decree overrides."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav
from portal.security import Role

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

from portal.calendar import routes  # noqa: E402,F401

nav.add(_l("Calendar"), "calendar.month", (Role.ADMIN, Role.UCC_MANAGER), order=85,
        prefix="/calendar")
