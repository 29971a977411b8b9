"""Audit log: who changed what, when, old → new, for every state change.

Services call :func:`record` next to the change they make (same transaction), so
an audit entry exists exactly when the change is committed.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.db import Base, utcnow


class AuditEntry(Base):
    """One state change."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200), default="system")
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str] = mapped_column(String(80))
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), index=True
    )
    summary: Mapped[str] = mapped_column(String(500), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


def _plain(value: Any) -> Any:
    """JSON-safe representation of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def diff(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields of ``data`` that differ from ``obj``: {field: [old, new]}."""
    out: dict[str, list[Any]] = {}
    for key, new in data.items():
        old = getattr(obj, key)
        if old != new:
            out[key] = [_plain(old), _plain(new)]
    return out


def apply_changes(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set ``data`` on ``obj`` and return what changed, for :func:`record`."""
    changes = diff(obj, data)
    for key in changes:
        setattr(obj, key, data[key])
    return changes


def record(
    session: Session,
    actor: Any,
    action: str,
    obj: Any,
    changes: dict[str, Any] | None = None,
    *,
    summary: str = "",
    agency_id: int | None = None,
) -> AuditEntry:
    """Add an audit entry for ``action`` on ``obj`` by ``actor`` (None for the system)."""
    session.flush()  # make sure obj has its primary key
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or "system",
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "id", "")),
        agency_id=agency_id if agency_id is not None else getattr(obj, "agency_id", None),
        summary=summary[:500],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
    session.add(entry)
    return entry
