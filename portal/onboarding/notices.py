"""Who hears about a service on both sides, and the onboarding mails they get."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.auth.models import User
from portal.i18n import DEFAULT_LOCALE, LOCALES
from portal.notify.outbox import render_and_queue
from portal.onboarding.models import AcceptanceProtocol
from portal.registry.models import ResponsiblePerson, Service
from portal.registry.people import responsibles_on
from portal.security import Role
from portal.timeutil import local_today


@dataclass(frozen=True)
class Contact:
    """One e-mail recipient and the language to write to them in."""

    email: str
    locale: str
    name: str


def _locale(value: str | None) -> str:
    return value if value in LOCALES else DEFAULT_LOCALE


def _dedupe(contacts: list[Contact]) -> list[Contact]:
    seen: set[str] = set()
    out = []
    for c in contacts:
        key = c.email.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(c)
    return out


def agency_contacts(session: Session, agency_id: int | None, service_id: int | None = None,
                    on: date | None = None) -> list[Contact]:
    """The agency's current responsible persons (of the service if it has its own) and its users.

    Rules No. 83, cl. 20: the responsible person is the agency's contact for the UCC.
    A person without a portal account is written to in Kazakh, the state language.
    """
    if agency_id is None:
        return []
    on = on or local_today()
    persons = responsibles_on(session, service_id, on) if service_id else []
    if not persons:
        persons = list(session.scalars(
            select(ResponsiblePerson).where(
                ResponsiblePerson.agency_id == agency_id, ResponsiblePerson.appointed_on <= on,
                or_(ResponsiblePerson.valid_until.is_(None), ResponsiblePerson.valid_until >= on))
            .order_by(ResponsiblePerson.id)))
    user_ids = {p.user_id for p in persons if p.user_id}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
    contacts = [Contact(p.email, _locale(users[p.user_id].locale if p.user_id in users else None),
                        p.full_name) for p in persons if p.email]
    contacts += role_contacts(session, Role.AGENCY_RESPONSIBLE, agency_id)
    return _dedupe(contacts)


def role_contacts(session: Session, role: Role, agency_id: int | None = None) -> list[Contact]:
    """Active users of ``role`` (of one agency for agency-bound roles) who have an e-mail."""
    stmt = select(User).where(User.role == role, User.active.is_(True), User.email != "")
    if agency_id is not None:
        stmt = stmt.where(User.agency_id == agency_id)
    return _dedupe([Contact(u.email, _locale(u.locale), u.full_name)
                    for u in session.scalars(stmt.order_by(User.id))])


def send_training_questions(session: Session, training_id: int, service: Service,
                            questions: str) -> int:
    """E-mail the UCC's questions to the agency before training; returns messages queued.

    Order No. 130, cl. 8: "...оқыту жүргізілгенге дейін жауапты тұлғаның электрондық
    поштасына туындаған сұрақтар тізімін жібереді".  The same text is never sent twice.
    """
    digest = hashlib.sha256(questions.encode()).hexdigest()[:16]
    queued = 0
    for c in agency_contacts(session, service.agency_id, service.id):
        if render_and_queue(session, key=f"training:{training_id}:questions:{digest}:{c.email}",
                            to=c.email, template="onboarding/mail/training_questions",
                            locale=c.locale, service=service, questions=questions,
                            training_id=training_id, contact=c):
            queued += 1
    return queued


def _protocol_recipients(session: Session, protocol: AcceptanceProtocol) -> list[Contact]:
    service = protocol.service
    return _dedupe(role_contacts(session, Role.UCC_MANAGER)
                   + role_contacts(session, Role.AGENCY_RESPONSIBLE, service.agency_id))


def send_protocol_ready(session: Session, protocol: AcceptanceProtocol) -> int:
    """Tell both sides' signers that a version of the protocol awaits their signature."""
    queued = 0
    for c in _protocol_recipients(session, protocol):
        key = f"protocol:{protocol.id}:ready:{protocol.pdf_sha256[:16]}:{c.email}"
        if render_and_queue(session, key=key, to=c.email, template="onboarding/mail/protocol_ready",
                            locale=c.locale, protocol=protocol, service=protocol.service):
            queued += 1
    return queued


def send_signed_protocol(session: Session, protocol: AcceptanceProtocol) -> int:
    """Send the final PDF with both signatures to both sides and the responsible persons."""
    assert protocol.final_pdf is not None
    recipients = _dedupe(_protocol_recipients(session, protocol) + agency_contacts(
        session, protocol.service.agency_id, protocol.service_id))
    attachment = (f"protocol-{protocol.number}.pdf", "application/pdf", protocol.final_pdf)
    queued = 0
    for c in recipients:
        if render_and_queue(session, key=f"protocol:{protocol.id}:signed:{c.email}", to=c.email,
                            template="onboarding/mail/protocol_signed", locale=c.locale,
                            attachments=[attachment], protocol=protocol,
                            service=protocol.service):
            queued += 1
    return queued
