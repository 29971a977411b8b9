"""Responsible persons: appointment, history, replacement (cl. 27) and portal logins."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal import audit, signals
from portal.auth import services as auth_services
from portal.auth.models import User
from portal.calendar.workdays import WorkCalendar
from portal.errors import DomainError
from portal.registry.models import (
    ResponsiblePerson,
    ResponsibleReplacement,
    Service,
    ServiceStatus,
    service_responsibles,
)
from portal.registry.services import advance_status
from portal.registry.validation import check_bilingual, check_date_order, check_email, check_phone
from portal.security import Role
from portal.timeutil import local_today

PERSON_FIELDS = ("full_name", "position_kk", "position_ru", "phone", "email", "appointed_on",
                 "valid_until")
#: Rules No. 83 cl. 27: the notice of a replacement is due within five working days.
REPLACEMENT_NOTICE_DAYS = 5


def _clean_person(data: dict[str, Any]) -> dict[str, Any]:
    """Validated person fields: name, both positions, contacts, dates."""
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if "full_name" in out and not out["full_name"]:
        raise DomainError(_("Enter the full name."), "full_name")
    if "position_kk" in out or "position_ru" in out:
        check_bilingual(out, "position")
    if "phone" in out:
        out["phone"] = check_phone(out["phone"], required=True)
    if "email" in out:
        out["email"] = check_email(out["email"], required=True)
    if "appointed_on" in out and not isinstance(out["appointed_on"], date):
        raise DomainError(_("Enter the date of appointment."), "appointed_on")
    check_date_order(out.get("appointed_on"), out.get("valid_until"), "valid_until")
    return out


def _agency_services(session: Session, agency_id: int, service_ids: list[int]) -> list[Service]:
    """The services named, all of which must belong to the agency (cl. 19)."""
    if not service_ids:
        return []
    services = session.scalars(select(Service).where(Service.id.in_(service_ids))).all()
    if len(services) != len(set(service_ids)) or any(s.agency_id != agency_id for s in services):
        raise DomainError(_("A responsible person can only cover services of their own agency."),
                          "service_ids")
    return list(services)


def announce_appointment(session: Session, actor: Any, person: ResponsiblePerson,
               services: list[Service], on: date) -> None:
    """Announce an appointment (cl. 20) and move new services along."""
    if not services:
        return
    for service in services:
        advance_status(session, actor, service, {ServiceStatus.NEW},
                       ServiceStatus.RESPONSIBLE_APPOINTED,
                       _("Responsible person appointed: %(name)s", name=person.full_name))
    signals.responsible_appointed.send("registry", session=session, actor=actor,
                                       agency_id=person.agency_id, person_id=person.id,
                                       service_ids=[s.id for s in services], on=on)


def create_person(session: Session, actor: Any, agency_id: int, data: dict[str, Any],
                  service_ids: list[int] | None = None) -> ResponsiblePerson:
    """Appoint a responsible person of an agency, optionally for some of its services."""
    clean = _clean_person({k: data.get(k) for k in PERSON_FIELDS})
    services = _agency_services(session, agency_id, service_ids or [])
    person = ResponsiblePerson(agency_id=agency_id, **clean)
    person.services = services
    session.add(person)
    session.flush()
    audit.record(session, actor, "registry.person_create", person,
                 {k: [None, v] for k, v in clean.items()}
                 | {"services": [[], [s.code for s in services]]},
                 summary=person.full_name)
    announce_appointment(session, actor, person, services, person.appointed_on)
    return person


def update_person(session: Session, actor: Any, person: ResponsiblePerson,
                  data: dict[str, Any], service_ids: list[int] | None = None
                  ) -> dict[str, list[Any]]:
    """Correct a person's details; newly covered services count as appointments."""
    clean = _clean_person({k: data[k] for k in PERSON_FIELDS if k in data})
    changes = audit.apply_changes(person, clean)
    added: list[Service] = []
    if service_ids is not None:
        wanted = _agency_services(session, person.agency_id, service_ids)
        before = {s.code for s in person.services}
        added = [s for s in wanted if s.code not in before]
        if before != {s.code for s in wanted}:
            changes["services"] = [sorted(before), sorted(s.code for s in wanted)]
            person.services = wanted
    if changes:
        audit.record(session, actor, "registry.person_update", person, changes,
                     summary=person.full_name)
    announce_appointment(session, actor, person, added, local_today())
    return changes


def is_current(person: ResponsiblePerson, on: date) -> bool:
    """Was ``person`` responsible on ``on``?"""
    return person.appointed_on <= on and (person.valid_until is None or person.valid_until >= on)


