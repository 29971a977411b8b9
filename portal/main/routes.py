"""Role home pages and /healthz."""

from __future__ import annotations

from flask import jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from portal.db import db
from portal.main import bp
from portal.nav import nav
from portal.queue import redis_conn
from portal.security import ALL_ROLES, public, roles_required


@bp.route("/")
@roles_required(*ALL_ROLES)
def home():
    """The logged-in user's home page: what their role works on, nearest first."""
    return render_template("main/home.html", widgets=nav.widgets_for(current_user),
                           links=nav.for_user(current_user))


@bp.route("/healthz")
@public
def healthz():
    """Database and Redis reachability, for load balancers and monitoring."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure, never raise here
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        redis_conn().ping()
        checks["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if healthy else "degraded", checks=checks), (
        200 if healthy else 503)
