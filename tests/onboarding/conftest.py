"""A service ready for onboarding: Annex 1 information accepted, people on both sides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from portal.agencies.models import Agency
from portal.auth.models import User
from portal.db import utcnow
from portal.obligations import engine
from portal.onboarding import protocols, training
from portal.onboarding.models import AcceptanceProtocol
from portal.registry.models import ResponsiblePerson, Service, ServiceStatus
from portal.security import Role
from portal.timeutil import local_today
from tests.factories import make_agency, make_person, make_service, make_user


@dataclass
class Onboarding:
    """The cast of an onboarding."""

    agency: Agency
    service: Service
    person: ResponsiblePerson
    manager: User
    agency_user: User


@pytest.fixture
def onb(app, session) -> Onboarding:
    """Service in "information submitted" with the cl. 21 training obligation open."""
    agency = make_agency(session, name_kk="Сынақ министрлігі", name_ru="Министерство тестов")
    service = make_service(session, agency, status=ServiceStatus.INFO_SUBMITTED,
                           name_kk="Жер учаскесіне құқық беру",
                           name_ru="Предоставление права на земельный участок")
    person = make_person(session, agency, full_name="Әлібекова Гүлнар Серікқызы")
    service.responsibles.append(person)
    manager = make_user(session, Role.UCC_MANAGER, email="manager@1414.kz", locale="ru",
                        full_name="Иванов Пётр Сергеевич")
    agency_user = make_user(session, Role.AGENCY_RESPONSIBLE, agency, email="resp@gov.kz",
                            full_name="Серікбаев Нұрлан Асқарұлы")
    session.flush()
    engine.open_obligation(session, rule_key="training_after_annex1",
                           trigger_at=utcnow() - timedelta(days=3), subject_type="service",
                           subject_id=service.id, agency_id=agency.id, service_id=service.id)
    return Onboarding(agency, service, person, manager, agency_user)


@pytest.fixture
def make_protocol(app, session, onb: Onboarding) -> Callable[..., AcceptanceProtocol]:
    """Factory: schedule and hold the training today, then draw up the protocol."""

    def factory(locale: str = "kk") -> AcceptanceProtocol:
        with app.test_request_context():
            tr = training.schedule_training(session, onb.manager, onb.service, {
                "scheduled_on": local_today(), "place": "Астана", "questions": "",
                "participants": "Ахметова Д.\nИванов П.", "notes": ""})
            training.mark_held(session, onb.manager, tr, local_today())
            return protocols.create_protocol(session, onb.manager, onb.service, {
                "drawn_up_on": local_today(), "locale": locale, "place": "Астана",
                "notes": ""})

    return factory
