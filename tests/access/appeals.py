"""Samples for the appeals routes: an appeal of the world's agency with an attachment, and a
handed-over recording demand with one file.

A responsible person of another agency does not learn that the appeal exists (404).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from portal.appeals.models import (
    Appeal,
    AppealAttachment,
    Channel,
    Character,
    DemandStatus,
    RecordingDemand,
    RecordingFile,
)
from portal.db import utcnow

FOREIGN: dict[str, int] = {
    "appeals.detail": 404,
    "appeals.attachment": 404,
}


def samples(session: Any, world: Any) -> dict[str, Any]:
    """URL arguments for the appeals routes."""
    now = utcnow()
    appeal = Appeal(number="1999-000001", channel=Channel.EMAIL, received_at=now,
                    applicant_name="Сынақ", email="applicant@example.kz",
                    agency_id=world.agency.id, character=Character.STAFF_CONDUCT,
                    content="Мәтін", call_id="CALL-MATRIX")
    session.add(appeal)
    session.flush()
    att = AppealAttachment(appeal_id=appeal.id, filename="хат.txt", mime_type="text/plain",
                           size=3, content=b"abc", created_at=now)
    demand = RecordingDemand(requested_by_id=world.users["qc_staff"].id,
                             requester_role="qc_staff", call_date=date.today() - timedelta(days=1),
                             caller_phone="+7 701 000 00 00", received_at=now,
                             status=DemandStatus.FULFILLED, fulfilled_at=now)
    session.add_all([att, demand])
    session.flush()
    rec = RecordingFile(demand_id=demand.id, filename="call.wav", mime_type="audio/wav", size=4,
                        content=b"RIFF", uploaded_at=now)
    session.add(rec)
    session.flush()
    return {"appeal_id": appeal.id, "appeal_attachment_id": att.id, "demand_id": demand.id,
            "recording_id": rec.id, "call_id": "CALL-MATRIX"}
