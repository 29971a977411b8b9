"""Audit log viewer for admins and contact-center managers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import request
from sqlalchemy import func, select

from portal.admin import bp
from portal.agencies.models import Agency
from portal.audit import AuditEntry
from portal.db import db
from portal.htmx import render_page
from portal.pagination import paginate
from portal.security import Role, roles_required
from portal.timeutil import local_tz


def _parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@bp.route("/audit")
@roles_required(Role.ADMIN, Role.UCC_MANAGER)
def audit():
    """Every state change, newest first; filter by object, action, actor, agency, dates."""
    args = request.args
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if otype := args.get("object_type"):
        stmt = stmt.where(AuditEntry.object_type == otype)
    if action := args.get("action", "").strip():
        stmt = stmt.where(AuditEntry.action.like(f"{action}%"))
    if actor := args.get("actor", "").strip():
        stmt = stmt.where(func.lower(AuditEntry.actor_name) == actor.lower())
    if oid := args.get("object_id", "").strip():
        stmt = stmt.where(AuditEntry.object_id == oid)
    agency_id = args.get("agency_id", type=int)
    if agency_id:
        stmt = stmt.where(AuditEntry.agency_id == agency_id)
    tz = local_tz()
    if since := _parse_day(args.get("since")):
        stmt = stmt.where(AuditEntry.at >= datetime.combine(since, time.min, tz))
    if until := _parse_day(args.get("until")):
        stmt = stmt.where(AuditEntry.at < datetime.combine(until + timedelta(days=1), time.min, tz))
    page = paginate(db.session, stmt, args.get("page", 1, type=int), per_page=50)
    types = db.session.scalars(select(AuditEntry.object_type).distinct().order_by(
        AuditEntry.object_type)).all()
    agencies = db.session.scalars(select(Agency).order_by(Agency.name_ru)).all()
    return render_page("admin/audit.html", "admin/_audit_table.html", page=page,
                       types=types, agencies=agencies, args=args)
