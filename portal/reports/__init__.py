"""Monthly reports: generic machinery (kinds, PDF/XLSX, announcement, obligations) and the
Annex 2 report on appeals with the QC authority's discrepancy requests (Rules No. 83 cl. 31-32)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav

bp = Blueprint("reports", __name__, url_prefix="/reports")

from portal.reports import routes  # noqa: E402,F401
from portal.reports.routes import LIST_ROLES  # noqa: E402

nav.add(_l("Reports"), "reports.index", LIST_ROLES, order=60, prefix="/reports")
