"""Domain errors raised by services and turned into user messages by routes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """A rule was broken; ``message`` is already translated for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """Someone else changed the object since it was loaded (optimistic locking)."""

    def __init__(self, message: str, changes: dict[str, list[object]] | None = None) -> None:
        super().__init__(message)
        self.changes = changes or {}


def show_on_form(form: Any, err: DomainError, aliases: Mapping[str, str] | None = None) -> None:
    """Show a service's DomainError on the form field it names, else as a flash message.

    ``aliases`` maps a service's field name to the form's where they differ
    (``service_id`` → ``service``).
    """
    from flask import flash

    name = (aliases or {}).get(err.field or "", err.field)
    target = getattr(form, name, None) if name else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, err.message]
    else:
        flash(err.message, "error")


class committing:  # noqa: N801 (used as a statement: ``with committing(...):``)
    """Run a route's service calls as one unit of work.

    On success the session is committed and ``success`` (settable inside the block,
    e.g. once a count is known) is flashed; a DomainError rolls the session back and
    flashes its message, and the block is left without raising; ``ok`` tells which.
    Any other exception propagates untouched.
    """

    def __init__(self, success: str | None = None) -> None:
        self.success = success
        self.ok = False

    def __enter__(self) -> committing:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 _tb: object) -> bool:
        from flask import flash

        from portal.db import db

        if exc_type is None:
            db.session.commit()
            self.ok = True
            if self.success:
                flash(self.success, "success")
            return False
        if isinstance(exc, DomainError):
            db.session.rollback()
            flash(exc.message, "error")
            return True
        return False
