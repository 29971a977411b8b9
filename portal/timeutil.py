"""Time zone helpers: the portal stores UTC and shows Kazakhstan time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Almaty"


def local_tz() -> ZoneInfo:
    """The portal's display time zone (PORTAL_TIMEZONE, Kazakhstan time by default)."""
    name = DEFAULT_TZ
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_TZ)
    return ZoneInfo(name)


def local_today() -> date:
    """Today's date in Kazakhstan."""
    return datetime.now(local_tz()).date()
