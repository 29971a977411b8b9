"""Ratings of calls (Rules No. 83, cl. 13): the telephony API with tokens, and the portal."""

from __future__ import annotations

from sqlalchemy import select

from portal.appeals import services
from portal.appeals.models import CallRating, Channel, Character, EventKind
from portal.auth.tokens import create_token, revoke_token
from portal.db import utcnow
from portal.security import Role
from tests.factories import login, make_user, post


def _token(session, role: Role = Role.UCC_MANAGER) -> str:
    _row, clear = create_token(session, None, make_user(session, role), "telephony")
    return clear


def _rate(client, token: str, call_id: str, **body):
    return client.post(f"/api/v1/calls/{call_id}/rating", json=body,
                       headers={"Authorization": f"Bearer {token}"})


def test_telephony_rates_a_call_once_and_retries_are_idempotent(client, session) -> None:
    op = make_user(session, Role.UCC_OPERATOR, username="aigerim")
    token = _token(session)
    first = _rate(client, token, "PBX-2026-0001", score=4, operator="aigerim",
                  rated_at="2026-03-02T10:15:00+05:00")
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.get_json() | {"rated_at": None} == {
        "call_id": "PBX-2026-0001", "score": 4, "operator": "aigerim", "appeal_id": None,
        "rated_at": None, "created": True}
    again = _rate(client, token, "PBX-2026-0001", score=4, operator="aigerim")
    assert again.status_code == 200 and again.get_json()["created"] is False
    other = _rate(client, token, "PBX-2026-0001", score=2)
    assert other.status_code == 409 and other.get_json()["field"] is None
    session.expire_all()
    [rating] = session.scalars(select(CallRating).where(CallRating.call_id == "PBX-2026-0001"))
    assert rating.score == 4 and rating.operator_id == op.id and rating.source == "telephony"


def test_rating_validation(client, session) -> None:
    make_user(session, Role.UCC_OPERATOR, username="dana")
    token = _token(session)
    for body, field in (({"score": 6}, "score"), ({"score": "4.5"}, "score"),
                        ({}, "score"), ({"score": 3, "operator": "nobody"}, "operator"),
                        ({"score": 3, "rated_at": "yesterday"}, "rated_at"),
                        ({"score": 3, "rated_at": "2026-03-02T10:15:00"}, "rated_at")):
        resp = _rate(client, token, "PBX-V", **body)
        assert resp.status_code == 422, body
        assert resp.get_json()["field"] == field
    ok = client.post("/api/v1/calls/PBX-V/rating", data={"score": "3", "operator": "dana"},
                     headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 201  # a form-encoded body works too


def test_rating_api_needs_a_valid_token_of_a_manager(client, session) -> None:
    assert client.post("/api/v1/calls/X/rating", json={"score": 5},
                       headers={"Accept": "application/json"}).status_code == 401
    assert _rate(client, "ucc_not-a-token", "X", score=5).status_code == 401
    operator_token = _token(session, Role.UCC_OPERATOR)
    assert _rate(client, operator_token, "X", score=5).status_code == 403
    row, clear = create_token(session, None, make_user(session, Role.ADMIN))
    assert _rate(client, clear, "X", score=5).status_code == 201
    revoke_token(session, None, row)
    session.flush()
    assert _rate(client, clear, "Y", score=5).status_code == 401


def test_rating_before_and_after_the_after_call_form_meet(client, session) -> None:
    op = make_user(session, Role.UCC_OPERATOR)
    token = _token(session)
    assert _rate(client, token, "PBX-EARLY", score=5).status_code == 201
    appeal = services.register_appeal(session, op, {
        "channel": Channel.LINE_1414, "phone": "+7 701 1", "content": "Сұрақ",
        "character": Character.CONSULTATION, "received_at": utcnow(), "call_id": "PBX-EARLY"})
    rating = session.scalar(select(CallRating).where(CallRating.call_id == "PBX-EARLY"))
    session.refresh(rating)
    assert rating.appeal_id == appeal.id and rating.operator_id == op.id
    late = services.register_appeal(session, op, {
        "channel": Channel.LINE_1414, "phone": "+7 701 2", "content": "Сұрақ",
        "character": Character.CONSULTATION, "received_at": utcnow(), "call_id": "PBX-LATE"})
    resp = _rate(client, token, "PBX-LATE", score=3)
    assert resp.get_json()["appeal_id"] == late.id and resp.get_json()["operator"] == op.username
    session.expire_all()
    assert late.events[-1].kind is EventKind.RATED


def test_staff_record_a_rating_from_the_appeal_page(client, session) -> None:
    op = make_user(session, Role.UCC_OPERATOR)
    appeal = services.register_appeal(session, op, {
        "channel": Channel.TOLL_FREE, "phone": "+7 701 3", "content": "Сұрақ",
        "character": Character.CONSULTATION, "received_at": utcnow()})
    login(client, op)
    path = f"/appeals/{appeal.id}"
    assert post(client, f"{path}/rate", {"score": "5"}, token_from=path).status_code == 303
    assert post(client, f"{path}/rate", {"score": "2"}, token_from=path).status_code == 422
    rating = session.scalar(select(CallRating).where(
        CallRating.call_id == f"appeal:{appeal.number}"))
    assert rating.score == 5 and rating.source == "portal" and rating.operator_id == op.id
    assert '<dd id="rating"><b>5</b> / 5</dd>' in client.get(path).get_data(as_text=True)
