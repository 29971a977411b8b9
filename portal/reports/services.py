"""Building, storing and sending monthly reports; each one is an obligation (cl. 31, 39).

``build_reports`` is the contract entry point (the RQ job calls it with a
``checkpoint`` that commits, so progress is visible and one failing recipient does
not undo the others). Every other function flushes and never commits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.calendar.workdays import ASTANA_TZ
from portal.db import utcnow
from portal.errors import DomainError
from portal.notify.outbox import render_and_queue
from portal.obligations.engine import fulfil, open_obligation
from portal.reports.models import Report, ReportStatus
from portal.reports.registry import Bilingual, Recipient, ReportKind, get_kind
from portal.reports.render import render_pdf, render_xlsx

#: Attach the files to the announcement up to this size; bigger ones are downloaded.
ATTACH_MAX_BYTES = 5 * 1024 * 1024
Checkpoint = Callable[[], None]


class ReportBuildError(RuntimeError):
    """Some recipients' reports failed; the others were built and sent."""


def month_period(month: date) -> tuple[date, date]:
    """First and last day of the month containing ``month``."""
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def previous_month(today: date) -> date:
    """First day of the month before ``today``'s."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _month_closed_at(period_end: date) -> datetime:
    """The moment the reporting month ends: the cl. 31 term counts from it."""
    return datetime.combine(period_end, time.max, ASTANA_TZ)


def prepare_reports(session: Session, kind: ReportKind, month: date, *, actor: Any = None,
                    force: bool = False) -> list[Report]:
    """One report row per recipient, queued unless already done (or ``force``)."""
    start, end = month_period(month)
    out = []
    for recipient in kind.recipients(session, start):
        report = session.scalar(select(Report).where(
            Report.kind == kind.key, Report.period_start == start,
            Report.recipient_agency_id.is_not_distinct_from(recipient.agency_id),
            Report.locale == recipient.locale))
        if report is None:
            report = Report(kind=kind.key, period_start=start, period_end=end,
                            recipient_agency_id=recipient.agency_id, locale=recipient.locale,
                            status=ReportStatus.QUEUED, progress=0, error="", row_ids=[],
                            recipient_emails=[])
            session.add(report)
        elif force or report.status is not ReportStatus.DONE:
            report.status, report.progress, report.error = ReportStatus.QUEUED, 0, ""
        report.recipient_emails = list(recipient.emails)
        session.flush()
        # Rules No. 83, cl. 31 (cl. 39 for ICT): due by the 5th of the next month.
        open_obligation(session, rule_key=kind.rule_key, trigger_at=_month_closed_at(end),
                        subject_type="report", subject_id=report.id,
                        agency_id=recipient.agency_id, actor=actor)
        out.append(report)
    return out


def recipient_of(session: Session, kind: ReportKind, report: Report) -> Recipient:
    """The recipient a stored report is for (names for its title)."""
    for r in kind.recipients(session, report.period_start):
        if r.agency_id == report.recipient_agency_id:
            return r
    agency = report.recipient_agency
    return Recipient(report.recipient_agency_id, report.locale,
                     tuple(report.recipient_emails),
                     Bilingual(agency.name_kk, agency.name_ru) if agency else Bilingual("", ""))


def generate_report(session: Session, kind: ReportKind, report: Report, *, actor: Any = None,
                    progress: Callable[[int], None] | None = None) -> Report:
    """Make the report's PDF and XLSX from the current rows (replacing earlier content)."""
    report.status, report.progress = ReportStatus.RUNNING, 0
    session.flush()
    rows = kind.rows(session, report.period_start, report.period_end, report.recipient_agency_id)
    recipient = recipient_of(session, kind, report)
    context = report_context(kind, report, recipient, len(rows))
    pdf, pages = render_pdf(kind, rows, report.locale, context, progress=progress)
    with force_locale(report.locale):
        xlsx = render_xlsx(kind, rows, report.locale, title=str(kind.title),
                           subtitle=context["subtitle"])
    report.pdf, report.xlsx, report.pdf_pages = pdf, xlsx, pages
    report.row_count = len(rows)
    report.row_ids = [int(r[kind.id_key]) for r in rows if r.get(kind.id_key) is not None]
    report.revision += 1
    report.status, report.progress, report.error = ReportStatus.DONE, 100, ""
    report.generated_at = utcnow()
    session.flush()
    audit.record(session, actor, "reports.generate", report,
                 {"revision": [report.revision - 1, report.revision],
                  "row_count": [None, report.row_count]},
                 summary=f"{kind.key} {report.period_start:%Y-%m} #{report.id}",
                 agency_id=report.recipient_agency_id)
    return report


def report_context(kind: ReportKind, report: Report, recipient: Recipient, total: int
                   ) -> dict[str, Any]:
    """What the PDF template shows besides the rows, in the report's language."""
    from flask_babel import format_date

    with force_locale(report.locale):
        month = format_date(report.period_start, "LLLL yyyy")
        subtitle = _("Reporting period: %(month)s", month=month)
    return {"title": kind.title, "month": month, "subtitle": subtitle,
            "recipient_name": recipient.name.get(report.locale), "all_rows":
            report.recipient_agency_id is None, "period_start": report.period_start,
            "period_end": report.period_end, "generated_at": utcnow(), "total": total,
            "clause": kind.clause}


