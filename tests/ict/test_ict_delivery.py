"""Outage alerts are delivered exactly once per (outage, version, recipient), over real SMTP and
a real SMS gateway, even when Redis is unreachable at registration and SMTP is down for a while."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from redis import Redis
from sqlalchemy import func, select

from jobs.ict import catch_up_notices, dispatch_notices
from jobs.outbox import deliver_pending
from portal.agencies.models import AgencyKind
from portal.db import utcnow
from portal.ict.models import Outage
from portal.ict.outages import change_outage, register_outage
from portal.notify.models import OutboxMessage, OutboxStatus
from portal.queue import get_queue
from portal.security import Role
from portal.timeutil import local_tz
from tests.factories import login, make_agency, make_person, make_user, post
from tests.ict.conftest import outage_data


def _bodies(session, n: int = 3) -> set[str]:
    """``n`` central bodies with an e-mail and a mobile each; returns the e-mail addresses."""
    emails = set()
    for i in range(n):
        agency = make_agency(session, AgencyKind.CENTRAL, email=f"body{i}@gov.kz",
                             phone=f"+7 701 000 00 0{i}")
        emails.add(agency.email)
    return emails


def _form(start) -> dict[str, str]:
    local = start.astimezone(local_tz())
    end = local + timedelta(hours=4)
    return {"scope": "full", "works_kind": "equipment", "systems": "ЕНИС, egov.kz",
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"), "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
            "description_kk": "Жабдықты ауыстыру.", "description_ru": "Замена оборудования."}


def _received_per_key(smtp) -> Counter:
    return Counter(email["X-Portal-Key"] for _, email in smtp.received)


def test_redis_down_at_registration_then_delivery_catches_up_exactly_once(
        app, session, client, smtp, sms_gateway, transports, monkeypatch) -> None:
    emails = _bodies(session)
    ici = make_user(session, Role.ICI_OPERATOR, make_agency(session, AgencyKind.ICI_OPERATOR))
    session.commit()
    login(client, ici)
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    monkeypatch.setitem(app.extensions, "portal_redis", dead)

    resp = post(client, "/ict/outages/new", _form(utcnow() + timedelta(days=2)),
                token_from="/ict/outages/new")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    session.expire_all()
    outage = session.scalars(select(Outage)).one()
    pending = session.scalars(select(OutboxMessage).where(
        OutboxMessage.key.like(f"outage:{outage.id}:v1:%"))).all()
    assert len(pending) == 6 and {m.status for m in pending} == {OutboxStatus.PENDING}

    # SMTP down too: the first sweep fails softly and backs off, nothing is lost.
    assert deliver_pending() == 3  # the SMS gateway is up
    session.expire_all()
    held = session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "email", OutboxMessage.status == OutboxStatus.PENDING)).all()
    assert len(held) == 3 and all(m.attempts == 1 for m in held)

    smtp.start()
    later = max(m.not_before for m in held) + timedelta(seconds=1)
    assert deliver_pending(now=later) == 3
    assert deliver_pending(now=later) == 0  # a retried or duplicated run sends nothing again
    assert sorted(smtp.to()) == sorted(emails)
    assert set(_received_per_key(smtp).values()) == {1}
    assert sorted(m["to"] for m in sms_gateway) == [f"+7701000000{i}" for i in range(3)]
    assert all(m["id"].startswith(f"outage:{outage.id}:v1:") for m in sms_gateway)
    # Delivery per recipient is visible to the ICI operator.
    page = client.get(f"/ict/outages/{outage.id}/delivery").get_data(as_text=True)
    assert page.count('data-delivery="sent"') == 6
    assert all(address in page for address in emails)


def test_retried_jobs_never_send_a_version_twice(app, session, smtp, sms_gateway,
                                                 transports) -> None:
    _bodies(session, 2)
    make_person(session, make_agency(session, AgencyKind.PROVIDER, email="p@gov4c.kz"))
    ici = make_user(session, Role.ICI_OPERATOR, make_agency(session, AgencyKind.ICI_OPERATOR))
    smtp.start()
    now = utcnow()
    with app.app_context():
        outage = register_outage(session, ici, outage_data(now + timedelta(hours=30)), now=now)
        session.commit()
        # A retried fan-out job queues more delivery runs; they share the rows (SKIP LOCKED).
        assert dispatch_notices(outage.id) == 1
        assert dispatch_notices(outage.id) == 1
        assert get_queue().count == 2
        for _ in range(3):
            deliver_pending()
        assert catch_up_notices() == 0  # retried sweeper: nothing new to queue
        change_outage(session, ici, outage, outage_data(now + timedelta(hours=31)))
        session.commit()
        for _ in range(2):
            deliver_pending()
        assert dispatch_notices(outage.id) == 0  # nothing pending any more
    keys = _received_per_key(smtp)
    assert set(keys.values()) == {1}
    assert len([k for k in keys if ":v1:" in k]) == len([k for k in keys if ":v2:" in k]) == 4
    sms_keys = Counter(m["id"] for m in sms_gateway)
    assert set(sms_keys.values()) == {1} and len(sms_keys) == 4  # 2 mobiles x 2 versions
    sent = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.SENT))
    assert sent == 8 + 4
