"""The acceptance protocol: drawn up from the data, signed by both sides, then frozen.

Rules No. 83: cl. 22 — after training, a protocol of acceptance of the service for
consultation is signed by authorized representatives of the UCC and of the body;
cl. 23 — the UCC starts consulting five working days after the day it is signed.

Each signature records who signed, when, and the SHA-256 of the exact PDF that was
shown to the signer; a signature is refused when the document changed meanwhile.
Once both sides have signed, the protocol is frozen and any change needs a new version.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.db import utcnow
from portal.errors import DomainError
from portal.obligations import engine
from portal.onboarding.documents import render_protocol, sha256
from portal.onboarding.models import AcceptanceProtocol, ProtocolSignature, SignatureSide
from portal.onboarding.notices import send_protocol_ready, send_signed_protocol
from portal.onboarding.training import PROTOCOL_RULE, held_training
from portal.registry.models import Service, ServiceStatus
from portal.registry.services import advance_status, change_status
from portal.security import Role
from portal.timeutil import local_today

CONSULTATION_RULE = "consultation_start_after_protocol"  # cl. 23
#: Working days between signing and the start of consultation (Rules No. 83, cl. 23).
CONSULTATION_DELAY_WD = 5
PROTOCOL_FIELDS = ("drawn_up_on", "locale", "place", "notes")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data[k] for k in PROTOCOL_FIELDS if k in data}
    if not isinstance(out.get("drawn_up_on"), date):
        raise DomainError(_("Give the date of the protocol."), "drawn_up_on")
    if out.get("locale") not in ("kk", "ru"):
        raise DomainError(_("Choose the language of the protocol."), "locale")
    out["place"] = (out.get("place") or "").strip()
    out["notes"] = (out.get("notes") or "").strip()
    return out


def protocols_of(session: Session, service_id: int) -> list[AcceptanceProtocol]:
    """All versions of a service's protocol, newest first."""
    return list(session.scalars(select(AcceptanceProtocol)
                                .where(AcceptanceProtocol.service_id == service_id)
                                .order_by(AcceptanceProtocol.version.desc())))


def _regenerate(session: Session, protocol: AcceptanceProtocol) -> None:
    protocol.pdf = render_protocol(session, protocol)
    protocol.pdf_sha256 = sha256(protocol.pdf)


def create_protocol(session: Session, actor: Any, service: Service,
                    data: dict[str, Any]) -> AcceptanceProtocol:
    """Draw up the next version of the protocol from the data (needs a held training, cl. 22)."""
    training = held_training(session, service.id)
    if training is None:
        raise DomainError(_("The protocol is drawn up after the training (Rules No. 83, "
                            "cl. 22): mark the training as held first."))
    if session.scalar(select(AcceptanceProtocol.id).where(
            AcceptanceProtocol.service_id == service.id, AcceptanceProtocol.frozen.is_(False))):
        raise DomainError(_("This service already has a protocol awaiting signatures."))
    version = 1 + (session.scalar(select(func.max(AcceptanceProtocol.version))
                                  .where(AcceptanceProtocol.service_id == service.id)) or 0)
    values = _clean(data)
    protocol = AcceptanceProtocol(service_id=service.id, version=version,
                                  number=f"{service.code}-{version}", training_id=training.id,
                                  created_by_id=getattr(actor, "id", None), frozen=False,
                                  final_sha256="", **values)
    protocol.service = service
    protocol.training = training
    _regenerate(session, protocol)
    session.add(protocol)
    session.flush()
    audit.record(session, actor, "onboarding.protocol_create", protocol,
                 {"number": [None, protocol.number], "pdf_sha256": [None, protocol.pdf_sha256]},
                 summary=service.code, agency_id=service.agency_id)
    send_protocol_ready(session, protocol)
    return protocol


def new_version(session: Session, actor: Any, protocol: AcceptanceProtocol) -> AcceptanceProtocol:
    """A change after both signatures: a new protocol version with the same terms to edit."""
    if not protocol.frozen:
        raise DomainError(_("This protocol can still be edited; no new version is needed."))
    return create_protocol(session, actor, protocol.service, {
        "drawn_up_on": local_today(), "locale": protocol.locale, "place": protocol.place,
        "notes": protocol.notes})


