"""ICT support for government bodies: requests, escalation to the ICI operator, planned outages.

Rules No. 83 cl. 17, 34-39 (DOMAIN.md section D).
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav

bp = Blueprint("ict", __name__, url_prefix="/ict")
#: The public page and feeds of planned outages (no login).
public_bp = Blueprint("ict_public", __name__, url_prefix="/outages")
BLUEPRINTS = ("bp", "public_bp")

from portal.ict import (  # noqa: E402,F401
    outage_routes,
    public_routes,
    regulation_routes,
    routes,
)
from portal.ict.permissions import OUTAGE_VIEWERS, REQUEST_VIEWERS  # noqa: E402
from portal.ict.widgets import render_widget  # noqa: E402

nav.add(_l("ICT requests"), "ict.requests", REQUEST_VIEWERS, order=40, prefix="/ict/requests")
nav.add(_l("Planned outages"), "ict.outages", OUTAGE_VIEWERS, order=41, prefix="/ict/outages")
nav.add_widget(tuple({*REQUEST_VIEWERS, *OUTAGE_VIEWERS}), render_widget, order=40)
