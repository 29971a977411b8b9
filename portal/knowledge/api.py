"""``GET /api/v1/kb/search``: the search results as JSON, for integrations."""

from __future__ import annotations

import json

from flask import Response, current_app, request
from flask_login import current_user

from portal.auth.tokens import token_required
from portal.db import db
from portal.knowledge import READERS, api_bp
from portal.knowledge import analytics as stats
from portal.knowledge.search import MAX_LIMIT, search
from portal.security import Role


@api_bp.route("/search")
@token_required(*READERS)
def search_api():
    """``?q=...&limit=N`` → ``[{"external_id", "title_kk", "title_ru", "score"}]``, best first."""
    q = request.args.get("q", "").strip()[:200]
    limit = min(max(request.args.get("limit", 10, type=int), 1), MAX_LIMIT)
    scope = current_user.agency_id if current_user.role is Role.AGENCY_RESPONSIBLE else None
    result = search(db.session, q, limit=limit, visible_to_agency=scope)
    if q:
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # kept by a timer
        stats.log_api_search(app, db.session, q, result.total, [h.id for h in result.hits])
    # The search only read: committing here spares the teardown its round trip asking
    # PostgreSQL whether the transaction wrote (portal.db; it commits what only read).
    db.session.commit()
    body = json.dumps([h.as_json() for h in result.hits], ensure_ascii=False)
    return Response(body, mimetype="application/json")
