"""Onboarding of services to the contact center: training, acceptance protocol, consultation start.

Rules No. 83, cl. 21-23.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav
from portal.security import Role

bp = Blueprint("onboarding", __name__, url_prefix="/onboarding")

#: Who may open onboarding pages (agency users: their own agency's services only).
VIEW_ROLES = (Role.ADMIN, Role.UCC_MANAGER, Role.UCC_OPERATOR, Role.AGENCY_RESPONSIBLE)

from portal.onboarding import routes, widgets  # noqa: E402,F401

nav.add(_l("Onboarding"), "onboarding.index", VIEW_ROLES, order=30, prefix="/onboarding")
nav.add_widget((Role.UCC_MANAGER, Role.AGENCY_RESPONSIBLE), widgets.signature_widget, order=25)
