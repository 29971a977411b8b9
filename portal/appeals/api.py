"""``POST /api/v1/calls/<call_id>/rating``: the telephony system reports a caller's rating.

Rules No. 83, cl. 13: right after the conversation the system offers the caller to rate
the operator on a 5-point scale. The telephony system authenticates with a personal API
token (``portal token create <user>``) of a contact center manager or administrator.

Body (JSON or form): ``score`` 1-5 (required), ``operator`` (the operator's portal login,
optional when the after-call form names the call), ``rated_at`` (ISO 8601 with offset,
default now). Answers: 201 stored, 200 the same rating again (a retry), 409 the call
already has another rating, 422 invalid input.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import jsonify, request
from flask_login import current_user

from portal.appeals import api_bp, ratings
from portal.auth.tokens import token_required
from portal.db import db
from portal.errors import ConflictError, DomainError
from portal.security import Role

#: The telephony integration runs under a manager's (or an admin's) token.
RATING_CLIENTS = (Role.ADMIN, Role.UCC_MANAGER)


def _payload() -> dict[str, Any]:
    if request.is_json:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}
    return request.form.to_dict()


def _error(status: int, err: DomainError) -> Any:
    body: dict[str, Any] = {"error": "conflict" if status == 409 else "invalid",
                            "field": err.field, "message": err.message}
    response = jsonify(body)
    response.status_code = status
    return response


def _rated_at(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise DomainError("rated_at must be an ISO 8601 date and time", "rated_at") from exc
    if moment.tzinfo is None:
        raise DomainError("rated_at needs a UTC offset", "rated_at")
    return moment


@api_bp.route("/calls/<call_id>/rating", methods=["POST"])
@token_required(*RATING_CLIENTS)
def rate_call(call_id: str):
    """Store the rating of one call; idempotent for retries."""
    data = _payload()
    try:
        score = ratings.parse_score(data.get("score"))
        operator = ratings.operator_by_username(db.session, str(data["operator"])) \
            if data.get("operator") else None
        rating, created = ratings.record_rating(
            db.session, current_user, call_id=call_id, score=score, operator=operator,
            rated_at=_rated_at(data.get("rated_at")), source="telephony")
        db.session.commit()
    except ConflictError as err:
        db.session.rollback()
        return _error(409, err)
    except DomainError as err:
        db.session.rollback()
        return _error(422, err)
    response = jsonify(call_id=rating.call_id, score=rating.score,
                       operator=rating.operator.username if rating.operator else None,
                       appeal_id=rating.appeal_id, rated_at=rating.rated_at.isoformat(),
                       created=created)
    response.status_code = 201 if created else 200
    return response
