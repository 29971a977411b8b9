"""Home-page widget: e-mail appeals awaiting an answer, transfers to me, recording demands."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy import func, select

from portal.appeals.models import Appeal, AppealStatus, DemandStatus, RecordingDemand
from portal.appeals.recordings import REQUESTERS, visible_demands
from portal.db import db, utcnow
from portal.obligations.models import Obligation, ObligationStatus
from portal.security import UCC_STAFF

WIDGET_ROLES = (*UCC_STAFF, *REQUESTERS)


def _open_count(rule_key: str, subject_type: str) -> tuple[int, int]:
    """(open, overdue) obligations of one rule."""
    base = select(func.count()).select_from(Obligation).where(
        Obligation.rule_key == rule_key, Obligation.subject_type == subject_type,
        Obligation.status == ObligationStatus.OPEN)
    total = db.session.scalar(base) or 0
    overdue = db.session.scalar(base.where(Obligation.due_at < utcnow())) or 0
    return total, overdue


def render_widget(user: Any) -> str:
    """The appeals block of the user's home page."""
    ctx: dict[str, Any] = {"is_staff": user.role in UCC_STAFF}
    if user.role in UCC_STAFF:
        ctx["email"] = _open_count("email_appeal_answer", "appeal")
        ctx["mine"] = db.session.scalar(select(func.count()).select_from(Appeal).where(
            Appeal.assignee_id == user.id, Appeal.status == AppealStatus.TRANSFERRED)) or 0
    ctx["demands"] = _open_count("call_recording_on_demand", "recording_demand")
    if user.role not in UCC_STAFF:
        stmt = visible_demands(user).where(RecordingDemand.status == DemandStatus.OPEN)
        ctx["my_open_demands"] = db.session.scalar(
            select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return render_template("appeals/_widget.html", **ctx)
