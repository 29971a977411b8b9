"""The registry's own services drive the engine through the signals (no hand-sent events)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.obligations.engine import open_obligations_for
from portal.obligations.models import Obligation, ObligationStatus, RefusalNotice
from portal.registry import requests as registry_requests
from portal.registry import services as registry_services
from portal.timeutil import local_today
from tests.factories import make_agency, make_service


def test_bylaw_added_in_the_registry_opens_cl20(app, session) -> None:
    agency = make_agency(session)
    service = make_service(session, agency)
    with app.test_request_context():
        registry_services.add_bylaw(session, None, service, {
            "title_kk": "Қызмет көрсету қағидалары", "title_ru": "Правила оказания услуги",
            "number": "123", "approved_on": date(2026, 3, 20), "url": ""})
    [ob] = open_obligations_for(session, "service", service.id)
    assert (ob.rule_key, ob.rule.clause, ob.agency_id) == ("annex1_after_bylaw", "20", agency.id)


def test_two_refusals_in_the_registry_draft_the_cl28_notice(app, session) -> None:
    agency = make_agency(session)
    due = local_today() + timedelta(days=3)
    with app.test_request_context():
        requests = [registry_requests.send_request(session, None, agency.id, {
            "subject": f"Сұрау {n}", "body": "Қызмет мерзімі қандай?", "due_on": due})
            for n in (1, 2)]
        for req in requests:
            registry_requests.refuse_request(session, None, req, "Коммерциялық құпия")
    closed = session.scalars(select(Obligation).where(
        Obligation.subject_type == "info_request",
        Obligation.subject_id.in_([r.id for r in requests]))).all()
    assert {o.status for o in closed} == {ObligationStatus.CANCELLED}
    notice = session.scalar(select(RefusalNotice).where(RefusalNotice.agency_id == agency.id))
    assert notice is not None and notice.request_ids == sorted(r.id for r in requests)
    [ob] = open_obligations_for(session, "refusal_notice", notice.id)
    assert (ob.rule.clause, ob.party) == ("28", "ucc")
