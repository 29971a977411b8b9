"""Every cl. 20-28 obligation is opened and closed by its registry events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal import signals
from portal.calendar.workdays import ASTANA_TZ
from portal.obligations.engine import open_obligations_for
from portal.obligations.models import Obligation, ObligationStatus
from portal.registry.models import ServiceStatus
from tests.factories import make_agency, make_person, make_service


def at(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, tzinfo=ASTANA_TZ)


def eod(y: int, m: int, d: int) -> datetime:
    return datetime.combine(date(y, m, d), time.max, ASTANA_TZ)


def obligations(session, key: str, subject_type: str, subject_id: int) -> list[Obligation]:
    return list(session.scalars(select(Obligation).where(
        Obligation.rule_key == key, Obligation.subject_type == subject_type,
        Obligation.subject_id == subject_id).order_by(Obligation.id)))


@pytest.fixture
def svc(session):
    agency = make_agency(session)
    service = make_service(session, agency, status=ServiceStatus.NEW)
    return service


def send(signal, session, **kw) -> None:
    signal.send("registry", session=session, actor=None, **kw)


def submit(session, service, when: datetime, submission_id: int = 1) -> None:
    send(signals.annex1_submitted, session, submission_id=submission_id,
         agency_id=service.agency_id, service_ids=[service.id], submitted_at=when)


def appoint(session, service) -> None:
    person = make_person(session, service.agency)
    person.services.append(service)
    session.flush()


def test_cl20_opened_by_bylaw_and_closed_by_annex1(session, svc) -> None:
    send(signals.bylaw_approved, session, service_id=svc.id, bylaw_id=1,
         approved_on=date(2026, 3, 20))
    [ob] = obligations(session, "annex1_after_bylaw", "service", svc.id)
    assert (ob.due_at, ob.party, ob.agency_id, ob.service_id) == (
        eod(2026, 4, 1), "agency", svc.agency_id, svc.id)
    assert ob.rule.citation("ru") == "Правила № 83, п. 20"
    appoint(session, svc)
    submit(session, svc, at(2026, 4, 2))  # one day after the 5th working day
    assert ob.status is ObligationStatus.FULFILLED_LATE and ob.days_late == 1


def test_cl20_under_order_81_in_2019(session, svc) -> None:
    send(signals.bylaw_approved, session, service_id=svc.id, bylaw_id=1,
         approved_on=date(2019, 12, 27))
    [ob] = obligations(session, "annex1_after_bylaw", "service", svc.id)
    # Fri 27.12.2019 + 5 WD: 30, 31 Dec, (1-2 Jan New Year), 3, 6, (7 Christmas), 8 Jan.
    assert (ob.rule.act_number, ob.rule.clause, ob.due_at) == ("81", "5", eod(2020, 1, 8))
    appoint(session, svc)
    submit(session, svc, at(2020, 1, 8, 17))
    assert ob.status is ObligationStatus.FULFILLED_ON_TIME


def test_annex1_without_a_responsible_person_leaves_cl20_open(session, svc) -> None:
    send(signals.bylaw_approved, session, service_id=svc.id, bylaw_id=1,
         approved_on=date(2026, 3, 2))
    submit(session, svc, at(2026, 3, 3))
    [ob] = obligations(session, "annex1_after_bylaw", "service", svc.id)
    assert ob.status is ObligationStatus.OPEN


def test_cl21_training_opened_by_annex1_closed_by_training(session, svc) -> None:
    from portal.obligations.engine import fulfil

    appoint(session, svc)
    submit(session, svc, at(2026, 3, 2))
    [ob] = obligations(session, "training_after_annex1", "service", svc.id)
    # Mon 02.03 + 10 WD: 3,4,5,6, (8 March Sunday -> Mon 9 off), 10,11,12,13,16,17.
    assert (ob.rule.clause, ob.party, ob.due_at) == ("21", "agency", eod(2026, 3, 17))
    # The onboarding area records the training held (its contract call):
    fulfil(session, rule_key="training_after_annex1", subject_type="service",
           subject_id=svc.id, at=at(2026, 3, 16))
    assert ob.status is ObligationStatus.FULFILLED_ON_TIME
    # Accepting the same form later does not ask for training again.
    send(signals.annex1_accepted, session, submission_id=1, agency_id=svc.agency_id,
         service_ids=[svc.id], accepted_at=at(2026, 3, 18))
    assert len(obligations(session, "training_after_annex1", "service", svc.id)) == 1


def test_cl21_cancelled_when_returned_and_restarted_on_resubmission(session, svc) -> None:
    appoint(session, svc)
    submit(session, svc, at(2026, 3, 2))
    send(signals.annex1_returned, session, submission_id=1, agency_id=svc.agency_id,
         service_ids=[svc.id], returned_at=at(2026, 3, 4))
    first, = obligations(session, "training_after_annex1", "service", svc.id)
    assert first.status is ObligationStatus.CANCELLED
    assert first.details["reason_code"] == "annex1_returned"
    submit(session, svc, at(2026, 3, 10), submission_id=1)
    _, second = obligations(session, "training_after_annex1", "service", svc.id)
    assert second.status is ObligationStatus.OPEN and second.trigger_at == at(2026, 3, 10)


def test_accepted_opens_training_when_submission_predates_the_engine(session, svc) -> None:
    send(signals.annex1_accepted, session, submission_id=3, agency_id=svc.agency_id,
         service_ids=[svc.id], accepted_at=at(2026, 3, 2))
    [ob] = obligations(session, "training_after_annex1", "service", svc.id)
    assert ob.status is ObligationStatus.OPEN


def test_cl26_amendment_closed_by_the_next_annex1_without_new_training(session) -> None:
    agency = make_agency(session)
    svc = make_service(session, agency)  # consulting already
    appoint(session, svc)
    send(signals.bylaw_amended, session, service_id=svc.id, bylaw_id=1,
         amended_on=date(2025, 3, 20))
    [ob] = obligations(session, "info_update_after_amendment", "service", svc.id)
    # Thu 20.03.2025: Nauryz Fri 21, Mon 24, Tue 25 -> 26, 27, 28, 31 Mar, 1 Apr.
    assert (ob.rule.clause, ob.due_at) == ("26", eod(2025, 4, 1))
    submit(session, svc, at(2025, 3, 31))
    assert ob.status is ObligationStatus.FULFILLED_ON_TIME
    assert obligations(session, "training_after_annex1", "service", svc.id) == []


def test_cl26_under_order_81(session) -> None:
    svc = make_service(session, make_agency(session))
    send(signals.bylaw_amended, session, service_id=svc.id, bylaw_id=1,
         amended_on=date(2021, 6, 1))
    [ob] = obligations(session, "info_update_after_amendment", "service", svc.id)
    assert (ob.rule.act_number, ob.rule.clause) == ("81", "11")


@pytest.mark.parametrize(("notified", "status"), [
    (date(2026, 4, 1), ObligationStatus.FULFILLED_ON_TIME),
    (date(2026, 4, 2), ObligationStatus.FULFILLED_LATE),
    (date(2026, 3, 18), ObligationStatus.FULFILLED_ON_TIME),  # notice given in advance
])
def test_cl27_replacement_notice_closed_at_once(session, notified, status) -> None:
    agency = make_agency(session)
    old, new = make_person(session, agency), make_person(session, agency)
    send(signals.responsible_replaced, session, agency_id=agency.id, old_person_id=old.id,
         new_person_id=new.id, replaced_on=date(2026, 3, 20), notified_on=notified)
    [ob] = obligations(session, "responsible_person_replaced_notice", "responsible_person",
                       new.id)
    assert (ob.rule.clause, ob.due_at, ob.status) == ("27", eod(2026, 4, 1), status)
    assert ob.details["old_person_id"] == old.id


def test_info_request_answered_by_its_own_due_date(session) -> None:
    agency = make_agency(session)
    send(signals.info_request_sent, session, request_id=501, agency_id=agency.id,
         service_id=None, due_on=date(2026, 2, 20), sent_at=at(2026, 2, 2))
    [ob] = obligations(session, "info_request_answer", "info_request", 501)
    assert (ob.due_at, ob.due_explicit, ob.rule.clause) == (eod(2026, 2, 20), True, "25")
    send(signals.info_request_answered, session, request_id=501, agency_id=agency.id,
         answered_at=at(2026, 2, 21))
    assert ob.status is ObligationStatus.FULFILLED_LATE


def test_withdrawn_service_cancels_its_open_duties(session, svc) -> None:
    send(signals.bylaw_approved, session, service_id=svc.id, bylaw_id=1,
         approved_on=date(2026, 3, 2))
    send(signals.service_status_changed, session, service_id=svc.id, old=ServiceStatus.NEW,
         new=ServiceStatus.WITHDRAWN)
    assert open_obligations_for(session, "service", svc.id) == []
    [ob] = obligations(session, "annex1_after_bylaw", "service", svc.id)
    assert ob.status is ObligationStatus.CANCELLED


def test_replayed_event_opens_nothing_new(session, svc) -> None:
    for _ in range(2):
        send(signals.bylaw_approved, session, service_id=svc.id, bylaw_id=1,
             approved_on=date(2026, 3, 2))
    appoint(session, svc)
    submit(session, svc, at(2026, 3, 3))
    send(signals.bylaw_approved, session, service_id=svc.id, bylaw_id=1,
         approved_on=date(2026, 3, 2))  # a retried job after the form was sent
    [ob] = obligations(session, "annex1_after_bylaw", "service", svc.id)
    assert ob.status is ObligationStatus.FULFILLED_ON_TIME
    assert ob.trigger_at + timedelta(0) == datetime(2026, 3, 2, tzinfo=ASTANA_TZ)
