"""Samples for the obligations and calendar routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from portal.calendar.models import DayOverride
from portal.calendar.workdays import ASTANA_TZ
from portal.obligations.engine import open_obligation
from portal.obligations.models import RefusalNotice

#: Another agency's obligation does not exist for a responsible person (404, not 403:
#: the id reveals nothing).
FOREIGN: dict[str, int] = {"obligations.detail": 404}


def samples(session: Any, world: Any) -> dict[str, Any]:
    """URL arguments: an obligation and a cl. 28 notice of world.agency, an override."""
    ob = open_obligation(session, rule_key="annex1_after_bylaw",
                         trigger_at=datetime(2026, 3, 20, 10, tzinfo=ASTANA_TZ),
                         subject_type="service", subject_id=1, agency_id=world.agency.id)
    notice = RefusalNotice(agency_id=world.agency.id, request_ids=[])
    override = DayOverride(day=date(2030, 1, 5), working=True, reason="test decree")
    session.add_all([notice, override])
    session.flush()
    return {"obligation_id": ob.id, "notice_id": notice.id, "override_id": override.id}
