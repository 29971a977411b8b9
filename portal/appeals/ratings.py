"""Ratings of operators by callers on a 5-point scale (Rules No. 83, cl. 13)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from portal import audit
from portal.appeals.models import Appeal, CallRating, EventKind
from portal.appeals.services import add_event
from portal.auth.models import User
from portal.db import utcnow
from portal.errors import ConflictError, DomainError
from portal.security import UCC_STAFF

MAX_CALL_ID = 64


def parse_score(value: Any) -> int:
    """An integer 1-5 or DomainError (the telephony system may send strings)."""
    try:
        score = int(str(value).strip())
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5 or str(value).strip() not in {str(score), f"{score}.0"}:
        raise DomainError(_("A rating is a whole number from 1 to 5."), "score")
    return score


def operator_by_username(session: Session, username: str) -> User:
    """The contact center employee the telephony system names, or DomainError."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or user.role not in UCC_STAFF:
        raise DomainError(_("No contact center operator with this login."), "operator")
    return user


def record_rating(session: Session, actor: Any, *, call_id: str, score: int,
                  operator: User | None = None, rated_at: datetime | None = None,
                  source: str = "telephony") -> tuple[CallRating, bool]:
    """Store the rating of one call; (rating, created).

    A call is rated once: the same rating sent again (a retry) is accepted as is,
    a different one is a conflict. The operator comes from the request or, when the
    after-call form was already filed, from the appeal with that call id.
    """
    call_id = call_id.strip()
    if not call_id or len(call_id) > MAX_CALL_ID:
        raise DomainError(_("The call id is missing or too long."), "call_id")
    rated_at = rated_at or utcnow()
    if rated_at.tzinfo is None:
        raise DomainError(_("The rating time needs a time zone."), "rated_at")
    appeal = session.scalar(select(Appeal).where(Appeal.call_id == call_id))
    operator_id = operator.id if operator else (appeal.operator_id if appeal else None)
    new_id = session.execute(
        pg_insert(CallRating).values(
            call_id=call_id, score=score, operator_id=operator_id,
            appeal_id=appeal.id if appeal else None, rated_at=rated_at, source=source,
            recorded_by_id=getattr(actor, "id", None))
        # A retry racing the first request: the unique call id decides, nobody fails.
        .on_conflict_do_nothing(index_elements=["call_id"]).returning(CallRating.id)
    ).scalar()
    if new_id is None:
        existing = session.scalar(select(CallRating).where(CallRating.call_id == call_id))
        assert existing is not None
        if existing.score != score:
            raise ConflictError(_("This call was already rated %(score)s.", score=existing.score),
                                {"score": [existing.score, score]})
        return existing, False
    rating = session.get(CallRating, new_id)
    assert rating is not None
    if appeal is not None:
        add_event(session, appeal, actor, EventKind.RATED, details={"score": score,
                                                                     "source": source})
    audit.record(session, actor, "appeals.rate", rating, {"score": [None, score]},
                 summary=f"call {call_id}: {score}")
    return rating, True


def rating_for(session: Session, appeal: Appeal) -> CallRating | None:
    """The rating of the appeal's call, if any."""
    return session.scalar(select(CallRating).where(
        (CallRating.appeal_id == appeal.id) | (CallRating.call_id == ui_call_id(appeal))))


def ui_call_id(appeal: Appeal) -> str:
    """The call id a rating recorded in the portal uses: the telephony id, else the number."""
    return appeal.call_id or f"appeal:{appeal.number}"
