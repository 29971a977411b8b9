"""Samples for the report routes: a finished Annex 2 report addressed to the world's agency
and a discrepancy request on it.

Another agency's responsible person sees the month's page (without the report: 200) but
not the report itself (404).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.db import utcnow
from portal.reports.models import Discrepancy, DiscrepancyStatus, Report, ReportStatus

FOREIGN: dict[str, int] = {
    "reports.batch": 200,
    "reports.report": 404,
    "reports.download": 404,
}


def samples(session: Any, world: Any) -> dict[str, Any]:
    """URL arguments for the report routes."""
    report = Report(kind="annex2", period_start=date(1999, 1, 1), period_end=date(1999, 1, 31),
                    recipient_agency_id=world.agency.id, locale="kk", status=ReportStatus.DONE,
                    progress=100, error="", pdf=b"%PDF-1.7 sample", xlsx=b"PK sample",
                    row_count=1, row_ids=[], recipient_emails=[], generated_at=utcnow())
    session.add(report)
    session.flush()
    item = Discrepancy(report_id=report.id, rows=[1], description="Айырмашылық",
                       requested_at=utcnow(), status=DiscrepancyStatus.OPEN, explanation="")
    session.add(item)
    session.flush()
    return {"report_id": report.id, "fmt": "pdf", "report_kind": "annex2", "period": "1999-01",
            "discrepancy_id": item.id}
