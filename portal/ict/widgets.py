"""Home-page (dashboard) widget: ICT requests in work, coming outages, cl. 38 violations."""

from __future__ import annotations

from typing import Any

from flask import render_template

from portal.db import db, utcnow
from portal.ict import queries
from portal.ict.permissions import OUTAGE_EDITORS, REQUEST_VIEWERS
from portal.security import Role

#: Who sees the list of late announcements (the contact center and the ICI operator).
VIOLATION_VIEWERS = (Role.ADMIN, Role.UCC_MANAGER, Role.UCC_OPERATOR, Role.ICI_OPERATOR,
                     Role.INFORMATIZATION_STAFF)


def render_widget(user: Any) -> str:
    """The ICT block of the user's home page."""
    now = utcnow()
    counts = (queries.request_counts(db.session, user, now)
              if user.role in REQUEST_VIEWERS else None)
    late = (queries.late_versions(db.session, queries.recent_since(now))
            if user.role in VIOLATION_VIEWERS else [])
    return render_template("ict/_widget.html", counts=counts, late=late, now=now,
                           outages=queries.upcoming_outages(db.session, now, limit=5),
                           can_register=user.role in OUTAGE_EDITORS)
