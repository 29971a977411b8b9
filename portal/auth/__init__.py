"""Authentication, user accounts and their administration."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav
from portal.security import Role

bp = Blueprint("auth", __name__)
admin_bp = Blueprint("users", __name__, url_prefix="/admin/users")

from portal.auth import admin_routes, routes  # noqa: E402,F401

nav.add(_l("Users"), "users.index", (Role.ADMIN,), order=90, prefix="/admin/users")
