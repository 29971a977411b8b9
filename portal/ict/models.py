"""ICT support for government bodies: the processing regulation, requests and planned outages.

Rules No. 83 cl. 34-38: the UCC consults bodies on ICT services around the clock, sends
what it cannot answer to the ICI operator (cl. 36), resolves requests in the order and
terms of the processing regulation agreed with the ICI operator (cl. 37), and announces
planned interruptions at least 24 hours ahead (cl. 38).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agencies.models import Agency
from portal.auth.models import User
from portal.db import Base, TimestampMixin, str_enum, utcnow


class _Labelled(enum.StrEnum):
    """An enum whose members have translated labels in ``LABELS``."""

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(self.lazy_label)

    @property
    def lazy_label(self) -> Any:
        """The label as a lazy string, translated when printed (reports, feeds)."""
        # Keyed by class: equal values of different enums ("registered") must not collide.
        return LABELS[type(self)][self]


class TimeBasis(_Labelled):
    """How a regulation's target times are counted (cl. 37)."""

    WORKING_HOURS = "working_hours"  # 09:00-18:00 on working days (production calendar)
    CALENDAR_HOURS = "calendar_hours"  # around the clock


class RequestChannel(_Labelled):
    """How the body reached the contact center (cl. 7)."""

    PHONE_1414 = "phone_1414"
    PHONE_8800 = "phone_8800"
    EMAIL = "email"
    PORTAL = "portal"


class RequestStatus(_Labelled):
    """Where an ICT request stands."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    ESCALATED = "escalated"
    ANSWERED = "answered"
    CLOSED = "closed"


class EventKind(_Labelled):
    """A step in a request's history."""

    REGISTERED = "registered"
    TAKEN = "taken"
    ESCALATED = "escalated"
    ANSWERED = "answered"
    CLOSED = "closed"
    COMMENTED = "commented"
    ATTACHED = "attached"


class OutageScope(_Labelled):
    """Full or partial interruption (cl. 38)."""

    FULL = "full"
    PARTIAL = "partial"


class WorksKind(_Labelled):
    """Why the service is interrupted (cl. 38)."""

    EQUIPMENT = "equipment"
    SOFTWARE = "software"
    OTHER = "other"


class OutageStatus(_Labelled):
    """A planned outage is either still planned or called off."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class VersionAction(_Labelled):
    """What produced a version of an outage (each version is announced once)."""

    REGISTERED = "registered"
    CHANGED = "changed"
    CANCELLED = "cancelled"


LABELS: dict[type, dict[Any, Any]] = {
    TimeBasis: {
        TimeBasis.WORKING_HOURS: _l("working hours"),
        TimeBasis.CALENDAR_HOURS: _l("calendar hours"),
    },
    RequestChannel: {
        RequestChannel.PHONE_1414: _l("Phone 1414"),
        RequestChannel.PHONE_8800: _l("Phone 8 800 080 7777"),
        RequestChannel.EMAIL: _l("E-mail"),
        RequestChannel.PORTAL: _l("Portal"),
    },
    RequestStatus: {
        RequestStatus.NEW: _l("New"),
        RequestStatus.IN_PROGRESS: _l("In progress"),
        RequestStatus.ESCALATED: _l("With the ICI operator"),
        RequestStatus.ANSWERED: _l("Answered"),
        RequestStatus.CLOSED: _l("Closed"),
    },
    EventKind: {
        EventKind.REGISTERED: _l("Registered"),
        EventKind.TAKEN: _l("Taken into work"),
        EventKind.ESCALATED: _l("Sent to the ICI operator"),
        EventKind.ANSWERED: _l("Answer given"),
        EventKind.CLOSED: _l("Request closed"),
        EventKind.COMMENTED: _l("Comment"),
        EventKind.ATTACHED: _l("File attached"),
    },
    OutageScope: {
        OutageScope.FULL: _l("Full interruption"),
        OutageScope.PARTIAL: _l("Partial interruption"),
    },
    WorksKind: {
        WorksKind.EQUIPMENT: _l("Replacement of equipment"),
        WorksKind.SOFTWARE: _l("Replacement of software"),
        WorksKind.OTHER: _l("Other works"),
    },
    OutageStatus: {
        OutageStatus.SCHEDULED: _l("Scheduled"),
        OutageStatus.CANCELLED: _l("Cancelled"),
    },
    VersionAction: {
        VersionAction.REGISTERED: _l("Announced"),
        VersionAction.CHANGED: _l("Changed"),
        VersionAction.CANCELLED: _l("Cancellation announced"),
    },
}


class IctCategory(TimestampMixin, Base):
    """A category of the processing regulation with its target times (cl. 37)."""

    __tablename__ = "ict_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    time_basis: Mapped[TimeBasis] = mapped_column(str_enum(TimeBasis, "ict_time_basis"))
    #: Targets in minutes (the form edits hours; minutes keep half-hours exact).
    reaction_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<IctCategory {self.code}>"


class IctRequest(TimestampMixin, Base):
    """A question of a government body about ICT services (cl. 35-37)."""

    __tablename__ = "ict_requests"
    __table_args__ = (
        Index("ix_ict_requests_registered", "registered_at"),
        Index("ix_ict_requests_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    requester_name: Mapped[str] = mapped_column(String(200))
    requester_position: Mapped[str] = mapped_column(String(300), default="")
    requester_phone: Mapped[str] = mapped_column(String(60), default="")
    requester_email: Mapped[str] = mapped_column(String(200), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("ict_categories.id"), index=True)
    system: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[RequestChannel] = mapped_column(str_enum(RequestChannel, "ict_channel"))
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus, "ict_request_status"),
                                                  default=RequestStatus.NEW)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    # The regulation as it stood at registration: later edits do not move these deadlines.
    time_basis: Mapped[TimeBasis] = mapped_column(str_enum(TimeBasis, "ict_request_basis"))
    reaction_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    reaction_due_at: Mapped[datetime]
    resolution_due_at: Mapped[datetime]
    reacted_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    escalation_note: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]
    answer_text: Mapped[str] = mapped_column(Text, default="")
    answered_by_ici: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship()
    category: Mapped[IctCategory] = relationship()
    registered_by: Mapped[User | None] = relationship()
    events: Mapped[list[IctRequestEvent]] = relationship(
        back_populates="request", order_by="IctRequestEvent.id", cascade="all, delete-orphan")
    attachments: Mapped[list[IctAttachment]] = relationship(
        back_populates="request", order_by="IctAttachment.id", cascade="all, delete-orphan")

    @property
    def number(self) -> str:
        """The number shown to people: year and sequence, e.g. "ICT-2026-00042"."""
        return f"ICT-{self.registered_at.year}-{self.id:05d}"

    @property
    def is_open(self) -> bool:
        """Not yet answered."""
        return self.answered_at is None

    def reaction_overdue(self, now: datetime) -> bool:
        """The regulation's reaction time has passed without a reaction."""
        return (self.reacted_at or now) > self.reaction_due_at

    def resolution_overdue(self, now: datetime) -> bool:
        """The regulation's resolution time has passed without an answer."""
        return (self.answered_at or now) > self.resolution_due_at

    def __repr__(self) -> str:
        return f"<IctRequest {self.id} {self.status}>"


