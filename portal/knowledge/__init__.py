"""Knowledge Base: bilingual articles, their workflow, and search for operators (section B)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.nav import nav
from portal.security import Role

bp = Blueprint("knowledge", __name__, url_prefix="/kb")
api_bp = Blueprint("knowledge_api", __name__, url_prefix="/api/v1/kb")

#: Who reads the Knowledge Base: contact-center staff, and agencies' responsible
#: persons for their own services' articles and the general ones.
READERS = (Role.ADMIN, Role.UCC_MANAGER, Role.UCC_OPERATOR, Role.AGENCY_RESPONSIBLE)
#: Who writes articles (Rules No. 83, cl. 3.4: the UCC fills and updates the base).
EDITORS = (Role.ADMIN, Role.UCC_MANAGER)
#: Who publishes ("in review" → "published").
PUBLISHERS = (Role.ADMIN, Role.UCC_MANAGER)

from portal.knowledge import api, editor_routes, receivers, routes, widgets  # noqa: E402,F401

nav.add(_l("Knowledge Base"), "knowledge.search_page", READERS, order=20, prefix="/kb")
