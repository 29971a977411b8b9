"""Domain errors raised by services and turned into user messages by routes."""

from __future__ import annotations


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
