"""Monthly reports: built on the first days of each month, sent by the 5th (cl. 31, 39).

The schedule runs every day from the 1st to the 5th: the first run builds and sends
every recipient's report of the previous month; later runs only retry what failed
and add recipients that appeared since (finished reports are never sent twice). A
Redis lock keeps a scheduled run and a manual regeneration from building at once.
"""

from __future__ import annotations

from datetime import date

from rq import get_current_job

from jobs import app_job
from jobs.schedule import CronEntry
from portal.db import db
from portal.queue import redis_conn
from portal.reports.registry import all_kinds
from portal.reports.services import build_reports, previous_month
from portal.timeutil import local_today

#: 00:30 UTC = 05:30 in Astana, every day from the 1st to the 5th.
MONTHLY_CRON = "30 0 1-5 * *"
LOCK_SECONDS = 3600


def _progress(percent: int) -> None:
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = percent
        job.save_meta()


@app_job
def build_monthly(kind_key: str, year: int, month: int, force: bool = False) -> list[int]:
    """Build, store and send ``kind_key``'s reports for ``year``-``month``; their ids."""
    lock = redis_conn().lock(f"portal:reports:{kind_key}:{year}-{month:02d}",
                             timeout=LOCK_SECONDS, blocking_timeout=LOCK_SECONDS)
    if not lock.acquire():
        raise RuntimeError(f"reports {kind_key} {year}-{month:02d} are being built elsewhere")
    try:
        reports = build_reports(db.session, kind_key, date(year, month, 1), force=force,
                                progress=_progress, checkpoint=db.session.commit)
        db.session.commit()
        return [r.id for r in reports]
    finally:
        lock.release()


@app_job
def build_previous_month() -> dict[str, list[int]]:
    """The scheduled run: every kind's reports for the month before today (Astana date)."""
    month = previous_month(local_today())
    built: dict[str, list[int]] = {}
    errors = []
    for kind in all_kinds():
        try:
            built[kind.key] = build_monthly(kind.key, month.year, month.month)
        except Exception as exc:  # one kind failing must not stop the others' reports
            db.session.rollback()
            errors.append(f"{kind.key}: {type(exc).__name__}: {exc}")
    if errors:
        raise RuntimeError("; ".join(errors))
    return built


CRON: list[CronEntry] = [CronEntry(build_previous_month, cron=MONTHLY_CRON)]
