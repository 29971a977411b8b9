"""ICT jobs: spreading outage-notice delivery over the workers, and catching up new contacts.

Notices are queued in the outbox in the transaction that registers, changes or cancels an
outage (Rules No. 83 cl. 38), so nothing here can lose or duplicate one: these jobs only
decide *when* the outbox delivers. Every job is safe to retry and to run concurrently.
"""

from __future__ import annotations

import math

from sqlalchemy import func, select

from jobs import app_job
from jobs.schedule import CronEntry
from portal.db import db
from portal.ict.outages import catch_up
from portal.notify.models import OutboxMessage, OutboxStatus
from portal.queue import get_queue

#: Messages one delivery run hands over (``jobs.outbox.deliver_pending``'s limit).
DELIVERY_BATCH = 200
#: At most this many delivery runs are queued at once for one outage (the sweeper does the rest).
MAX_RUNS = 100
DELIVER_JOB = "jobs.outbox.deliver_pending"


def _pending(pattern: str) -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.key.like(pattern))) or 0


def _fan_out(pending: int) -> int:
    """Queue enough delivery runs for ``pending`` messages; workers share them (SKIP LOCKED)."""
    runs = min(math.ceil(pending / DELIVERY_BATCH), MAX_RUNS)
    queue = get_queue()
    for _ in range(runs):
        queue.enqueue(DELIVER_JOB, limit=DELIVERY_BATCH, job_timeout=600, result_ttl=60,
                      failure_ttl=86400)
    return runs


@app_job
def dispatch_notices(outage_id: int) -> int:
    """Start delivery of an outage's pending notices in batches; returns delivery runs queued."""
    return _fan_out(_pending(f"outage:{outage_id}:%"))


@app_job
def catch_up_notices() -> int:
    """Send coming outages to contacts added since they were announced; returns messages queued."""
    queued = catch_up(db.session)
    db.session.commit()
    if queued:
        _fan_out(queued)
    return queued


CRON: list[CronEntry] = [CronEntry(catch_up_notices, interval=300)]
