"""Discrepancies between a provider's internal-control report and the UCC's (Rules No. 83, cl. 32).

The QC authority marks which rows differ and how; the contact center explains no later
than the next working day (an obligation under the rule version of the request date).
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import audit
from portal.db import utcnow
from portal.errors import DomainError
from portal.obligations.engine import fulfil, open_obligation
from portal.reports.models import Discrepancy, DiscrepancyStatus, Report, ReportStatus

RULE_KEY = "discrepancy_explanation"
SUBJECT = "report_discrepancy"
_RANGE = re.compile(r"^(\d+)-(\d+)$")


def parse_rows(text: str, row_count: int) -> list[int]:
    """"3, 5-7" → [3, 5, 6, 7]; every number must be a row of the report."""
    rows: set[int] = set()
    for part in re.split(r"[,;\s]+", re.sub(r"\s*[-–]\s*", "-", text or "").strip()):
        if not part:
            continue
        match = _RANGE.match(part)
        if match:
            lo, hi = int(match.group(1)), int(match.group(2))
        elif part.isdigit():
            lo = hi = int(part)
        else:
            raise DomainError(_("Give row numbers like 3, 5-7."), "rows")
        if lo > hi or lo < 1 or hi > row_count:
            raise DomainError(_("The report has rows 1 to %(n)s.", n=row_count), "rows")
        rows.update(range(lo, hi + 1))
    return sorted(rows)


def mark_discrepancy(session: Session, actor: Any, report: Report, *, rows_text: str,
                     description: str) -> Discrepancy:
    """Record the QC authority's request; the explanation is due by the next working day."""
    if report.status is not ReportStatus.DONE:
        raise DomainError(_("The report is not ready yet."))
    description = description.strip()
    if not description:
        raise DomainError(_("Describe what differs from the provider's report."), "description")
    rows = parse_rows(rows_text, report.row_count) if rows_text.strip() else []
    item = Discrepancy(report_id=report.id, rows=rows, description=description,
                       requested_by_id=actor.id, requested_at=utcnow(),
                       status=DiscrepancyStatus.OPEN, explanation="")
    session.add(item)
    session.flush()
    # Rules No. 83, cl. 32: explained no later than the next working day.
    open_obligation(session, rule_key=RULE_KEY, trigger_at=item.requested_at,
                    subject_type=SUBJECT, subject_id=item.id,
                    agency_id=report.recipient_agency_id, actor=actor,
                    details={"report_id": report.id})
    audit.record(session, actor, "reports.discrepancy", item,
                 {"rows": [None, rows], "report_id": [None, report.id]},
                 summary=f"report #{report.id}", agency_id=report.recipient_agency_id)
    return item


def explain(session: Session, actor: Any, item: Discrepancy, text: str) -> None:
    """The contact center's explanation; closes the cl. 32 obligation (on time or late)."""
    text = text.strip()
    if not text:
        raise DomainError(_("Write the explanation."), "explanation")
    if item.status is DiscrepancyStatus.EXPLAINED:
        raise DomainError(_("This discrepancy was already explained."))
    changes = audit.apply_changes(item, {"explanation": text, "explained_by_id": actor.id,
                                         "explained_at": utcnow(),
                                         "status": DiscrepancyStatus.EXPLAINED})
    session.flush()
    fulfil(session, rule_key=RULE_KEY, subject_type=SUBJECT, subject_id=item.id,
           at=item.explained_at, actor=actor)
    audit.record(session, actor, "reports.explain", item, changes,
                 summary=f"report #{item.report_id}")


def rows_of(report: Report, item: Discrepancy) -> list[tuple[int, int | None]]:
    """(row number, source id) of the rows a discrepancy names."""
    ids = report.row_ids or []
    return [(n, ids[n - 1] if n - 1 < len(ids) else None) for n in item.rows]
