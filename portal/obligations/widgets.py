"""Home-page widgets: an agency's nearest deadlines, the managers' counts."""

from __future__ import annotations

from typing import Any

from flask import render_template

from portal.db import db
from portal.obligations import queries
from portal.obligations.subjects import subject_labels


def agency_widget(user: Any) -> str:
    """The agency's open obligations, nearest deadline first."""
    if user.agency_id is None:
        return ""
    items = queries.nearest_for_agency(db.session, user.agency_id, limit=5)
    return render_template("obligations/_widget_agency.html", items=items,
                           labels=subject_labels(db.session, items),
                           stats=queries.summary(db.session, user.agency_id))


def manager_widget(user: Any) -> str:
    """Open, overdue and soon-due obligations across all agencies."""
    return render_template("obligations/_widget_manager.html",
                           stats=queries.summary(db.session))
