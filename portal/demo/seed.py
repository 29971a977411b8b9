"""Load the demo dataset: agencies, regions, ~100 services, responsible persons, one user per role.

Each domain area may add its own demo data in ``portal/<area>/demo.py`` with
``seed(session, context)``; it runs after the base data, in ``AREAS`` order.
"""

from __future__ import annotations

import importlib
import secrets
from datetime import date, timedelta
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.agencies.models import Agency, AgencyKind, Region
from portal.auth.models import User
from portal.auth.passwords import hash_password
from portal.db import db
from portal.demo.dataset import Dataset, load_dataset
from portal.registry.models import Bylaw, ResponsiblePerson, Service, ServiceStatus, TermKind
from portal.security import Role
from portal.timeutil import local_today

#: One demo user per role: (role, username, full name, agency code or kind).
DEMO_USERS = (
    (Role.ADMIN, "admin", "Серік Әлиев", None),
    (Role.UCC_MANAGER, "manager", "Айгүл Сейітова", "@ucc"),
    (Role.UCC_OPERATOR, "operator", "Дана Омарова", "@ucc"),
    (Role.QC_STAFF, "qc", "Марат Жақсыбеков", "@qc_authority"),
    (Role.INFORMATIZATION_STAFF, "informatization", "Ләззат Тоқтарова", "@informatization"),
    (Role.AGENCY_RESPONSIBLE, "agency", None, "mtszn"),
    (Role.ICI_OPERATOR, "ici", "Бауыржан Ермеков", "@ici_operator"),
)


def _agency_id(session: Session, ref: str | None, data: Dataset) -> int | None:
    if ref is None:
        return None
    code = data.singleton(ref[1:]).code if ref.startswith("@") else ref
    return session.scalar(select(Agency.id).where(Agency.code == code))


def _load_agencies(session: Session, data: Dataset) -> dict[str, Agency]:
    for r in data.regions:
        session.add(Region(code=r.code, name_kk=r.name_kk, name_ru=r.name_ru))
    session.flush()
    agencies: dict[str, Agency] = {}
    for a in data.agencies:
        agencies[a.code] = Agency(
            code=a.code,
            kind=AgencyKind(a.kind),
            name_kk=a.name_kk,
            name_ru=a.name_ru,
            short_kk=a.short_kk,
            short_ru=a.short_ru,
            region_code=a.region,
            email=a.email,
            phone=a.phone,
        )
        session.add(agencies[a.code])
    session.flush()
    for a in data.agencies:
        if a.parent:
            agencies[a.code].parent_id = agencies[a.parent].id
    return agencies


def _consultation_start(status: ServiceStatus, index: int) -> date | None:
    """Plausible start dates: past for consulting services, soon for freshly signed ones."""
    today = local_today()
    if status in (ServiceStatus.CONSULTING, ServiceStatus.SUSPENDED):
        return today - timedelta(days=60 + 7 * index)
    if status is ServiceStatus.PROTOCOL_SIGNED:
        return today + timedelta(days=3 + index % 4)
    return None


def _load_services(
    session: Session, data: Dataset, agencies: dict[str, Agency]
) -> dict[str, Service]:
    services: dict[str, Service] = {}
    for i, s in enumerate(data.services):
        status = ServiceStatus(s.demo_status)
        service = Service(
            code=s.code,
            name_kk=s.name_kk,
            name_ru=s.name_ru,
            agency_id=agencies[s.agency].id,
            term_days=s.term_days,
            term_kind=TermKind(s.term_kind),
            internet_resource=s.internet_resource,
            status=status,
            consultation_start=_consultation_start(status, i),
        )
        service.bylaws = [
            Bylaw(
                title_kk=b.title_kk,
                title_ru=b.title_ru,
                number=b.number,
                approved_on=b.date,
                registration_number=b.registration_number,
                url=b.url,
            )
            for b in s.bylaws
        ]
        session.add(service)
        services[s.code] = service
    session.flush()
    return services


def _load_people(
    session: Session, data: Dataset, agencies: dict[str, Agency], services: dict[str, Service]
) -> list[ResponsiblePerson]:
    people = []
    for i, p in enumerate(data.people):
        person = ResponsiblePerson(
            agency_id=agencies[p.agency].id,
            full_name=p.full_name,
            position_kk=p.position_kk,
            position_ru=p.position_ru,
            phone=p.phone,
            email=p.email,
            appointed_on=date(2024, 1, 15) + timedelta(days=11 * i),
        )
        covered = [
            services[c]
            for c in (
                [s.code for s in data.services_of(p.agency)] if p.all_services else p.services
            )
        ]
        person.services = [s for s in covered if s.status is not ServiceStatus.NEW]
        session.add(person)
        people.append(person)
    session.flush()
    return people


def _create_users(session: Session, data: Dataset, password: str | None) -> list[dict[str, str]]:
    logins = []
    for role, username, full_name, ref in DEMO_USERS:
        agency_id = _agency_id(session, ref, data)
        person = None
        if full_name is None:  # the agency user is the agency's first responsible person
            person = session.scalar(
                select(ResponsiblePerson)
                .where(ResponsiblePerson.agency_id == agency_id)
                .order_by(ResponsiblePerson.id)
            )
            full_name = person.full_name if person else "Жауапты тұлға"
        secret = password or secrets.token_urlsafe(9)
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            agency_id=agency_id if (role.needs_agency or ref) else None,
            email=f"{username}@demo.1414.kz",
            password_hash=hash_password(secret),
            locale="kk",
        )
        session.add(user)
        session.flush()
        if person is not None:  # one click from the person to their login (cl. 20)
            person.user_id = user.id
        logins.append({"role": role.value, "username": username, "password": secret})
    return logins


def seed_demo(password: str | None = None) -> list[dict[str, str]]:
    """Load the whole demo dataset (once) and return the demo logins."""
    session = db.session
    if session.scalar(select(User.id).limit(1)) is not None:
        raise click.ClickException("The database already has users: demo data not loaded.")
    data = load_dataset()
    agencies = _load_agencies(session, data)
    services = _load_services(session, data, agencies)
    people = _load_people(session, data, agencies, services)
    logins = _create_users(session, data, password)
    context: dict[str, Any] = {
        "dataset": data,
        "agencies": agencies,
        "services": services,
        "people": people,
    }
    _run_area_hooks(session, context)
    session.commit()
    return logins


def _run_area_hooks(session: Session, context: dict[str, Any]) -> None:
    from portal import AREAS

    for area in AREAS:
        try:
            module = importlib.import_module(f"{area}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{area}.demo":
                raise
            continue
        module.seed(session, context)
        session.flush()


def print_logins(logins: list[dict[str, str]]) -> None:
    """Print the demo logins, one per role."""
    if not logins:
        return
    click.echo("\nDemo logins (one per role):")
    for row in logins:
        click.echo(f"  {row['role']:<22} {row['username']:<16} {row['password']}")
