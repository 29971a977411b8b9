"""Samples for the onboarding pages: a service of world.agency with a signed protocol."""

from __future__ import annotations

from typing import Any

import jobs
from portal.onboarding import protocols, training
from portal.registry.models import ServiceStatus
from portal.timeutil import local_today
from tests.factories import make_service

#: A responsible person of another agency never sees this agency's onboarding.
FOREIGN: dict[str, int] = {
    "onboarding.service": 403,
    "onboarding.protocol": 403,
    "onboarding.protocol_pdf": 403,
    "onboarding.signed_pdf": 403,
    "onboarding.sign": 403,
}


def samples(session: Any, world: Any) -> dict[str, Any]:
    """A trained service whose protocol both sides have signed."""
    service = make_service(session, world.agency, status=ServiceStatus.INFO_SUBMITTED)
    manager = world.users["ucc_manager"]
    with jobs.get_app().test_request_context():
        tr = training.schedule_training(session, manager, service, {
            "scheduled_on": local_today(), "place": "", "participants": "", "questions": "",
            "notes": ""})
        training.mark_held(session, manager, tr, local_today())
        protocol = protocols.create_protocol(session, manager, service, {
            "drawn_up_on": local_today(), "locale": "kk", "place": "", "notes": ""})
        protocols.sign_protocol(session, manager, protocol, protocol.pdf_sha256)
        protocols.sign_protocol(session, world.users["agency_responsible"], protocol,
                                protocol.pdf_sha256)
    return {"service_id": service.id, "training_id": tr.id, "protocol_id": protocol.id}
