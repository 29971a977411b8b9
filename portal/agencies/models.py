"""Government bodies and other participants (DOMAIN.md, "Participants and roles")."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, str_enum


class AgencyKind(enum.StrEnum):
    """Kinds of participants named in Rules No. 83 cl. 18."""

    CENTRAL = "central"
    LOCAL_REGION = "local_region"
    LOCAL_CITY = "local_city"
    LOCAL_CAPITAL = "local_capital"
    PROVIDER = "provider"
    ICI_OPERATOR = "ici_operator"
    QC_AUTHORITY = "qc_authority"
    INFORMATIZATION = "informatization"
    UCC = "ucc"

    @property
    def label(self) -> str:
        """Human label in the current locale."""
        return str(AGENCY_KIND_LABELS[self])

    @property
    def is_local(self) -> bool:
        """Local executive bodies (akimats)."""
        return self in (AgencyKind.LOCAL_REGION, AgencyKind.LOCAL_CITY,
                        AgencyKind.LOCAL_CAPITAL)


AGENCY_KIND_LABELS = {
    AgencyKind.CENTRAL: _l("Central state body"),
    AgencyKind.LOCAL_REGION: _l("Local executive body of a region"),
    AgencyKind.LOCAL_CITY: _l("Local executive body of a city of republican significance"),
    AgencyKind.LOCAL_CAPITAL: _l("Local executive body of the capital"),
    AgencyKind.PROVIDER: _l("Other service provider"),
    AgencyKind.ICI_OPERATOR: _l("ICI operator"),
    AgencyKind.QC_AUTHORITY: _l("Quality control authority"),
    AgencyKind.INFORMATIZATION: _l("Authorized body for informatization"),
    AgencyKind.UCC: _l("Unified Contact Center"),
}


class Region(Base):
    """A region or a city of republican significance."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))


class Agency(TimestampMixin, Base):
    """A government body, service provider or other participant."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[AgencyKind] = mapped_column(str_enum(AgencyKind, "agency_kind"))
    name_kk: Mapped[str] = mapped_column(String(400))
    name_ru: Mapped[str] = mapped_column(String(400))
    short_kk: Mapped[str] = mapped_column(String(120), default="")
    short_ru: Mapped[str] = mapped_column(String(120), default="")
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Agency | None] = relationship(remote_side=[id])
    region: Mapped[Region | None] = relationship()

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"
