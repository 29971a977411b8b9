"""Monthly reports (Rules No. 83 cl. 31, 39) and the QC authority's discrepancy requests (cl. 32)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.agencies.models import Agency
from portal.auth.models import User
from portal.db import Base, TimestampMixin, str_enum, utcnow


class ReportStatus(enum.StrEnum):
    """Generation state of one report."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(REPORT_STATUS_LABELS[self])


REPORT_STATUS_LABELS = {
    ReportStatus.QUEUED: _l("Queued"),
    ReportStatus.RUNNING: _l("Being generated"),
    ReportStatus.DONE: _l("Ready"),
    ReportStatus.FAILED: _l("Failed"),
}


class Report(TimestampMixin, Base):
    """One recipient's report for one month; regenerating replaces its content."""

    __tablename__ = "reports"
    __table_args__ = (
        # NULLS NOT DISTINCT: the all-rows report (no recipient agency) is unique too.
        UniqueConstraint("kind", "period_start", "recipient_agency_id", "locale",
                         name="uq_reports_kind_period_recipient_locale",
                         postgresql_nulls_not_distinct=True),
        Index("ix_reports_kind_period", "kind", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[date]
    period_end: Mapped[date]
    #: None: the authority that receives all rows (the QC authority for Annex 2).
    recipient_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"),
                                                            index=True)
    locale: Mapped[str] = mapped_column(String(5))
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus, "report_status"),
                                                 default=ReportStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    xlsx: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pdf_pages: Mapped[int] = mapped_column(default=0)
    row_count: Mapped[int] = mapped_column(default=0)
    #: Appeal (or other source) ids in row order: row N of the PDF is ``row_ids[N-1]``.
    row_ids: Mapped[list[int]] = deferred(mapped_column(JSONB, default=list))
    #: Incremented by every generation; an announcement goes out once per revision.
    revision: Mapped[int] = mapped_column(default=0)
    recipient_emails: Mapped[list[str]] = mapped_column(JSONB, default=list)
    generated_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    recipient_agency: Mapped[Agency | None] = relationship()
    discrepancies: Mapped[list[Discrepancy]] = relationship(
        back_populates="report", order_by="Discrepancy.id", cascade="all, delete-orphan",
        passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Report {self.kind} {self.period_start:%Y-%m} {self.recipient_agency_id}>"


class DiscrepancyStatus(enum.StrEnum):
    """A discrepancy request waits for the UCC's explanation (cl. 32)."""

    OPEN = "open"
    EXPLAINED = "explained"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(DISCREPANCY_STATUS_LABELS[self])


DISCREPANCY_STATUS_LABELS = {
    DiscrepancyStatus.OPEN: _l("Awaiting explanation"),
    DiscrepancyStatus.EXPLAINED: _l("Explained"),
}


class Discrepancy(TimestampMixin, Base):
    """The QC authority found the provider's report and the UCC's report differ (cl. 32)."""

    __tablename__ = "report_discrepancies"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"),
                                           index=True)
    #: Row numbers of the report the request is about (1-based, as printed).
    rows: Mapped[list[int]] = mapped_column(JSONB, default=list)
    description: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[DiscrepancyStatus] = mapped_column(
        str_enum(DiscrepancyStatus, "discrepancy_status"), default=DiscrepancyStatus.OPEN,
        index=True)
    explanation: Mapped[str] = mapped_column(Text, default="")
    explained_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    explained_at: Mapped[datetime | None]

    report: Mapped[Report] = relationship(back_populates="discrepancies")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    explained_by: Mapped[User | None] = relationship(foreign_keys=[explained_by_id])
