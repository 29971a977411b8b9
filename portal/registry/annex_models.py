"""Annex 1 submissions with their versions, and UCC requests for information (cl. 20-28)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agencies.models import Agency
from portal.db import Base, TimestampMixin, str_enum, utcnow
from portal.registry.models import ResponsiblePerson, Service


class Annex1Status(enum.StrEnum):
    """Where an Annex 1 submission stands between the agency and the UCC."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(ANNEX1_STATUS_LABELS[self])

    @property
    def editable(self) -> bool:
        """The agency may change a draft or a submission returned to it."""
        return self in (Annex1Status.DRAFT, Annex1Status.RETURNED)


ANNEX1_STATUS_LABELS = {
    Annex1Status.DRAFT: _l("Draft"),
    Annex1Status.SUBMITTED: _l("Submitted to the UCC"),
    Annex1Status.ACCEPTED: _l("Accepted"),
    Annex1Status.RETURNED: _l("Returned for correction"),
}


class Annex1Submission(TimestampMixin, Base):
    """The Annex 1 form of one agency for one or several services (Rules No. 83 cl. 20, 26)."""

    __tablename__ = "annex1_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[Annex1Status] = mapped_column(str_enum(Annex1Status, "annex1_status"),
                                                 default=Annex1Status.DRAFT, index=True)
    executor_name: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    #: Optimistic locking: two people saving one draft never silently overwrite each other.
    version: Mapped[int] = mapped_column(default=1)

    agency: Mapped[Agency] = relationship()
    rows: Mapped[list[Annex1Row]] = relationship(back_populates="submission",
                                                 cascade="all, delete-orphan",
                                                 order_by="Annex1Row.position")
    versions: Mapped[list[Annex1Version]] = relationship(back_populates="submission",
                                                         cascade="all, delete-orphan",
                                                         order_by="Annex1Version.number")

    __mapper_args__ = {"version_id_col": version}


class Annex1Row(Base):
    """One service in a submission: the parts of Annex 1 that are not registry data."""

    __tablename__ = "annex1_rows"
    __table_args__ = (UniqueConstraint("submission_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("annex1_submissions.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=1)
    responsible_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("responsible_persons.id", ondelete="SET NULL"))
    provider_name: Mapped[str] = mapped_column(String(200), default="")
    provider_position: Mapped[str] = mapped_column(String(300), default="")
    provider_phone: Mapped[str] = mapped_column(String(60), default="")
    provider_email: Mapped[str] = mapped_column(String(200), default="")

    submission: Mapped[Annex1Submission] = relationship(back_populates="rows")
    service: Mapped[Service] = relationship()
    responsible_person: Mapped[ResponsiblePerson | None] = relationship()


class Annex1Version(Base):
    """A frozen copy of what was submitted; every submission of a form adds one."""

    __tablename__ = "annex1_versions"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("annex1_submissions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    executor_name: Mapped[str] = mapped_column(String(200), default="")
    #: Columns 2-8 of every row, in both languages (see ``annex.snapshot_row``).
    data: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    outcome: Mapped[Annex1Status | None] = mapped_column(
        str_enum(Annex1Status, "annex1_outcome"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    submission: Mapped[Annex1Submission] = relationship(back_populates="versions")


class InfoRequestStatus(enum.StrEnum):
    """State of a UCC request for information (cl. 24-25)."""

    OPEN = "open"
    ANSWERED = "answered"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(INFO_REQUEST_STATUS_LABELS[self])


INFO_REQUEST_STATUS_LABELS = {
    InfoRequestStatus.OPEN: _l("Awaiting answer"),
    InfoRequestStatus.ANSWERED: _l("Answered"),
    InfoRequestStatus.REFUSED: _l("Refused"),
}


class InfoRequest(TimestampMixin, Base):
    """The UCC asks an agency for information or clarification (Rules No. 83 cl. 24-25)."""

    __tablename__ = "info_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[InfoRequestStatus] = mapped_column(
        str_enum(InfoRequestStatus, "info_request_status"), default=InfoRequestStatus.OPEN,
        index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(index=True)
    responded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    agency: Mapped[Agency] = relationship()
    service: Mapped[Service | None] = relationship()
    attachments: Mapped[list[InfoAttachment]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="InfoAttachment.id")


class InfoAttachment(Base):
    """A file attached to an answer; kept in the database with the answer it belongs to."""

    __tablename__ = "info_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("info_requests.id", ondelete="CASCADE"),
                                            index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    request: Mapped[InfoRequest] = relationship(back_populates="attachments")
