"""Periodic jobs, run by ``portal cron`` through RQ's cron scheduler.

Each area that has periodic work lists its entries in ``ENTRY_MODULES``: a module
with ``CRON: list[CronEntry]``.  The scheduler only enqueues; workers execute, so
scaling out means more workers, and exactly one ``portal cron`` process.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from rq.cron import CronScheduler

from portal.queue import redis_conn

#: Modules defining ``CRON`` lists (areas append theirs here).
ENTRY_MODULES: tuple[str, ...] = (
    "jobs.outbox",
    "jobs.reminders",
    "jobs.onboarding",
    "jobs.ict",
    "jobs.appeals",
    "jobs.reports",
)


@dataclass(frozen=True)
class CronEntry:
    """A job to enqueue on a cron expression (server time, UTC) or every N seconds."""

    func: Any
    cron: str | None = None
    interval: int | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)


def entries() -> list[CronEntry]:
    """All registered periodic jobs."""
    out: list[CronEntry] = []
    for name in ENTRY_MODULES:
        out.extend(importlib.import_module(name).CRON)
    return out


def build_scheduler(app: Flask) -> CronScheduler:
    """A cron scheduler with every registered entry."""
    scheduler = CronScheduler(connection=redis_conn(app), name="portal-cron")
    for entry in entries():
        scheduler.register(entry.func, queue_name=app.config["RQ_QUEUE"], cron=entry.cron,
                           interval=entry.interval, kwargs=dict(entry.kwargs))
    return scheduler


def run_cron(app: Flask) -> None:
    """Block, enqueueing periodic jobs when they are due."""
    build_scheduler(app).start()
