"""Public services, their bylaws and the agencies' responsible persons (DOMAIN.md section A)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agencies.models import Agency
from portal.db import Base, TimestampMixin, str_enum, utcnow


class ServiceStatus(enum.StrEnum):
    """UCC lifecycle of a service (Rules No. 83 cl. 20-23); moved only by events."""

    NEW = "new"
    RESPONSIBLE_APPOINTED = "responsible_appointed"
    INFO_SUBMITTED = "info_submitted"
    TRAINING_SCHEDULED = "training_scheduled"
    TRAINED = "trained"
    PROTOCOL_SIGNED = "protocol_signed"
    CONSULTING = "consulting"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(SERVICE_STATUS_LABELS[self])


SERVICE_STATUS_LABELS = {
    ServiceStatus.NEW: _l("New"),
    ServiceStatus.RESPONSIBLE_APPOINTED: _l("Responsible person appointed"),
    ServiceStatus.INFO_SUBMITTED: _l("Information submitted"),
    ServiceStatus.TRAINING_SCHEDULED: _l("Training scheduled"),
    ServiceStatus.TRAINED: _l("Trained"),
    ServiceStatus.PROTOCOL_SIGNED: _l("Protocol signed"),
    ServiceStatus.CONSULTING: _l("Consulting"),
    ServiceStatus.SUSPENDED: _l("Suspended"),
    ServiceStatus.WITHDRAWN: _l("Withdrawn"),
}


class TermKind(enum.StrEnum):
    """How a service term is counted."""

    WORKING = "working"
    CALENDAR = "calendar"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(TERM_KIND_LABELS[self])


TERM_KIND_LABELS = {
    TermKind.WORKING: _l("working days"),
    TermKind.CALENDAR: _l("calendar days"),
}


service_responsibles = Table(
    "service_responsibles",
    Base.metadata,
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("responsible_persons.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


class Service(TimestampMixin, Base):
    """A public service as the registry and the UCC know it (Annex 1)."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name_kk: Mapped[str] = mapped_column(Text)
    name_ru: Mapped[str] = mapped_column(Text)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    term_days: Mapped[int | None]
    term_kind: Mapped[TermKind] = mapped_column(str_enum(TermKind, "term_kind"),
                                                default=TermKind.WORKING)
    internet_resource: Mapped[str] = mapped_column(String(500), default="")
    internet_resource_note: Mapped[str] = mapped_column(Text, default="")
    change_notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ServiceStatus] = mapped_column(str_enum(ServiceStatus, "service_status"),
                                                  default=ServiceStatus.NEW, index=True)
    consultation_start: Mapped[date | None]
    #: Optimistic locking: concurrent edits of one service never lose an update.
    version: Mapped[int] = mapped_column(default=1)

    agency: Mapped[Agency] = relationship()
    bylaws: Mapped[list[Bylaw]] = relationship(back_populates="service",
                                               cascade="all, delete-orphan",
                                               order_by="Bylaw.approved_on")
    responsibles: Mapped[list[ResponsiblePerson]] = relationship(
        secondary=service_responsibles, back_populates="services")

    __mapper_args__ = {"version_id_col": version}


# Trigram indexes for the typo-tolerant search (created by the a3_registry migration).
Index("ix_services_name_kk_trgm", func.lower(Service.name_kk).label("name_kk_lower"),
      postgresql_using="gin", postgresql_ops={"name_kk_lower": "gin_trgm_ops"})
Index("ix_services_name_ru_trgm", func.lower(Service.name_ru).label("name_ru_lower"),
      postgresql_using="gin", postgresql_ops={"name_ru_lower": "gin_trgm_ops"})
Index("ix_services_code_trgm", Service.code, postgresql_using="gin",
      postgresql_ops={"code": "gin_trgm_ops"})


class Bylaw(TimestampMixin, Base):
    """A subordinate regulatory act that defines the order of a service."""

    __tablename__ = "bylaws"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"),
                                            index=True)
    title_kk: Mapped[str] = mapped_column(Text)
    title_ru: Mapped[str] = mapped_column(Text)
    number: Mapped[str] = mapped_column(String(60))
    approved_on: Mapped[date]
    registration_number: Mapped[str] = mapped_column(String(60), default="")
    url: Mapped[str] = mapped_column(String(500), default="")

    service: Mapped[Service] = relationship(back_populates="bylaws")
    amendments: Mapped[list[BylawAmendment]] = relationship(
        back_populates="bylaw", cascade="all, delete-orphan",
        order_by="BylawAmendment.amended_on")


class ResponsiblePerson(TimestampMixin, Base):
    """A person an agency appointed to keep the UCC informed (Rules No. 83 cl. 20, 27)."""

    __tablename__ = "responsible_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position_kk: Mapped[str] = mapped_column(String(300), default="")
    position_ru: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    appointed_on: Mapped[date]
    valid_until: Mapped[date | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    agency: Mapped[Agency] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=service_responsibles,
                                                   back_populates="responsibles")


class BylawAmendment(TimestampMixin, Base):
    """An act amending a bylaw; its date starts the cl. 26 update term."""

    __tablename__ = "bylaw_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    bylaw_id: Mapped[int] = mapped_column(ForeignKey("bylaws.id", ondelete="CASCADE"),
                                          index=True)
    amended_on: Mapped[date]
    act_title: Mapped[str] = mapped_column(Text, default="")
    act_number: Mapped[str] = mapped_column(String(60), default="")
    registration_number: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    bylaw: Mapped[Bylaw] = relationship(back_populates="amendments")


class ServiceStatusChange(Base):
    """One move of a service through its UCC lifecycle, with the event that justified it."""

    __tablename__ = "service_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"),
                                            index=True)
    old: Mapped[ServiceStatus] = mapped_column(str_enum(ServiceStatus, "service_status_old"))
    new: Mapped[ServiceStatus] = mapped_column(str_enum(ServiceStatus, "service_status_new"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ResponsibleReplacement(TimestampMixin, Base):
    """A notice that an agency replaced a responsible person (Rules No. 83 cl. 27)."""

    __tablename__ = "responsible_replacements"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    old_person_id: Mapped[int] = mapped_column(
        ForeignKey("responsible_persons.id", ondelete="CASCADE"))
    new_person_id: Mapped[int] = mapped_column(
        ForeignKey("responsible_persons.id", ondelete="CASCADE"))
    replaced_on: Mapped[date]
    #: Date of the agency's notice: must be within 5 working days of ``replaced_on``.
    notified_on: Mapped[date]
    notice: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    old_person: Mapped[ResponsiblePerson] = relationship(foreign_keys=[old_person_id])
    new_person: Mapped[ResponsiblePerson] = relationship(foreign_keys=[new_person_id])