def announce_report(session: Session, kind: ReportKind, report: Report, *,
                    actor: Any = None) -> int:
    """E-mail the report to its recipient through the outbox, once per revision.

    Queuing it is the UCC's act of sending, so it closes the report obligation
    (Rules No. 83, cl. 31). Returns the number of messages queued now.
    """
    if report.status is not ReportStatus.DONE or not report.recipient_emails:
        return 0
    base = f"{kind.key}-{report.period_start:%Y-%m}"
    attachments = []
    if len(report.pdf or b"") + len(report.xlsx or b"") <= int(
            current_app.config.get("REPORT_ATTACH_MAX_BYTES", ATTACH_MAX_BYTES)):
        attachments = [(f"{base}.pdf", "application/pdf", report.pdf or b""),
                       (f"{base}.xlsx", "application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet", report.xlsx or b"")]
    queued = 0
    for email in report.recipient_emails:
        msg = render_and_queue(
            session, key=f"report:{report.id}:r{report.revision}:{email}", to=email,
            template="reports/mail/announce", locale=report.locale, report=report,
            kind=kind, attachments=attachments, attached=bool(attachments))
        queued += msg is not None
    if queued or report.sent_at is None:
        report.sent_at = utcnow()
        fulfil(session, rule_key=kind.rule_key, subject_type="report", subject_id=report.id,
               at=report.sent_at, actor=actor)
        audit.record(session, actor, "reports.send", report,
                     {"sent_at": [None, report.sent_at], "emails": [None, queued]},
                     summary=f"{kind.key} {report.period_start:%Y-%m} #{report.id}",
                     agency_id=report.recipient_agency_id)
    session.flush()
    return queued


def mark_delivered(session: Session, actor: Any, report: Report) -> None:
    """Record that the report reached its recipient another way (on paper, cl. 31)."""
    if report.status is not ReportStatus.DONE:
        raise DomainError(_("The report is not ready yet."))
    if report.sent_at is not None:
        raise DomainError(_("The report was already sent."))
    kind = get_kind(report.kind)
    report.sent_at = utcnow()
    fulfil(session, rule_key=kind.rule_key, subject_type="report", subject_id=report.id,
           at=report.sent_at, actor=actor)
    audit.record(session, actor, "reports.delivered", report, {"sent_at": [None, report.sent_at]},
                 summary=f"{kind.key} {report.period_start:%Y-%m} #{report.id}",
                 agency_id=report.recipient_agency_id)
    session.flush()


def build_reports(session: Session, kind_key: str, month: date, *, actor: Any = None,
                  progress: Callable[[int], None] | None = None, force: bool = False,
                  checkpoint: Checkpoint | None = None) -> list[Report]:
    """Build, store and announce every recipient's report of ``kind_key`` for ``month``.

    Already finished reports are skipped unless ``force`` (a manual regeneration), so
    a retried job sends nothing twice. With a ``checkpoint`` (the job's commit) a
    failing recipient is marked failed and the rest go on; the error is raised at the end.
    """
    kind = get_kind(kind_key)
    reports = prepare_reports(session, kind, month, actor=actor, force=force)
    todo = [r.id for r in reports if r.status is not ReportStatus.DONE]
    if checkpoint:
        checkpoint()
    failures: list[str] = []
    for n, report_id in enumerate(todo):
        try:
            _build_one(session, kind, report_id, actor, checkpoint,
                       lambda pct, n=n: progress(int((n * 100 + pct) / len(todo)))
                       if progress else None)
        except Exception as exc:
            if checkpoint is None:
                raise
            session.rollback()
            _mark_failed(session, report_id, exc)
            checkpoint()
            failures.append(f"#{report_id}: {type(exc).__name__}: {exc}")
    if progress:
        progress(100)
    if failures:
        raise ReportBuildError("; ".join(failures))
    return [session.get(Report, r.id) or r for r in reports]


def _build_one(session: Session, kind: ReportKind, report_id: int, actor: Any,
               checkpoint: Checkpoint | None, overall: Callable[[int], None]) -> None:
    """Generate and announce one report, committing its progress as it goes."""
    report = session.get(Report, report_id)
    assert report is not None

    def step(pct: int) -> None:
        report.progress = pct
        if checkpoint:
            session.flush()
            checkpoint()
        overall(pct)

    generate_report(session, kind, report, actor=actor, progress=step)
    announce_report(session, kind, report, actor=actor)
    if checkpoint:
        checkpoint()


def _mark_failed(session: Session, report_id: int, exc: Exception) -> None:
    report = session.get(Report, report_id)
    if report is not None:
        report.status = ReportStatus.FAILED
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
        session.flush()


def queue_regeneration(session: Session, actor: Any, kind: ReportKind, month: date
                       ) -> list[Report]:
    """Mark a month's reports queued for a manual rebuild (the route then enqueues the job)."""
    reports = prepare_reports(session, kind, month, actor=actor, force=True)
    for report in reports:
        audit.record(session, actor, "reports.regenerate", report,
                     {"status": [None, report.status.value]},
                     summary=f"{kind.key} {month:%Y-%m} #{report.id}",
                     agency_id=report.recipient_agency_id)
    return reports
