"""The RQ worker process: ``portal worker`` (or ``rq worker --with-scheduler``)."""

from __future__ import annotations

from flask import Flask
from rq import Worker

import jobs
from portal.queue import get_queue, redis_conn


def run_worker(app: Flask, burst: bool = False) -> bool:
    """Process the portal queue; the built-in scheduler runs delayed jobs on time."""
    jobs.set_app(app)
    from jobs.reminders import warm_up

    warm_up(app)  # RQ forks per job: load calendars, templates and catalogs once, here
    worker = Worker([get_queue(app)], connection=redis_conn(app))
    return worker.work(with_scheduler=True, burst=burst, logging_level="INFO")
