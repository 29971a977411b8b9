"""Start of consultation: services move to "consulting" on the day (Rules No. 83, cl. 23).

Runs hourly (idempotent), so a service moves within the first hour of its start day
and a run missed while the worker was down is caught up by the next one.
"""

from __future__ import annotations

from datetime import date

from jobs import app_job
from jobs.schedule import CronEntry
from portal.db import db
from portal.onboarding.protocols import start_due_consultations
from portal.timeutil import local_today


@app_job
def start_consultations(today: str | None = None) -> list[int]:
    """Move every service whose consultation start has come; returns the service ids."""
    day = date.fromisoformat(today) if today else local_today()
    moved = start_due_consultations(db.session, day)
    db.session.commit()
    return moved


CRON: list[CronEntry] = [CronEntry(start_consultations, cron="7 * * * *")]
