"""Outbox of e-mail and SMS, delivery, and the outbox viewer for administrators."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav
from portal.security import Role

bp = Blueprint("notify", __name__, url_prefix="/admin/outbox")

from portal.notify import routes  # noqa: E402,F401

nav.add(_l("Outbox"), "notify.outbox", (Role.ADMIN, Role.UCC_MANAGER), order=96,
        prefix="/admin/outbox")
