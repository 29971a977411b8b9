"""Annex 1: drafts, optimistic locking, submission, review, versions and their comparison."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from flask_babel import force_locale

from portal import signals
from portal.errors import ConflictError, DomainError
from portal.registry import annex, annex_view, services
from portal.registry.annex_models import Annex1Status
from portal.registry.models import ServiceStatus
from portal.security import Role
from tests.factories import make_agency, make_person, make_service, make_user


@contextmanager
def caught(signal):
    seen: list[dict] = []

    def receiver(sender, **kw):
        seen.append(kw)

    signal.connect(receiver)
    try:
        yield seen
    finally:
        signal.disconnect(receiver)


ROW = {"provider_name": "Әлиев Бақыт", "provider_position": "ХҚКО директоры",
       "provider_phone": "+7 7172 55 00 11", "provider_email": "info@gov4c.kz"}


def _ready(session, status=ServiceStatus.RESPONSIBLE_APPOINTED):
    agency = make_agency(session)
    user = make_user(session, Role.AGENCY_RESPONSIBLE, agency)
    service = make_service(session, agency, status=status, internet_resource="https://egov.kz/a")
    person = make_person(session, agency)
    person.services.append(service)
    session.flush()
    return agency, user, service, person


def _filled(app, session, status=ServiceStatus.RESPONSIBLE_APPOINTED):
    agency, user, service, person = _ready(session, status)
    with app.test_request_context():
        sub = annex.create_draft(session, user, agency.id, [service.id], "Орындаушы Ә.")
        row = sub.rows[0]
        annex.save_draft(session, user, sub, {"rows": {row.id: ROW | {
            "responsible_person_id": person.id}}}, sub.version)
    return sub, user, service, person


def test_draft_prefills_the_current_responsible_person(app, session):
    agency, user, service, person = _ready(session)
    with app.test_request_context():
        sub = annex.create_draft(session, user, agency.id, [service.id])
    assert sub.status is Annex1Status.DRAFT
    assert sub.rows[0].responsible_person_id == person.id


def test_draft_only_for_own_agency_services(app, session):
    agency, user, _service, _person = _ready(session)
    foreign = make_service(session, make_agency(session))
    with app.test_request_context(), pytest.raises(DomainError):
        annex.create_draft(session, user, agency.id, [foreign.id])


def test_concurrent_draft_saves_conflict_with_the_changes_shown(app, session):
    sub, user, service, _person = _filled(app, session)
    loaded = sub.version
    row_id = sub.rows[0].id
    with app.test_request_context():
        annex.save_draft(session, user, sub, {"rows": {row_id: ROW | {
            "provider_name": "Бірінші"}}}, loaded)
        with pytest.raises(ConflictError) as err:
            annex.save_draft(session, user, sub, {"rows": {row_id: ROW | {
                "provider_name": "Екінші"}}}, loaded)
    assert err.value.changes == {f"{service.code}: provider_name": ["Әлиев Бақыт", "Бірінші"]}
    assert sub.rows[0].provider_name == "Бірінші"


def test_row_contacts_are_validated(app, session):
    sub, user, _service, _person = _filled(app, session)
    with app.test_request_context(), pytest.raises(DomainError) as err:
        annex.save_draft(session, user, sub, {"rows": {sub.rows[0].id: ROW | {
            "provider_email": "nope"}}}, sub.version)
    assert err.value.field.endswith("provider_email")


def test_submit_lists_every_problem(app, session):
    agency, user, service, person = _ready(session)
    service.internet_resource = ""
    with app.test_request_context(), force_locale("en"):
        sub = annex.create_draft(session, user, agency.id, [service.id])
        problems = annex.submit_problems(sub)
        with pytest.raises(DomainError):
            annex.submit(session, user, sub, sub.version)
    text = " ".join(problems)
    assert "responsible executor" in text and "internet resource" in text
    assert "provider's full name" in text


def test_submit_freezes_a_version_moves_status_and_signals(app, session):
    sub, user, service, _person = _filled(app, session)
    with app.test_request_context(), caught(signals.annex1_submitted) as seen:
        version = annex.submit(session, user, sub, sub.version)
    assert sub.status is Annex1Status.SUBMITTED and version.number == 1
    assert service.status is ServiceStatus.INFO_SUBMITTED
    assert version.data[0]["code"] == service.code
    assert version.data[0]["provider"]["email"] == "info@gov4c.kz"
    assert seen[0]["service_ids"] == [service.id] and seen[0]["submission_id"] == sub.id
    with app.test_request_context(), pytest.raises(DomainError):
        annex.save_draft(session, user, sub, {"executor_name": "x"}, sub.version)


def test_submit_for_a_new_service_appoints_the_person_first(app, session):
    agency = make_agency(session)
    user = make_user(session, Role.AGENCY_RESPONSIBLE, agency)
    service = make_service(session, agency, status=ServiceStatus.NEW,
                           internet_resource="https://egov.kz/n")
    person = make_person(session, agency)  # not yet linked to the service
    with app.test_request_context(), caught(signals.responsible_appointed) as appointed:
        sub = annex.create_draft(session, user, agency.id, [service.id], "Орындаушы")
        annex.save_draft(session, user, sub, {"rows": {sub.rows[0].id: ROW | {
            "responsible_person_id": person.id}}}, sub.version)
        annex.submit(session, user, sub, sub.version)
    assert appointed and service in person.services
    assert service.status is ServiceStatus.INFO_SUBMITTED


def test_return_then_resubmit_keeps_both_versions_and_compares_them(app, session):
    sub, user, service, person = _filled(app, session)
    manager = make_user(session, Role.UCC_MANAGER)
    with app.test_request_context(), caught(signals.annex1_returned) as returned, \
            caught(signals.annex1_accepted) as accepted:
        annex.submit(session, user, sub, sub.version)
        with pytest.raises(DomainError):
            annex.return_for_correction(session, manager, sub, "  ")
        annex.return_for_correction(session, manager, sub, "Интернет-ресурс көрсетілмеген")
        assert service.status is ServiceStatus.RESPONSIBLE_APPOINTED
        services.update_service(session, user, service,
                                {"internet_resource": "https://egov.kz/b"}, service.version)
        annex.submit(session, user, sub, sub.version)
        annex.accept(session, manager, sub, "")
    assert returned and accepted[0]["submission_id"] == sub.id
    assert [v.number for v in sub.versions] == [1, 2]
    assert sub.versions[0].outcome is Annex1Status.RETURNED
    assert sub.versions[1].outcome is Annex1Status.ACCEPTED
    assert sub.status is Annex1Status.ACCEPTED and service.status is ServiceStatus.INFO_SUBMITTED
    with app.test_request_context(), force_locale("ru"):
        diff = annex_view.compare(sub.versions[0], sub.versions[1])
    assert diff[0].changed == {6}
    assert diff[0].left[5] == "https://egov.kz/a" and diff[0].right[5] == "https://egov.kz/b"


def test_columns_follow_annex1_in_each_language(app, session):
    sub, user, service, person = _filled(app, session)
    bylaw = service.bylaws[0]
    bylaw.registration_number = "20478"
    with app.test_request_context():
        services.add_amendment(session, user, bylaw, {"amended_on": date(2025, 5, 5),
                                                      "act_title": "Өзгерістер енгізу туралы",
                                                      "act_number": "42"})
        snap = annex.snapshot_row(sub.rows[0])
        with force_locale("kk"):
            kk = annex_view.columns(snap, 1, "kk")
        with force_locale("ru"):
            ru = annex_view.columns(snap, 1, "ru")
    assert len(kk) == len(ru) == 8 == len(annex_view.COLUMN_HEADERS)
    assert kk[:3] == ["1", service.code, service.name_kk] and ru[2] == service.name_ru
    assert "Қағидалар" in kk[3] and "20478" in kk[3] and "Правила" in ru[3]
    assert "05.05.2025" in kk[4] and "42" in ru[4]
    assert person.full_name in kk[6] and "Әлиев Бақыт" in ru[6]
    assert person.email in kk[7] and "info@gov4c.kz" in ru[7]


def test_only_a_never_submitted_draft_can_be_deleted(app, session):
    sub, user, _service, _person = _filled(app, session)
    with app.test_request_context():
        annex.submit(session, user, sub, sub.version)
        with pytest.raises(DomainError):
            annex.delete_draft(session, user, sub)
