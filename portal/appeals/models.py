"""Appeals to the contact center, their history, ratings, e-mail intake and recording demands.

DOMAIN.md section B (Rules No. 83 cl. 7-14) and the Annex 2 report columns (section C).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.agencies.models import Agency, Region
from portal.auth.models import User
from portal.db import Base, TimestampMixin, str_enum, utcnow
from portal.registry.models import Service


class _Labelled(enum.StrEnum):
    """An enum whose members have translated labels in ``LABELS``."""

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(_LABELS[self])


class Channel(_Labelled):
    """Where the appeal came in (Rules No. 83, cl. 7)."""

    LINE_1414 = "1414"
    TOLL_FREE = "8800"
    EMAIL = "email"
    OTHER = "other"


class Character(_Labelled):
    """Character of the appeal (Annex 2 of the 2016 rules: "Өтініш сипаты")."""

    CONSULTATION = "consultation"
    STANDARD_VIOLATION = "standard_violation"
    STAFF_CONDUCT = "staff_conduct"
    OTHER = "other"


class AppealStatus(_Labelled):
    """Where the appeal stands."""

    REGISTERED = "registered"
    TRANSFERRED = "transferred"
    SENT_TO_AGENCY = "sent_to_agency"
    ANSWERED = "answered"
    REFERRED = "referred"
    CLOSED = "closed"


class EventKind(_Labelled):
    """Entries of an appeal's history."""

    REGISTERED = "registered"
    UPDATED = "updated"
    TRANSFERRED = "transferred"
    REFERRED = "referred"
    RATED = "rated"
    ACKNOWLEDGED = "acknowledged"
    REPLIED = "replied"


class DemandStatus(_Labelled):
    """A call-recording demand is open until the recordings are handed over (cl. 14)."""

    OPEN = "open"
    FULFILLED = "fulfilled"


_LABELS: dict[Any, Any] = {
    Channel.LINE_1414: _l("1414"),
    Channel.TOLL_FREE: _l("8 800 080 7777"),
    Channel.EMAIL: _l("E-mail"),
    Channel.OTHER: _l("Other channel"),
    Character.CONSULTATION: _l("Consultation"),
    Character.STANDARD_VIOLATION: _l("Violation of the bylaw or service standard"),
    Character.STAFF_CONDUCT: _l("Actions or inaction of employees"),
    Character.OTHER: _l("Other"),
    AppealStatus.REGISTERED: _l("Registered"),
    AppealStatus.TRANSFERRED: _l("Transferred"),
    AppealStatus.SENT_TO_AGENCY: _l("Request sent to the agency"),
    AppealStatus.ANSWERED: _l("Answered"),
    AppealStatus.REFERRED: _l("Referred to the competent body"),
    AppealStatus.CLOSED: _l("Closed"),
    EventKind.REGISTERED: _l("Registered"),
    EventKind.UPDATED: _l("Updated"),
    EventKind.TRANSFERRED: _l("Transferred"),
    EventKind.REFERRED: _l("Referred"),
    EventKind.RATED: _l("Rated"),
    EventKind.ACKNOWLEDGED: _l("Acknowledgement queued"),
    EventKind.REPLIED: _l("Answer sent"),
    DemandStatus.OPEN: _l("Open"),
    DemandStatus.FULFILLED: _l("Recordings provided"),
}


