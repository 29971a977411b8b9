"""Repeated refusals and the notice to the QC authority (Rules No. 83, cl. 28).

cl. 28: "Көрсетілетін қызметті беруші бір ай ішінде ... қажетті ақпаратты Бірыңғай байланыс
орталығына беруден қайта бас тартқан кезінде, Бірыңғай байланыс орталығы үш жұмыс күні
ішінде растайтын құжаттарды қоса бере отырып, ... уәкілетті органға ... хабарлайды."

"Within one month" is read as a running month, not a calendar month: a refusal counts
together with every refusal of the same provider since the same date of the previous
month (a term counted in months ends on the corresponding date of the last month - the
general rule of the Civil Code of the RK, art. 172). A calendar month would let a
provider refuse on 30 March and 2 April without consequence, and "30 days" is not
what the act says.

Refusals are recorded on the request's own obligation (``info_request_answer``,
cancelled with ``details.refused``), so counting needs nothing but this area's tables.
The notice is drafted by the portal and sent by a manager; marking it sent fulfils the
cl. 28 obligation and freezes the PDF that was sent.
"""

from __future__ import annotations

import calendar
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal import audit
from portal.agencies.models import Agency, AgencyKind
from portal.obligations.engine import (
    cancel,
    fulfil,
    local_date,
    open_obligation,
    open_obligations_for,
    start_of_day,
)
from portal.obligations.models import (
    Obligation,
    ObligationStatus,
    RefusalNotice,
    RefusalNoticeStatus,
)
from portal.registry.annex_models import InfoRequest

RULE_KEY = "refusal_notice_to_qc"


def month_before(day: date) -> date:
    """The same date one month earlier (31 March -> 28/29 February)."""
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def refusals_in_window(session: Session, agency_id: int, at: datetime) -> list[Obligation]:
    """The agency's refusals from the same date of the previous month up to ``at``."""
    since = start_of_day(month_before(local_date(at)))
    return list(session.scalars(
        select(Obligation)
        .where(Obligation.rule_key == "info_request_answer",
               Obligation.agency_id == agency_id,
               Obligation.status == ObligationStatus.CANCELLED,
               Obligation.details["refused"].as_boolean().is_(True),
               Obligation.closed_at >= since, Obligation.closed_at <= at)
        .order_by(Obligation.closed_at)))


def record_refusal(session: Session, actor: Any, *, request_id: int, agency_id: int,
                   refused_at: datetime) -> RefusalNotice | None:
    """Close the request's obligation as refused; on a repeat, draft the cl. 28 notice."""
    if not open_obligations_for(session, "info_request", request_id):
        # The request predates this area's subscription: record it so the refusal counts.
        open_obligation(session, rule_key="info_request_answer", trigger_at=refused_at,
                        subject_type="info_request", subject_id=request_id,
                        agency_id=agency_id, due_at=refused_at, actor=actor)
    cancel(session, rule_key="info_request_answer", subject_type="info_request",
           subject_id=request_id, actor=actor, at=refused_at,
           reason="The provider refused to give the information.",
           details={"refused": True, "reason_code": "refused"})
    refusals = refusals_in_window(session, agency_id, refused_at)
    if len(refusals) < 2:
        return None
    return _draft_notice(session, actor, agency_id, refused_at,
                         [o.subject_id for o in refusals])


def _draft_notice(session: Session, actor: Any, agency_id: int, at: datetime,
                  request_ids: list[int]) -> RefusalNotice:
    """The agency's unsent notice, created or extended with the refusals, and its cl. 28 term."""
    notice = session.scalar(select(RefusalNotice).where(
        RefusalNotice.agency_id == agency_id, RefusalNotice.status == RefusalNoticeStatus.DRAFT))
    if notice is None:
        notice = RefusalNotice(agency_id=agency_id, request_ids=sorted(set(request_ids)))
        session.add(notice)
        session.flush()
        audit.record(session, actor, "obligations.refusal_notice_draft", notice,
                     {"request_ids": [None, notice.request_ids]},
                     summary=f"cl. 28: {len(notice.request_ids)} refusals")
    else:
        merged = sorted(set(notice.request_ids) | set(request_ids))
        if merged != notice.request_ids:
            audit.record(session, actor, "obligations.refusal_notice_extend", notice,
                         audit.apply_changes(notice, {"request_ids": merged}),
                         summary=f"cl. 28: {len(merged)} refusals")
    # Idempotent: a third refusal joins the open notice; the term runs from the first repeat.
    open_obligation(session, rule_key=RULE_KEY, trigger_at=at, subject_type="refusal_notice",
                    subject_id=notice.id, agency_id=agency_id, party="ucc", actor=actor)
    return notice


def mark_sent(session: Session, actor: Any, notice: RefusalNotice, *, sent_on: date,
              reference: str, pdf: bytes) -> Obligation | None:
    """A manager sent the notice: freeze the PDF and fulfil the cl. 28 obligation."""
    from flask_babel import gettext as _

    from portal.errors import DomainError

    if notice.status is not RefusalNoticeStatus.DRAFT:
        raise DomainError(_("This notice has already been sent."))
    changes = audit.apply_changes(notice, {
        "status": RefusalNoticeStatus.SENT, "sent_on": sent_on,
        "sent_reference": reference.strip(), "sent_by_id": getattr(actor, "id", None)})
    notice.pdf = pdf
    session.flush()
    audit.record(session, actor, "obligations.refusal_notice_sent", notice, changes,
                 summary=f"cl. 28 notice #{notice.id} {reference.strip()}")
    return fulfil(session, rule_key=RULE_KEY, subject_type="refusal_notice",
                  subject_id=notice.id, at=start_of_day(sent_on), actor=actor)


@dataclass(frozen=True)
class RefusalRow:
    """One refused request as the notice lists it."""

    request_id: int
    request: InfoRequest | None
    refused_at: datetime | None


def notice_rows(session: Session, notice: RefusalNotice) -> list[RefusalRow]:
    """The refused requests of a notice with their details and attachments, oldest first."""
    requests = {r.id: r for r in session.scalars(
        select(InfoRequest).where(InfoRequest.id.in_(notice.request_ids))
        .options(selectinload(InfoRequest.attachments), selectinload(InfoRequest.service)))}
    closed = {o.subject_id: o.closed_at for o in session.scalars(select(Obligation).where(
        Obligation.rule_key == "info_request_answer", Obligation.subject_type == "info_request",
        Obligation.subject_id.in_(notice.request_ids),
        Obligation.status == ObligationStatus.CANCELLED))}
    rows = [RefusalRow(rid, requests.get(rid), closed.get(rid)) for rid in notice.request_ids]
    return sorted(rows, key=lambda r: (r.refused_at is None, r.refused_at or datetime.min,
                                       r.request_id))


def qc_authority(session: Session) -> Agency | None:
    """The addressee of cl. 28 notices: the active QC authority in the agency list."""
    return session.scalar(select(Agency).where(
        Agency.kind == AgencyKind.QC_AUTHORITY, Agency.is_active.is_(True)).order_by(Agency.id))


def bundle(notice_pdf: bytes, rows: list[RefusalRow], notice_id: int) -> bytes:
    """ZIP of the notice PDF and the supporting documents ("растайтын құжаттар", cl. 28)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"notice-{notice_id}.pdf", notice_pdf)
        for row in rows:
            for att in (row.request.attachments if row.request else []):
                safe = att.filename.replace("/", "_").replace("\\", "_")
                zf.writestr(f"request-{row.request_id}/{att.id}-{safe}", att.data)
    return buf.getvalue()
