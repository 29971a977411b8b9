"""Samples for the ICT routes: an escalated request of the world's agency with a file,
a coming planned outage and a regulation category."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portal.db import utcnow
from portal.ict.models import (
    IctAttachment,
    IctCategory,
    IctRequest,
    Outage,
    OutageScope,
    OutageVersion,
    RequestChannel,
    RequestStatus,
    TimeBasis,
    VersionAction,
    WorksKind,
)

#: A body's user of another agency: the request and its file are not theirs (403);
#: a planned outage concerns every body and is public (200).
FOREIGN: dict[str, int] = {
    "ict.request_card": 403,
    "ict.comment": 403,
    "ict.request_file": 403,
    "ict.outage": 200,
}


def samples(session: Any, world: Any) -> dict[str, Any]:
    """URL arguments for the ICT routes."""
    now = utcnow()
    category = IctCategory(code="matrix", name_kk="Санат", name_ru="Категория",
                           time_basis=TimeBasis.WORKING_HOURS, reaction_minutes=60,
                           resolution_minutes=480)
    session.add(category)
    session.flush()
    # Escalated, so the ICI operator's users may open it too (cl. 36).
    req = IctRequest(agency_id=world.agency.id, requester_name="Сұраушы", category_id=category.id,
                     system="ЭҚАЖ", subject="Қол жетімділік", text="Мәтін",
                     channel=RequestChannel.PORTAL, status=RequestStatus.ESCALATED,
                     registered_at=now, time_basis=category.time_basis, reaction_minutes=60,
                     resolution_minutes=480, reaction_due_at=now + timedelta(hours=1),
                     resolution_due_at=now + timedelta(hours=8), reacted_at=now, escalated_at=now)
    session.add(req)
    session.flush()
    attachment = IctAttachment(request_id=req.id, filename="log.txt", mime_type="text/plain",
                               size=3, content=b"log")
    outage = Outage(scope=OutageScope.PARTIAL, works_kind=WorksKind.OTHER, systems="egov.kz",
                    description_kk="Жұмыстар", description_ru="Работы",
                    starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=2))
    session.add_all([attachment, outage])
    session.flush()
    session.add(OutageVersion(outage_id=outage.id, version=1, action=VersionAction.REGISTERED,
                              starts_at=outage.starts_at, ends_at=outage.ends_at))
    session.flush()
    return {"ict_request_id": req.id, "ict_file_id": attachment.id, "outage_id": outage.id,
            "ict_category_id": category.id}