def _lock(session: Session, protocol: AcceptanceProtocol) -> AcceptanceProtocol:
    """Re-read the protocol under a row lock: concurrent signatures and edits serialize."""
    session.execute(select(AcceptanceProtocol.id).where(AcceptanceProtocol.id == protocol.id)
                    .with_for_update())
    session.refresh(protocol)
    session.expire(protocol, ["signatures"])
    return protocol


def update_protocol(session: Session, actor: Any, protocol: AcceptanceProtocol,
                    data: dict[str, Any]) -> dict[str, list[Any]]:
    """Edit an unsigned protocol and regenerate its PDF; a changed document voids signatures."""
    _lock(session, protocol)
    if protocol.frozen:
        raise DomainError(_("The protocol is signed by both sides and can no longer change: "
                            "draw up a new version."))
    changes = audit.apply_changes(protocol, _clean(data))
    old_hash = protocol.pdf_sha256
    _regenerate(session, protocol)  # also picks up registry data changed since
    if protocol.pdf_sha256 != old_hash:
        changes["pdf_sha256"] = [old_hash, protocol.pdf_sha256]
        for sig in list(protocol.signatures):
            # A signature covers one exact document: the new one must be signed again.
            changes[f"signature_{sig.side.value}"] = [sig.signer_name, None]
            protocol.signatures.remove(sig)
        session.flush()
        send_protocol_ready(session, protocol)
    session.flush()
    if changes:
        audit.record(session, actor, "onboarding.protocol_update", protocol, changes,
                     summary=protocol.number, agency_id=protocol.service.agency_id)
    return changes


def signing_side(user: Any, protocol: AcceptanceProtocol) -> SignatureSide | None:
    """The side ``user`` may sign for: UCC managers for the UCC, the agency's own
    responsible users for the agency (authorized representatives, Rules No. 83, cl. 22)."""
    if not getattr(user, "is_authenticated", False) or not user.active:
        return None
    if user.role == Role.UCC_MANAGER:
        return SignatureSide.UCC
    if user.role == Role.AGENCY_RESPONSIBLE and user.agency_id == protocol.service.agency_id:
        return SignatureSide.AGENCY
    return None


def sign_protocol(session: Session, actor: Any, protocol: AcceptanceProtocol,
                  pdf_sha256: str) -> ProtocolSignature:
    """Sign the document whose hash the signer was shown; freezes it when both have signed."""
    side = signing_side(actor, protocol)
    if side is None:
        raise DomainError(_("Only a contact center manager or a responsible person of the "
                            "service provider may sign this protocol (Rules No. 83, cl. 22)."))
    _lock(session, protocol)
    if protocol.frozen:
        raise DomainError(_("The protocol is already signed by both sides."))
    if protocol.signature(side) is not None:
        raise DomainError(_("Your side has already signed this protocol."))
    if (pdf_sha256 or "").strip().lower() != protocol.pdf_sha256:
        raise DomainError(_("The document changed after you opened it. Read the new version "
                            "and sign again."))
    agency = actor.agency if side is SignatureSide.AGENCY else None
    sig = ProtocolSignature(
        side=side, user_id=actor.id, signer_name=actor.full_name, signed_at=utcnow(),
        signer_org_kk=agency.name_kk if agency else "Бірыңғай байланыс орталығы",
        signer_org_ru=agency.name_ru if agency else "Единый контакт-центр",
        pdf_sha256=protocol.pdf_sha256)
    protocol.signatures.append(sig)
    session.flush()
    audit.record(session, actor, "onboarding.protocol_sign", protocol,
                 {f"signature_{side.value}": [None, actor.full_name],
                  "pdf_sha256": [None, sig.pdf_sha256]},
                 summary=protocol.number, agency_id=protocol.service.agency_id)
    if all(protocol.signature(s) is not None for s in SignatureSide):
        _freeze(session, actor, protocol)
    return sig


