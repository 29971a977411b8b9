"""Administration: the audit log."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav
from portal.security import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.admin import routes  # noqa: E402,F401

nav.add(_l("Audit log"), "admin.audit", (Role.ADMIN, Role.UCC_MANAGER), order=95,
        prefix="/admin/audit")
