"""Appeals: the operator's after-call form, transfers and referrals, ratings, e-mail intake,
call-recording demands and the dashboard (DOMAIN.md section B, Rules No. 83 cl. 7-14)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav

bp = Blueprint("appeals", __name__, url_prefix="/appeals")
api_bp = Blueprint("appeals_api", __name__, url_prefix="/api/v1")

from portal.appeals import api, dashboard, recording_routes, routes  # noqa: E402,F401
from portal.appeals.dashboard import DASHBOARD_ROLES  # noqa: E402
from portal.appeals.recording_routes import VIEWERS as RECORDING_VIEWERS  # noqa: E402
from portal.appeals.routes import VIEWERS  # noqa: E402
from portal.appeals.widgets import WIDGET_ROLES, render_widget  # noqa: E402

nav.add(_l("Appeals"), "appeals.index", VIEWERS, order=30, prefix="/appeals/")
nav.add(_l("Appeals dashboard"), "appeals.dashboard", DASHBOARD_ROLES, order=31,
        prefix="/appeals/dashboard")
nav.add(_l("Call recordings"), "appeals.demands", RECORDING_VIEWERS, order=32,
        prefix="/appeals/recordings")
nav.add_widget(WIDGET_ROLES, render_widget, order=30)
