"""The acceptance protocol as a PDF, generated from the portal's data (Rules No. 83, cl. 22)."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from portal.calendar.workdays import ASTANA_TZ
from portal.onboarding.models import AcceptanceProtocol, ProtocolSignature, SignatureSide
from portal.pdf import create_pdf
from portal.registry.people import responsibles_on

TEMPLATE = "onboarding/pdf/protocol.html"


def sha256(data: bytes) -> str:
    """Hex SHA-256 of a document."""
    return hashlib.sha256(data).hexdigest()


def _signature_view(sig: ProtocolSignature | None, locale: str) -> dict[str, Any] | None:
    if sig is None:
        return None
    return {"name": sig.signer_name,
            "org": sig.signer_org_ru if locale == "ru" else sig.signer_org_kk,
            "at": sig.signed_at.astimezone(ASTANA_TZ), "sha256": sig.pdf_sha256}


def protocol_context(session: Session, protocol: AcceptanceProtocol) -> dict[str, Any]:
    """What the protocol states: service, provider, bylaws, responsible persons, training."""
    service = protocol.service
    return {
        "protocol": protocol,
        "service": service,
        "agency": service.agency,
        "bylaws": list(service.bylaws),
        "persons": responsibles_on(session, service.id, protocol.drawn_up_on),
        "training": protocol.training,
    }


def render_protocol(session: Session, protocol: AcceptanceProtocol, *,
                    signed: bool = False) -> bytes:
    """The PDF in the protocol's language; ``signed`` adds both signature blocks and the hash."""
    locale = protocol.locale
    ctx = protocol_context(session, protocol)
    signatures = None
    if signed:
        signatures = {side.value: _signature_view(protocol.signature(side), locale)
                      for side in SignatureSide}
    return create_pdf(TEMPLATE, locale, signatures=signatures,
                      signed_sha256=protocol.pdf_sha256 if signed else None, **ctx)
