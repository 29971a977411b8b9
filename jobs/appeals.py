"""Appeals jobs: reading the e-mail appeals mailbox every minute (Rules No. 83, cl. 8).

Safe to run twice at once or after a crash: see ``portal.appeals.intake`` for why a
message is registered and acknowledged exactly once.
"""

from __future__ import annotations

import logging

from flask import current_app

from jobs import app_job
from jobs.schedule import CronEntry
from portal.appeals.intake import imap_settings, run_intake
from portal.db import db

log = logging.getLogger(__name__)


@app_job
def read_appeals_mailbox(limit: int = 200) -> list[int]:
    """Register new e-mails as appeals; returns the new appeals' ids ([] when not configured)."""
    settings = imap_settings(current_app.config)
    if settings is None:
        return []
    result = run_intake(db.session, settings, commit=db.session.commit, limit=limit)
    if result.registered or result.skipped:
        log.info("e-mail intake: %d registered, %d skipped", len(result.registered),
                 result.skipped)
    return result.registered


CRON: list[CronEntry] = [CronEntry(read_appeals_mailbox, interval=60)]
