"""Delivery of the outbox: triggered after each commit that queued mail, and swept every minute.

The trigger is best effort (Redis may be down); the sweeper catches up, so a message
queued while Redis or SMTP was unavailable goes out once they are back.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from jobs import app_job
from jobs.schedule import CronEntry
from portal.db import db
from portal.notify.delivery import deliver


@app_job
def deliver_pending(limit: int = 200, *, now: datetime | None = None) -> int:
    """Send due outbox messages (safe to run concurrently and repeatedly); returns sent count."""
    return deliver(db.session, current_app.config, limit=limit, now=now)


CRON: list[CronEntry] = [CronEntry(deliver_pending, interval=60)]
