"""Onboarding of a service to the contact center: training and the acceptance protocol.

Rules No. 83: cl. 21 (training within 10 working days of the Annex 1 information),
cl. 22 (the acceptance protocol signed by authorized representatives of both sides),
cl. 23 (consultation starts five working days after signing).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.db import Base, TimestampMixin, str_enum
from portal.registry.models import Service


class Training(TimestampMixin, Base):
    """Training of the UCC responsible employee by the agency (Rules No. 83, cl. 21)."""

    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"),
                                            index=True)
    scheduled_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(300), default="")
    #: UCC staff who attend, one per line.
    participants: Mapped[str] = mapped_column(Text, default="")
    #: Questions UCC staff send the responsible person beforehand (Order No. 130, cl. 8).
    questions: Mapped[str] = mapped_column(Text, default="")
    questions_sent_at: Mapped[datetime | None]
    held_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    service: Mapped[Service] = relationship()

    @property
    def participant_list(self) -> list[str]:
        """Participants as a list of names."""
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class SignatureSide(enum.StrEnum):
    """The two parties that sign the protocol (Rules No. 83, cl. 22)."""

    UCC = "ucc"
    AGENCY = "agency"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(SIDE_LABELS[self])


SIDE_LABELS = {
    SignatureSide.UCC: _l("Unified Contact Center"),
    SignatureSide.AGENCY: _l("Service provider"),
}


class AcceptanceProtocol(TimestampMixin, Base):
    """One version of the protocol of acceptance of a service for consultation (cl. 22).

    ``pdf`` is the document both sides sign; once both have signed it is frozen and
    ``final_pdf`` (the same text plus both signature blocks) is kept as issued.
    A change after that needs a new version.
    """

    __tablename__ = "acceptance_protocols"
    __table_args__ = (UniqueConstraint("service_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"),
                                            index=True)
    version: Mapped[int] = mapped_column(default=1)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    training_id: Mapped[int | None] = mapped_column(
        ForeignKey("trainings.id", ondelete="SET NULL"))
    drawn_up_on: Mapped[date]
    #: Language of the document both sides sign ("kk" or "ru").
    locale: Mapped[str] = mapped_column(String(5), default="kk")
    place: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    frozen: Mapped[bool] = mapped_column(default=False)
    frozen_at: Mapped[datetime | None]
    signed_on: Mapped[date | None]
    consultation_start: Mapped[date | None]
    final_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    final_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    service: Mapped[Service] = relationship()
    training: Mapped[Training | None] = relationship()
    signatures: Mapped[list[ProtocolSignature]] = relationship(
        back_populates="protocol", cascade="all, delete-orphan",
        order_by="ProtocolSignature.signed_at")

    def signature(self, side: SignatureSide) -> ProtocolSignature | None:
        """The signature of one side, if given."""
        return next((s for s in self.signatures if s.side is side), None)


class ProtocolSignature(Base):
    """A sign-off in the portal: who, when, and the SHA-256 of the exact PDF signed."""

    __tablename__ = "protocol_signatures"
    __table_args__ = (UniqueConstraint("protocol_id", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(
        ForeignKey("acceptance_protocols.id", ondelete="CASCADE"), index=True)
    side: Mapped[SignatureSide] = mapped_column(str_enum(SignatureSide, "signature_side"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Name and organisation as they were at signing (users may be renamed later).
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_org_kk: Mapped[str] = mapped_column(String(400), default="")
    signer_org_ru: Mapped[str] = mapped_column(String(400), default="")
    signed_at: Mapped[datetime]
    pdf_sha256: Mapped[str] = mapped_column(String(64))

    protocol: Mapped[AcceptanceProtocol] = relationship(back_populates="signatures")
    user: Mapped[User] = relationship()
