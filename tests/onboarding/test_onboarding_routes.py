"""The onboarding pages through HTTP: schedule, hold, draw up, sign with the shown hash, access."""

from __future__ import annotations

import hashlib
import re

from portal.onboarding.models import AcceptanceProtocol, Training
from portal.registry.models import ServiceStatus
from portal.security import Role
from portal.timeutil import local_today
from tests.factories import login, make_agency, make_user, post

HASH_RE = re.compile(r'name="pdf_sha256" type="hidden" value="([0-9a-f]{64})"')


def test_full_onboarding_through_the_pages(app, client, session, onb):
    login(client, onb.manager)
    service_url = f"/onboarding/services/{onb.service.id}"
    assert client.get("/onboarding/").status_code == 200
    assert onb.service.code in client.get("/onboarding/").get_data(as_text=True)
    resp = post(client, f"{service_url}/trainings", {
        "scheduled_on": local_today().isoformat(), "place": "Астана",
        "participants": "Ахметова Д.", "questions": "Қандай құжаттар қажет?", "notes": ""},
        token_from=service_url)
    assert resp.status_code == 303
    session.expire_all()
    training = session.query(Training).filter_by(service_id=onb.service.id).one()
    assert post(client, f"/onboarding/trainings/{training.id}/questions",
                token_from=service_url).status_code == 303
    post(client, f"/onboarding/trainings/{training.id}/held",
         {"held_on": local_today().isoformat()}, token_from=service_url)
    resp = post(client, f"{service_url}/protocols", {
        "drawn_up_on": local_today().isoformat(), "locale": "kk", "place": "Астана",
        "notes": ""}, token_from=service_url)
    assert resp.status_code == 303
    protocol_url = resp.headers["Location"]
    session.expire_all()
    protocol = session.query(AcceptanceProtocol).filter_by(service_id=onb.service.id).one()

    page = client.get(protocol_url).get_data(as_text=True)
    shown = HASH_RE.search(page).group(1)
    pdf = client.get(f"{protocol_url}/document.pdf")
    assert pdf.mimetype == "application/pdf" and hashlib.sha256(pdf.data).hexdigest() == shown
    post(client, f"{protocol_url}/sign", {"pdf_sha256": shown}, token_from=protocol_url)
    assert client.get(f"{protocol_url}/signed.pdf").status_code == 404  # one side only

    agency_client = app.test_client()
    login(agency_client, onb.agency_user)
    page = agency_client.get(protocol_url).get_data(as_text=True)
    resp = post(agency_client, f"{protocol_url}/sign", {"pdf_sha256": HASH_RE.search(page)
                                                        .group(1)}, token_from=protocol_url)
    assert resp.status_code == 303
    session.expire_all()
    protocol = session.get(AcceptanceProtocol, protocol.id)
    assert protocol.frozen and protocol.service.status is ServiceStatus.PROTOCOL_SIGNED
    signed = agency_client.get(f"{protocol_url}/signed.pdf")
    assert hashlib.sha256(signed.data).hexdigest() == protocol.final_sha256


def test_stale_hash_from_the_form_is_refused(client, session, onb, make_protocol):
    protocol = make_protocol()
    session.commit()
    login(client, onb.manager)
    url = f"/onboarding/protocols/{protocol.id}"
    resp = post(client, f"{url}/sign", {"pdf_sha256": "a" * 64}, token_from=url,
                follow_redirects=True)
    assert "Документ изменился" in resp.get_data(as_text=True)  # the manager reads Russian
    session.expire_all()
    assert session.get(AcceptanceProtocol, protocol.id).signatures == []


def test_another_agency_sees_nothing(client, session, onb, make_protocol):
    protocol = make_protocol()
    session.commit()
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, make_agency(session)))
    for url in (f"/onboarding/services/{onb.service.id}", f"/onboarding/protocols/{protocol.id}",
                f"/onboarding/protocols/{protocol.id}/document.pdf"):
        assert client.get(url).status_code == 403, url
    assert onb.service.code not in client.get("/onboarding/?show=all").get_data(as_text=True)
    resp = post(client, f"/onboarding/protocols/{protocol.id}/sign",
                {"pdf_sha256": protocol.pdf_sha256})
    assert resp.status_code == 403


def test_home_shows_protocols_awaiting_my_signature(app, client, session, onb, make_protocol):
    protocol = make_protocol()
    session.commit()
    login(client, onb.agency_user)
    assert f"№ {protocol.number}" in client.get("/").get_data(as_text=True)
    url = f"/onboarding/protocols/{protocol.id}"
    post(client, f"{url}/sign", {"pdf_sha256": protocol.pdf_sha256}, token_from=url)
    assert f"№ {protocol.number}" not in client.get("/").get_data(as_text=True)
    manager = app.test_client()
    login(manager, onb.manager)
    assert f"№ {protocol.number}" in manager.get("/").get_data(as_text=True)