class IctRequestEvent(Base):
    """One step in a request's history: who did what, when, with what text."""

    __tablename__ = "ict_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ict_requests.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "ict_event_kind"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Kept as text so the history stays readable after a user is removed.
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    actor_role: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[IctRequest] = relationship(back_populates="events")


class IctAttachment(Base):
    """A file sent with a request or with a step of it (screenshots, logs, letters)."""

    __tablename__ = "ict_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ict_requests.id", ondelete="CASCADE"),
                                            index=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("ict_request_events.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    request: Mapped[IctRequest] = relationship(back_populates="attachments")


class Outage(TimestampMixin, Base):
    """A planned full or partial interruption of ICT services (cl. 38)."""

    __tablename__ = "ict_outages"
    __table_args__ = (Index("ix_ict_outages_window", "starts_at", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Bumped by every change and by cancellation; each version is announced once.
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[OutageStatus] = mapped_column(str_enum(OutageStatus, "ict_outage_status"),
                                                 default=OutageStatus.SCHEDULED)
    scope: Mapped[OutageScope] = mapped_column(str_enum(OutageScope, "ict_outage_scope"))
    works_kind: Mapped[WorksKind] = mapped_column(str_enum(WorksKind, "ict_works_kind"))
    systems: Mapped[str] = mapped_column(Text)
    description_kk: Mapped[str] = mapped_column(Text)
    description_ru: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    #: Some announcement of this outage came less than 24 h before its start (cl. 38).
    late_notice: Mapped[bool] = mapped_column(default=False)

    registered_by: Mapped[User | None] = relationship()
    versions: Mapped[list[OutageVersion]] = relationship(
        back_populates="outage", order_by="OutageVersion.version", cascade="all, delete-orphan")

    @property
    def is_cancelled(self) -> bool:
        """Called off."""
        return self.status is OutageStatus.CANCELLED

    def __repr__(self) -> str:
        return f"<Outage {self.id} v{self.version}>"


class OutageVersion(Base):
    """One announced state of an outage: what was said, when, and how far ahead."""

    __tablename__ = "ict_outage_versions"
    __table_args__ = (UniqueConstraint("outage_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outage_id: Mapped[int] = mapped_column(ForeignKey("ict_outages.id", ondelete="CASCADE"),
                                           index=True)
    version: Mapped[int]
    action: Mapped[VersionAction] = mapped_column(str_enum(VersionAction, "ict_version_action"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: The outage's fields as announced in this version (for the history and the report).
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    #: This version's notice came less than 24 h before a start it set (cl. 38 violation).
    late: Mapped[bool] = mapped_column(default=False)
    #: Messages queued for this version (e-mail and SMS), counted when queued.
    recipients: Mapped[int] = mapped_column(default=0)
    notified_at: Mapped[datetime | None]

    outage: Mapped[Outage] = relationship(back_populates="versions")

    @property
    def lead_hours(self) -> float:
        """Hours between this announcement and the start it announced."""
        return (self.starts_at - self.at).total_seconds() / 3600


class OutageNotice(Base):
    """Who was sent which version of an outage: one row per (outage, version, recipient).

    The ``key`` is the outbox key of the message, so delivery status is a join away and
    a retried job can never queue the same notice twice.
    """

    __tablename__ = "ict_outage_notices"
    __table_args__ = (Index("ix_ict_outage_notices_version", "outage_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    outage_id: Mapped[int] = mapped_column(ForeignKey("ict_outages.id", ondelete="CASCADE"))
    version: Mapped[int]
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"),
                                                  index=True)
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(320))
    locale: Mapped[str] = mapped_column(String(5), default="kk")
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)

    agency: Mapped[Agency | None] = relationship()