class AppealCounter(Base):
    """The last appeal number issued in a year; incremented under its row lock."""

    __tablename__ = "appeal_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Appeal(TimestampMixin, Base):
    """One contact of a citizen with the center, accounted for (Rules No. 83 cl. 7-13, 31)."""

    __tablename__ = "appeals"
    __table_args__ = (
        Index("ix_appeals_received_at", "received_at"),
        Index("ix_appeals_agency_received", "agency_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "appeal_channel"))
    received_at: Mapped[datetime]
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    applicant_surname: Mapped[str] = mapped_column(String(100), default="")
    applicant_name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    iin: Mapped[str | None] = mapped_column(String(12))
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    #: The Knowledge Base article the operator had open (no FK: a sibling area's table).
    article_id: Mapped[int | None]
    character: Mapped[Character] = mapped_column(str_enum(Character, "appeal_character"),
                                                 index=True)
    subject: Mapped[str] = mapped_column(String(500), default="")
    content: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text, default="")
    request_number: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[AppealStatus] = mapped_column(str_enum(AppealStatus, "appeal_status"),
                                                 default=AppealStatus.REGISTERED, index=True)
    #: Who registered it; None when registered automatically from e-mail (cl. 8).
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: Current handler after a transfer (cl. 11): an operator and/or a group.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_group: Mapped[str] = mapped_column(String(100), default="")
    #: Out-of-scope question: the body the caller was directed to (cl. 10).
    referred_to: Mapped[str] = mapped_column(Text, default="")
    referred_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    #: The telephony system's call id, which ratings refer to (cl. 13).
    call_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Message-ID of the e-mail it came from, for threading the answer.
    email_message_id: Mapped[str] = mapped_column(String(998), default="")
    email_references: Mapped[str] = mapped_column(Text, default="")
    #: Language the applicant wrote in (e-mail), for the answer.
    locale: Mapped[str] = mapped_column(String(5), default="kk")

    region: Mapped[Region | None] = relationship()
    service: Mapped[Service | None] = relationship()
    agency: Mapped[Agency | None] = relationship(foreign_keys=[agency_id])
    referred_agency: Mapped[Agency | None] = relationship(foreign_keys=[referred_agency_id])
    operator: Mapped[User | None] = relationship(foreign_keys=[operator_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list[AppealEvent]] = relationship(
        back_populates="appeal", order_by="AppealEvent.id", cascade="all, delete-orphan",
        passive_deletes=True)
    attachments: Mapped[list[AppealAttachment]] = relationship(
        order_by="AppealAttachment.id", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def applicant(self) -> str:
        """Surname and name as the Annex 2 form prints them."""
        return " ".join(p for p in (self.applicant_surname, self.applicant_name) if p)

    def __repr__(self) -> str:
        return f"<Appeal {self.number}>"


class AppealEvent(Base):
    """One entry of an appeal's history (registration, transfer, referral, answer...)."""

    __tablename__ = "appeal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"),
                                           index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "appeal_event_kind"))
    note: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    appeal: Mapped[Appeal] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class AppealAttachment(Base):
    """A file that came with an e-mail appeal."""

    __tablename__ = "appeal_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"),
                                           index=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppealReply(Base):
    """An answer sent from the portal to an e-mail appeal (cl. 8)."""

    __tablename__ = "appeal_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"),
                                           index=True)
    body: Mapped[str] = mapped_column(Text)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outbox_key: Mapped[str] = mapped_column(String(300), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sent_by: Mapped[User | None] = relationship()


class InboundEmail(Base):
    """An e-mail read from the mailbox: its key is unique, so it is registered only once."""

    __tablename__ = "inbound_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The Message-ID, or a digest of the raw message when it has none.
    message_key: Mapped[str] = mapped_column(String(998), unique=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    uid: Mapped[int] = mapped_column(BigInteger)
    sender: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500), default="")
    appeal_id: Mapped[int | None] = mapped_column(
        ForeignKey("appeals.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CallRating(Base):
    """The caller's 1-5 rating of the operator after one call (Rules No. 83, cl. 13)."""

    __tablename__ = "call_ratings"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        Index("ix_call_ratings_rated_at", "rated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    score: Mapped[int] = mapped_column(SmallInteger)
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    appeal_id: Mapped[int | None] = mapped_column(
        ForeignKey("appeals.id", ondelete="SET NULL"), index=True)
    rated_at: Mapped[datetime]
    #: "telephony" (the API) or "portal" (recorded by staff).
    source: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    operator: Mapped[User | None] = relationship(foreign_keys=[operator_id])


class RecordingDemand(TimestampMixin, Base):
    """A written demand for call recordings, answered within 4 hours (Rules No. 83, cl. 14)."""

    __tablename__ = "recording_demands"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The demanding body's role: its staff see the demand and download the files.
    requester_role: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(120), default="")
    call_date: Mapped[date] = mapped_column(Date)
    caller_phone: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]
    status: Mapped[DemandStatus] = mapped_column(str_enum(DemandStatus, "recording_demand_status"),
                                                 default=DemandStatus.OPEN, index=True)
    fulfilled_at: Mapped[datetime | None]
    fulfilled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    fulfilled_by: Mapped[User | None] = relationship(foreign_keys=[fulfilled_by_id])
    files: Mapped[list[RecordingFile]] = relationship(
        order_by="RecordingFile.id", cascade="all, delete-orphan", passive_deletes=True)


class RecordingFile(Base):
    """A recording attached to a demand."""

    __tablename__ = "recording_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("recording_demands.id", ondelete="CASCADE"),
                                           index=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
