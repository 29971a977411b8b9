"""Users of the portal."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agencies.models import Agency
from portal.db import Base, TimestampMixin, str_enum
from portal.security import Role


class User(UserMixin, TimestampMixin, Base):
    """A person who logs in; agency-bound roles carry ``agency_id``."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="kk")
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    #: Bumped on password change/deactivation so other sessions are logged out.
    session_version: Mapped[int] = mapped_column(default=1)

    agency: Mapped[Agency | None] = relationship()

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Deactivated users cannot log in (Flask-Login checks this)."""
        return self.active

    def get_id(self) -> str:
        """Session id includes the version so a password change ends old sessions."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
