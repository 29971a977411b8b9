"""The rulebook in the database and the obligations computed from it."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agencies.models import Agency
from portal.calendar.workdays import ASTANA_TZ
from portal.db import Base, TimestampMixin, str_enum, utcnow
from portal.i18n import current_locale
from portal.registry.models import Service

#: Deadline kinds counted on the production calendar: an override can move them.
CALENDAR_KINDS = frozenset({"working_days", "next_working_day", "working_hours"})


class Rule(Base):
    """One version of one deadline rule (a row of ``rulebook_data.RULES``)."""

    __tablename__ = "rules"
    __table_args__ = (UniqueConstraint("key", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    act_number: Mapped[str] = mapped_column(String(20))
    act_date: Mapped[date]
    act_title_kk: Mapped[str] = mapped_column(Text)
    act_title_ru: Mapped[str] = mapped_column(Text)
    amended_by: Mapped[str | None] = mapped_column(String(80))
    clause: Mapped[str] = mapped_column(String(20))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    trigger: Mapped[str] = mapped_column(String(80))
    deadline_kind: Mapped[str] = mapped_column(String(40))
    deadline_value: Mapped[int]
    actor: Mapped[str] = mapped_column(String(40))
    description_kk: Mapped[str] = mapped_column(Text)
    description_ru: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))

    def is_in_force(self, on: date) -> bool:
        """True when this version applies to an event on ``on``."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def citation(self, locale: str | None = None) -> str:
        """"Правила № 83, п. 20" / "№ 83 Қағидалар, 20-тармақ" (same format as the rulebook)."""
        if (locale or current_locale()).startswith("ru"):
            return f"Правила № {self.act_number}, п. {self.clause}"
        return f"№ {self.act_number} Қағидалар, {self.clause}-тармақ"

    @property
    def counts_working_days(self) -> bool:
        """True when a calendar override can move deadlines computed under this rule."""
        return self.deadline_kind in CALENDAR_KINDS


class ObligationStatus(enum.StrEnum):
    """How an obligation ends (or that it has not yet)."""

    OPEN = "open"
    FULFILLED_ON_TIME = "fulfilled_on_time"
    FULFILLED_LATE = "fulfilled_late"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(OBLIGATION_STATUS_LABELS[self])


OBLIGATION_STATUS_LABELS = {
    ObligationStatus.OPEN: _l("Open"),
    ObligationStatus.FULFILLED_ON_TIME: _l("Fulfilled on time"),
    ObligationStatus.FULFILLED_LATE: _l("Fulfilled late"),
    ObligationStatus.CANCELLED: _l("Cancelled"),
}

PARTY_LABELS = {
    "agency": _l("Agency"),
    "ucc": _l("Contact center"),
    "ici_operator": _l("ICI operator"),
    "qc_authority": _l("Quality control authority"),
    "informatization_body": _l("Informatization authority"),
    "service_recipient": _l("Service recipient"),
}

#: Reasons the portal itself gives when it closes an obligation: ``details["reason_code"]``
#: picks the translated text; ``close_reason`` keeps the English original for the record.
CLOSE_REASONS = {
    "annex1_returned": _l("Annex 1 was returned for correction; the term restarts when it is "
                          "submitted again."),
    "service_withdrawn": _l("The service was withdrawn."),
    "refused": _l("The provider refused to give the information."),
}


class Obligation(TimestampMixin, Base):
    """A duty with a deadline, opened and closed by domain events under one rule version."""

    __tablename__ = "obligations"
    __table_args__ = (
        # Idempotency: at most one OPEN obligation per rule and subject.
        Index("uq_obligations_open_subject", "rule_key", "subject_type", "subject_id",
              unique=True, postgresql_where=text("status = 'open'")),
        Index("ix_obligations_subject", "subject_type", "subject_id"),
        Index("ix_obligations_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_key: Mapped[str] = mapped_column(String(80), index=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    party: Mapped[str] = mapped_column(String(40))
    trigger_at: Mapped[datetime]
    #: None only for rules that set no term (e.g. the protocol after training, cl. 22).
    due_at: Mapped[datetime | None]
    #: True when the caller gave the due date (a request's own date): never recomputed.
    due_explicit: Mapped[bool] = mapped_column(default=False)
    #: True when no version was in force on the trigger date (a gap in the seeds) and the
    #: nearest version was applied instead (see engine.resolve_rule).
    rule_inferred: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ObligationStatus] = mapped_column(
        str_enum(ObligationStatus, "obligation_status"), default=ObligationStatus.OPEN)
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str] = mapped_column(Text, default="")
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Event details for display and counting (e.g. {"refused": true} for cl. 28).
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    rule: Mapped[Rule] = relationship(lazy="joined")
    agency: Mapped[Agency | None] = relationship()
    service: Mapped[Service | None] = relationship()

    @property
    def citation(self) -> str:
        """The clause in the current locale, e.g. "Правила № 83, п. 20"."""
        return self.rule.citation()

    @property
    def is_overdue(self) -> bool:
        """Open and past its deadline."""
        return (self.status is ObligationStatus.OPEN and self.due_at is not None
                and self.due_at < utcnow())

    @property
    def days_late(self) -> int:
        """Calendar days past the due date (Astana dates): until today if open, else at closing."""
        if self.due_at is None:
            return 0
        if self.status is ObligationStatus.OPEN:
            end = utcnow()
        elif self.status is ObligationStatus.FULFILLED_LATE and self.closed_at is not None:
            end = self.closed_at
        else:
            return 0
        if end <= self.due_at:
            return 0
        late = end.astimezone(ASTANA_TZ).date() - self.due_at.astimezone(ASTANA_TZ).date()
        return max(1, late.days)

    @property
    def close_reason_label(self) -> str:
        """Why it was closed, in the current locale when the portal gave the reason."""
        label = CLOSE_REASONS.get(self.details.get("reason_code", ""))
        return str(label) if label is not None else self.close_reason

    @property
    def party_label(self) -> str:
        """Who must act, in the current locale."""
        return str(PARTY_LABELS.get(self.party, self.party))

    @property
    def description(self) -> str:
        """What must be done, from the rule version, in the current locale."""
        return self.rule.description_ru if current_locale() == "ru" else self.rule.description_kk


class RefusalNoticeStatus(enum.StrEnum):
    """A cl. 28 notice is drafted by the portal and sent by a manager."""

    DRAFT = "draft"
    SENT = "sent"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(REFUSAL_NOTICE_STATUS_LABELS[self])


REFUSAL_NOTICE_STATUS_LABELS = {
    RefusalNoticeStatus.DRAFT: _l("Draft"),
    RefusalNoticeStatus.SENT: _l("Sent to the QC authority"),
}


class RefusalNotice(TimestampMixin, Base):
    """The notice to the QC authority about repeated refusals (Rules No. 83, cl. 28)."""

    __tablename__ = "refusal_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[RefusalNoticeStatus] = mapped_column(
        str_enum(RefusalNoticeStatus, "refusal_notice_status"),
        default=RefusalNoticeStatus.DRAFT, index=True)
    #: Ids of the refused UCC requests the notice lists (info_request ids), oldest first.
    request_ids: Mapped[list[int]] = mapped_column(JSONB, default=list)
    sent_on: Mapped[date | None]
    sent_reference: Mapped[str] = mapped_column(String(120), default="")
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The PDF exactly as it was sent (frozen when marked sent).
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    agency: Mapped[Agency] = relationship()
