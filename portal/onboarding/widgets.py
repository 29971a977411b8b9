"""Home-page widget: acceptance protocols waiting for the user's signature (cl. 22)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from portal.db import db
from portal.onboarding.protocols import awaiting_signature


def signature_widget(user: Any) -> str:
    """Protocols the user's side still has to sign; nothing when there are none."""
    items = awaiting_signature(db.session, user)
    return render_template("onboarding/_widget.html", items=items) if items else ""
