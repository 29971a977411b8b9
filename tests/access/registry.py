"""Samples for the registry routes: a service, a person, a submitted Annex 1, an answered request.

A responsible person of another agency reads public service data (200) but gets 403
for everything that belongs to the agency: its people, forms, requests, edits.
"""

from __future__ import annotations

from typing import Any

from portal.registry.annex import snapshot_row
from portal.registry.annex_models import (
    Annex1Row,
    Annex1Status,
    Annex1Submission,
    Annex1Version,
    InfoAttachment,
    InfoRequest,
    InfoRequestStatus,
)
from portal.timeutil import local_today
from tests.factories import make_person, make_service

FOREIGN: dict[str, int] = {
    "registry.service": 200,
    "registry.service_edit": 403,
    "registry.bylaw_new": 403,
    "registry.bylaw_edit": 403,
    "registry.amendment_new": 403,
    "registry.person": 403,
    "registry.person_new": 403,
    "registry.person_edit": 403,
    "registry.person_replace": 403,
    "registry.person_login": 403,
    "registry.annex_view_page": 403,
    "registry.annex_edit": 403,
    "registry.annex_add": 403,
    "registry.annex_submit": 403,
    "registry.annex_remove": 403,
    "registry.annex_delete": 403,
    "registry.annex_compare": 403,
    "registry.annex_pdf": 403,
    "registry.request_view": 403,
    "registry.request_answer": 403,
    "registry.request_refuse": 403,
    "registry.request_file": 403,
}


def samples(session: Any, world: Any) -> dict[str, Any]:
    """URL arguments for registry routes, all owned by ``world.agency``."""
    service = make_service(session, world.agency, internet_resource="https://egov.kz/s")
    person = make_person(session, world.agency)
    person.services.append(service)
    sub = Annex1Submission(agency_id=world.agency.id, status=Annex1Status.SUBMITTED,
                           executor_name="Орындаушы")
    row = Annex1Row(service_id=service.id, responsible_person_id=person.id,
                    provider_name="Провайдер", provider_position="директор")
    sub.rows.append(row)
    session.add(sub)
    session.flush()
    sub.versions.append(Annex1Version(number=1, executor_name="Орындаушы",
                                      data=[snapshot_row(row)]))
    req = InfoRequest(agency_id=world.agency.id, service_id=service.id, subject="Сұрау",
                      body="Мәлімет беріңіз", due_on=local_today(),
                      status=InfoRequestStatus.ANSWERED, answer="Жауап")
    req.attachments.append(InfoAttachment(filename="a.txt", content_type="text/plain", size=2,
                                          data=b"ok"))
    session.add(req)
    session.flush()
    return {"service_id": service.id, "bylaw_id": service.bylaws[0].id, "person_id": person.id,
            "sub_id": sub.id, "row_id": row.id, "request_id": req.id,
            "file_id": req.attachments[0].id}