def _freeze(session: Session, actor: Any, protocol: AcceptanceProtocol) -> None:
    """Both have signed: fix the dates, issue the final PDF, move the obligations on."""
    service = protocol.service
    signed_at = max(s.signed_at for s in protocol.signatures)
    protocol.signed_on = engine.local_date(signed_at)
    protocol.consultation_start = engine.get_calendar(session).add_working_days(
        protocol.signed_on, CONSULTATION_DELAY_WD)  # cl. 23
    protocol.frozen = True
    protocol.frozen_at = utcnow()
    # The service card, the Knowledge Base and operators show this date from now on;
    # the cl. 23 job moves the service to "consulting" when it comes.
    old_start = service.consultation_start
    service.consultation_start = protocol.consultation_start
    protocol.final_pdf = render_protocol(session, protocol, signed=True)
    protocol.final_sha256 = sha256(protocol.final_pdf)
    session.flush()
    audit.record(session, actor, "onboarding.protocol_frozen", protocol,
                 {"frozen": [False, True],
                  "consultation_start": [None, protocol.consultation_start],
                  "final_sha256": [None, protocol.final_sha256]},
                 summary=protocol.number, agency_id=service.agency_id)
    audit.record(session, actor, "registry.consultation_scheduled", service,
                 {"consultation_start": [old_start, service.consultation_start]},
                 summary=service.code, agency_id=service.agency_id)
    engine.fulfil(session, rule_key=PROTOCOL_RULE, subject_type="service", subject_id=service.id,
                  at=signed_at, actor=actor)
    engine.open_obligation(session, rule_key=CONSULTATION_RULE, trigger_at=signed_at,
                           subject_type="service", subject_id=service.id,
                           agency_id=service.agency_id, service_id=service.id, actor=actor)
    advance_status(session, actor, service, {ServiceStatus.TRAINED}, ServiceStatus.PROTOCOL_SIGNED,
                   _("Acceptance protocol № %(number)s signed (Rules No. 83, cl. 22)",
                     number=protocol.number))
    send_signed_protocol(session, protocol)


def start_due_consultations(session: Session, today: date, now: datetime | None = None
                            ) -> list[int]:
    """Move services whose consultation start has come to "consulting" (cl. 23); their ids."""
    due = session.scalars(
        select(AcceptanceProtocol).join(Service, Service.id == AcceptanceProtocol.service_id)
        .where(AcceptanceProtocol.frozen.is_(True),
               AcceptanceProtocol.consultation_start <= today,
               Service.status == ServiceStatus.PROTOCOL_SIGNED)
        .order_by(AcceptanceProtocol.consultation_start, AcceptanceProtocol.id)
        .with_for_update(of=Service, skip_locked=True)).all()
    moved = []
    for protocol in due:
        service = protocol.service
        change_status(session, None, service, ServiceStatus.CONSULTING,
                      _("Consultation starts five working days after the protocol № %(number)s "
                        "was signed (Rules No. 83, cl. 23)", number=protocol.number),
                      on=protocol.consultation_start)
        engine.fulfil(session, rule_key=CONSULTATION_RULE, subject_type="service",
                      subject_id=service.id, at=now or utcnow())
        moved.append(service.id)
    return moved


def awaiting_signature(session: Session, user: Any) -> list[AcceptanceProtocol]:
    """Unsigned protocols ``user`` may sign and whose side has not signed yet."""
    stmt = (select(AcceptanceProtocol).join(Service, Service.id == AcceptanceProtocol.service_id)
            .where(AcceptanceProtocol.frozen.is_(False))
            .order_by(AcceptanceProtocol.drawn_up_on, AcceptanceProtocol.id))
    if user.role == Role.AGENCY_RESPONSIBLE:
        stmt = stmt.where(Service.agency_id == user.agency_id)
    elif user.role != Role.UCC_MANAGER:
        return []
    return [p for p in session.scalars(stmt)
            if (side := signing_side(user, p)) is not None and p.signature(side) is None]
