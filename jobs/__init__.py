"""Background jobs: RQ worker entry, periodic schedule and the job helpers.

Jobs take ids and a locale, never ORM objects; they build the app once per worker
process, call the same services as the web routes, commit, and never swallow errors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask

F = TypeVar("F", bound=Callable[..., Any])
_app: Flask | None = None


def set_app(app: Flask | None) -> None:
    """Use ``app`` for jobs in this process (the worker and the tests call this)."""
    global _app
    _app = app


def get_app() -> Flask:
    """The app jobs run in: the one set, or one built from the environment once."""
    global _app
    if _app is None:
        from portal import create_app

        _app = create_app()
    return _app


def app_job(func: F) -> F:
    """Run ``func`` inside an application context (one DB session per job run)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from flask import has_app_context

        if has_app_context():
            return func(*args, **kwargs)
        with get_app().app_context():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
