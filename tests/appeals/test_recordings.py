"""Call recordings on written demand within four hours (Rules No. 83, cl. 14)."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select, update

from portal.appeals.models import DemandStatus, RecordingDemand
from portal.db import utcnow
from portal.notify.models import OutboxMessage
from portal.obligations.models import Obligation, ObligationStatus
from portal.security import Role
from portal.timeutil import local_today
from tests.factories import login, make_user, post


def _obligation(session, demand_id: int) -> Obligation:
    return session.scalar(select(Obligation).where(
        Obligation.subject_type == "recording_demand", Obligation.subject_id == demand_id))


def _file_demand(client, session, requester) -> RecordingDemand:
    login(client, requester)
    resp = post(client, "/appeals/recordings/new", {
        "call_date": (local_today() - timedelta(days=1)).isoformat(),
        "caller_phone": "+7 701 555 44 33", "reference": "01-12/345", "note": ""},
        token_from="/appeals/recordings/new")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:400]
    return session.scalar(select(RecordingDemand).order_by(RecordingDemand.id.desc()))


def test_demand_opens_a_four_hour_obligation_and_alerts_managers(client, session) -> None:
    manager = make_user(session, Role.UCC_MANAGER, email="manager@1414.kz")
    qc = make_user(session, Role.QC_STAFF)
    demand = _file_demand(client, session, qc)
    ob = _obligation(session, demand.id)
    assert ob.rule_key == "call_recording_on_demand" and ob.status is ObligationStatus.OPEN
    assert ob.due_at - ob.trigger_at == timedelta(hours=4)
    alert = session.scalar(select(OutboxMessage).where(
        OutboxMessage.key == f"recording-demand:{demand.id}:{manager.id}"))
    assert alert.recipient == "manager@1414.kz" and "+7 701 555 44 33" in alert.body_text
    refused = post(client, "/appeals/recordings/new", {
        "call_date": (local_today() + timedelta(days=1)).isoformat(),
        "caller_phone": "+7 701 555 44 33"}, token_from="/appeals/recordings/new")
    assert refused.status_code == 422


def test_staff_attach_and_hand_over_on_time_the_requester_downloads(app, session) -> None:
    qc = make_user(session, Role.QC_STAFF, email="qc@kyzmet.gov.kz")
    operator = make_user(session, Role.UCC_OPERATOR)
    requester = app.test_client()
    demand = _file_demand(requester, session, qc)
    path = f"/appeals/recordings/{demand.id}"
    staff = app.test_client()
    login(staff, operator)
    empty = post(staff, f"{path}/hand-over", {}, token_from=path)
    assert empty.status_code == 303
    assert _obligation(session, demand.id).status is ObligationStatus.OPEN  # nothing attached
    upload = post(staff, f"{path}/files", {
        "files": [(io.BytesIO(b"RIFF0000WAVE"), "қоңырау-1.wav"),
                  (io.BytesIO(b"RIFF1111WAVE"), "call-2.wav")]},
        token_from=path, content_type="multipart/form-data")
    assert upload.status_code == 303
    session.expire_all()
    files = session.get(RecordingDemand, demand.id).files
    assert [f.filename for f in files] == ["қоңырау-1.wav", "call-2.wav"]
    # Before the hand-over the requester cannot fetch them yet.
    assert requester.get(f"{path}/files/{files[0].id}").status_code == 404
    assert post(staff, f"{path}/hand-over", {}, token_from=path).status_code == 303
    session.expire_all()
    demand = session.get(RecordingDemand, demand.id)
    assert demand.status is DemandStatus.FULFILLED
    assert _obligation(session, demand.id).status is ObligationStatus.FULFILLED_ON_TIME
    got = requester.get(f"{path}/files/{files[0].id}")
    assert got.status_code == 200 and got.data == b"RIFF0000WAVE"
    assert "filename*=UTF-8''%D2%9B" in got.headers["Content-Disposition"]
    ready = session.scalar(select(OutboxMessage).where(
        OutboxMessage.key == f"recording-ready:{demand.id}"))
    assert ready.recipient == "qc@kyzmet.gov.kz"


def test_a_late_answer_shows_overdue_then_late(app, session) -> None:
    informatization = make_user(session, Role.INFORMATIZATION_STAFF)
    requester = app.test_client()
    demand = _file_demand(requester, session, informatization)
    # Five hours have passed since the demand arrived.
    past = utcnow() - timedelta(hours=5)
    session.execute(update(Obligation).where(Obligation.subject_id == demand.id,
                                             Obligation.subject_type == "recording_demand")
                    .values(trigger_at=past, due_at=past + timedelta(hours=4)))
    session.flush()
    listing = requester.get("/appeals/recordings/").get_data(as_text=True)
    assert "badge bad" in listing
    staff = app.test_client()
    login(staff, make_user(session, Role.UCC_MANAGER))
    path = f"/appeals/recordings/{demand.id}"
    post(staff, f"{path}/files", {"files": [(io.BytesIO(b"x"), "a.mp3")]}, token_from=path,
         content_type="multipart/form-data")
    post(staff, f"{path}/hand-over", {}, token_from=path)
    session.expire_all()
    ob = _obligation(session, demand.id)
    assert ob.status is ObligationStatus.FULFILLED_LATE


def test_only_the_entitled_bodies_demand_and_only_staff_answer(client, session) -> None:
    login(client, make_user(session, Role.UCC_OPERATOR))
    assert client.get("/appeals/recordings/new").status_code == 403
    agency_user = make_user(session, Role.AGENCY_RESPONSIBLE)
    other = client.application.test_client()
    login(other, agency_user)
    assert other.get("/appeals/recordings/").status_code == 403
