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
