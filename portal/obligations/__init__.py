"""Obligations: deadlines opened and closed by domain events under the rulebook in force."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav
from portal.security import Role

bp = Blueprint("obligations", __name__, url_prefix="/obligations")

#: Who sees obligation lists: a responsible person sees their agency's, the others all.
#: (The ICI operator's obligations - cl. 37-38 - come with the ICT area.)
VIEW_ROLES = (Role.ADMIN, Role.UCC_MANAGER, Role.QC_STAFF, Role.AGENCY_RESPONSIBLE)
#: Who sees the overdue dashboard and its exports (QC staff read-only).
DASHBOARD_ROLES = (Role.ADMIN, Role.UCC_MANAGER, Role.QC_STAFF)
#: Who may cancel obligations and send cl. 28 notices.
MANAGE_ROLES = (Role.ADMIN, Role.UCC_MANAGER)

from portal.obligations import routes, subscribers, widgets  # noqa: E402,F401

nav.add(_l("Obligations"), "obligations.index", VIEW_ROLES, order=30, prefix="/obligations")
nav.add_widget((Role.AGENCY_RESPONSIBLE,), widgets.agency_widget, order=20)
nav.add_widget(DASHBOARD_ROLES, widgets.manager_widget, order=20)
