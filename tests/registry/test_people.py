"""Responsible persons: appointment, history on a date, replacement (cl. 27), logins."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest

from portal import signals
from portal.auth.models import User
from portal.errors import DomainError
from portal.registry import people
from portal.registry.models import ServiceStatus
from portal.security import Role
from tests.factories import make_agency, make_person, make_service, make_user

PERSON = {"full_name": "Сейтқали Айгерім Болатқызы", "position_kk": "бас сарапшы",
          "position_ru": "главный эксперт", "phone": "+7 7172 74 01 02",
          "email": "a.seitkali@minjust.gov.kz", "appointed_on": date(2026, 2, 2),
          "valid_until": None}


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


def test_appointing_a_person_moves_new_services_and_sends_the_signal(app, session):
    agency = make_agency(session)
    new = make_service(session, agency, status=ServiceStatus.NEW)
    live = make_service(session, agency, status=ServiceStatus.CONSULTING)
    with app.test_request_context(), caught(signals.responsible_appointed) as seen:
        person = people.create_person(session, None, agency.id, PERSON, [new.id, live.id])
    assert new.status is ServiceStatus.RESPONSIBLE_APPOINTED
    assert live.status is ServiceStatus.CONSULTING  # an event never moves a service back
    assert seen[0]["person_id"] == person.id and set(seen[0]["service_ids"]) == {new.id, live.id}
    assert seen[0]["on"] == date(2026, 2, 2)


@pytest.mark.parametrize("field,value", [
    ("email", "not-an-email"), ("phone", "call me"), ("position_ru", ""),
    ("full_name", " "), ("valid_until", date(2026, 1, 1)),
])
def test_person_fields_are_validated(app, session, field, value):
    agency = make_agency(session)
    with app.test_request_context(), pytest.raises(DomainError) as err:
        people.create_person(session, None, agency.id, PERSON | {field: value})
    assert err.value.field == field


def test_a_person_covers_only_their_own_agencys_services(app, session):
    mine, other = make_agency(session), make_agency(session)
    foreign = make_service(session, other)
    with app.test_request_context(), pytest.raises(DomainError) as err:
        people.create_person(session, None, mine.id, PERSON, [foreign.id])
    assert err.value.field == "service_ids"


def test_history_tells_who_was_responsible_on_a_date(app, session):
    agency = make_agency(session)
    service = make_service(session, agency)
    old = make_person(session, agency, full_name="Бұрынғы", appointed_on=date(2025, 1, 10))
    old.services.append(service)
    session.flush()
    with app.test_request_context(), caught(signals.responsible_replaced) as seen:
        repl = people.replace_person(
            session, None, old, PERSON | {"full_name": "Жаңа"}, replaced_on=date(2026, 3, 2),
            notified_on=date(2026, 3, 5), notice="Бұйрық № 12, 02.03.2026")
    assert [p.full_name for p in people.responsibles_on(session, service.id, date(2026, 3, 1))
            ] == ["Бұрынғы"]
    assert [p.full_name for p in people.responsibles_on(session, service.id, date(2026, 3, 2))
            ] == ["Жаңа"]
    assert old.valid_until == date(2026, 3, 1)
    assert seen[0]["old_person_id"] == old.id and seen[0]["new_person_id"] == repl.new_person_id
    assert seen[0]["notified_on"] == date(2026, 3, 5)


def test_replacement_notice_deadline_is_five_working_days(app, session):
    # 2026-03-06 (Fri) + 5 working days: 9, 10, 11, 12, 13 March (8 March is a Sunday
    # holiday moved to Monday 9 March, so the count is 10, 11, 12, 13, 16).
    assert people.notice_deadline(date(2026, 3, 6)) == date(2026, 3, 16)
    assert people.notice_deadline(date(2026, 2, 2)) == date(2026, 2, 9)


def test_replacement_needs_a_notice_and_a_current_person(app, session):
    agency = make_agency(session)
    old = make_person(session, agency, appointed_on=date(2025, 1, 1),
                      valid_until=date(2025, 6, 30))
    with app.test_request_context():
        with pytest.raises(DomainError) as err:
            people.replace_person(session, None, old, PERSON, replaced_on=date(2026, 1, 5),
                                  notified_on=date(2026, 1, 5), notice="x")
        assert err.value.field == "replaced_on"
        with pytest.raises(DomainError) as err:
            people.replace_person(session, None, old, PERSON, replaced_on=date(2025, 3, 5),
                                  notified_on=date(2025, 3, 5), notice=" ")
        assert err.value.field == "notice"


def test_replacement_closes_the_old_persons_login(app, session):
    agency = make_agency(session)
    user = make_user(session, Role.AGENCY_RESPONSIBLE, agency)
    old = make_person(session, agency, appointed_on=date(2025, 1, 1), user_id=user.id)
    with app.test_request_context():
        people.replace_person(session, None, old, PERSON, replaced_on=date(2026, 2, 2),
                              notified_on=date(2026, 2, 3), notice="Хат № 5")
    assert user.active is False


def test_one_click_login_is_bound_to_the_agency(app, session):
    agency = make_agency(session)
    person = make_person(session, agency, full_name="Нұрлан Әбенов")
    person.email = "n.abenov@example.kz"
    with app.test_request_context():
        user, password = people.create_login(session, None, person, "ru")
        assert user.role is Role.AGENCY_RESPONSIBLE and user.agency_id == agency.id
        assert user.username == "n.abenov" and person.user_id == user.id
        assert len(password) >= 12
        with pytest.raises(DomainError):
            people.create_login(session, None, person)
    assert session.get(User, user.id).locale == "ru"