def responsibles_on(session: Session, service_id: int, on: date) -> list[ResponsiblePerson]:
    """Who was responsible for the service on a given date (history, cl. 27)."""
    stmt = (select(ResponsiblePerson)
            .join(service_responsibles,
                  service_responsibles.c.person_id == ResponsiblePerson.id)
            .where(service_responsibles.c.service_id == service_id,
                   ResponsiblePerson.appointed_on <= on,
                   or_(ResponsiblePerson.valid_until.is_(None),
                       ResponsiblePerson.valid_until >= on))
            .order_by(ResponsiblePerson.appointed_on))
    return list(session.scalars(stmt))


def notice_deadline(replaced_on: date, calendar: WorkCalendar | None = None) -> date:
    """Last day for the agency's replacement notice (cl. 27: five working days).

    Pass ``portal.calendar.services.load_calendar(session)`` so admins' decreed
    day transfers count; without it only the statutory calendar is used.
    """
    return (calendar or WorkCalendar()).add_working_days(replaced_on, REPLACEMENT_NOTICE_DAYS)


def replace_person(session: Session, actor: Any, old: ResponsiblePerson, data: dict[str, Any],
                   *, replaced_on: date, notified_on: date, notice: str
                   ) -> ResponsibleReplacement:
    """Record a replacement notice (Rules No. 83 cl. 27): end ``old``, appoint the new person."""
    if not (notice or "").strip():
        raise DomainError(_("Paste or describe the agency's notice of the replacement."),
                          "notice")
    if not is_current(old, replaced_on):
        raise DomainError(_("This person was not responsible on the replacement date."),
                          "replaced_on")
    clean = _clean_person({k: data.get(k) for k in PERSON_FIELDS if k not in (
        "appointed_on", "valid_until")} | {"appointed_on": replaced_on, "valid_until": None})
    services = list(old.services)
    old.valid_until = max(old.appointed_on, replaced_on - timedelta(days=1))
    new = ResponsiblePerson(agency_id=old.agency_id, **clean)
    new.services = services
    session.add(new)
    session.flush()
    replacement = ResponsibleReplacement(
        agency_id=old.agency_id, old_person_id=old.id, new_person_id=new.id,
        replaced_on=replaced_on, notified_on=notified_on, notice=notice.strip(),
        created_by_id=getattr(actor, "id", None))
    session.add(replacement)
    session.flush()
    audit.record(session, actor, "registry.person_replace", replacement,
                 {"old": [old.full_name, None], "new": [None, new.full_name],
                  "replaced_on": [None, replaced_on], "notified_on": [None, notified_on]},
                 summary=f"{old.full_name} → {new.full_name}")
    if old.user_id is not None:
        # The replaced person no longer speaks for the agency: close their access.
        user = session.get(User, old.user_id)
        if user is not None and user.active:
            auth_services.set_active(session, actor, user, False)
    signals.responsible_replaced.send("registry", session=session, actor=actor,
                                      agency_id=old.agency_id, old_person_id=old.id,
                                      new_person_id=new.id, replaced_on=replaced_on,
                                      notified_on=notified_on)
    return replacement


def _username_for(session: Session, person: ResponsiblePerson) -> str:
    """A free username from the person's e-mail (``a.seitkali@… → a.seitkali``)."""
    base = re.sub(r"[^a-z0-9._-]", "", person.email.split("@")[0].lower())[:70]
    if len(base) < 3:
        base = f"resp{person.id}"
    candidate, n = base, 1
    while auth_services.find_by_username(session, candidate) is not None:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def create_login(session: Session, actor: Any, person: ResponsiblePerson,
                 locale: str = "kk") -> tuple[User, str]:
    """Give a responsible person an ``agency_responsible`` login; returns (user, password)."""
    if person.user_id is not None:
        raise DomainError(_("This person already has a login."))
    if person.valid_until is not None and person.valid_until < local_today():
        raise DomainError(_("This person is no longer responsible; a login is not needed."))
    password = secrets.token_urlsafe(12) + "-7"  # letters, digits and a symbol
    user = auth_services.create_user(session, actor, {
        "username": _username_for(session, person), "full_name": person.full_name,
        "email": person.email, "phone": person.phone, "role": Role.AGENCY_RESPONSIBLE.value,
        "agency_id": person.agency_id, "locale": locale}, password)
    session.flush()
    person.user_id = user.id
    audit.record(session, actor, "registry.person_login", person,
                 {"user": [None, user.username]}, summary=person.full_name)
    return user, password
