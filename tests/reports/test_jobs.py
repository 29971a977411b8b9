"""The report job: its schedule (1st-5th of the month), RQ progress, manual regeneration page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from croniter import croniter
from rq import SimpleWorker
from sqlalchemy import select

import jobs.reports as report_jobs
from jobs.schedule import ENTRY_MODULES, entries
from portal.queue import get_queue
from portal.reports.models import Report, ReportStatus
from portal.reports.services import previous_month
from portal.security import Role
from tests.factories import login, make_user, post


def test_schedule_builds_the_previous_month_on_days_1_to_5() -> None:
    assert "jobs.reports" in ENTRY_MODULES and "jobs.appeals" in ENTRY_MODULES
    [entry] = [e for e in entries() if e.func is report_jobs.build_previous_month]
    it = croniter(entry.cron, datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    fires = [it.get_next(datetime) for _ in range(6)]
    # 00:30 UTC is 05:30 in Astana: days 1-5 of April, then 1 May.
    assert [f.day for f in fires] == [1, 2, 3, 4, 5, 1]
    assert fires[0] == datetime(2026, 4, 1, 0, 30, tzinfo=UTC) and fires[-1].month == 5
    assert previous_month(date(2026, 1, 3)) == date(2025, 12, 1)


def test_job_runs_on_rq_reports_progress_and_is_idempotent(app, session, march) -> None:
    queue = get_queue(app)
    job = queue.enqueue(report_jobs.build_monthly, "annex2", 2026, 3)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    job.refresh()
    assert job.is_finished, job.latest_result().exc_string if job.latest_result() else job
    assert job.meta["progress"] == 100
    ids = job.return_value()
    session.expire_all()
    reports = session.scalars(select(Report).where(Report.id.in_(ids))).all()
    assert len(reports) == 3 and {r.status for r in reports} == {ReportStatus.DONE}
    again = queue.enqueue(report_jobs.build_monthly, "annex2", 2026, 3)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    again.refresh()
    assert sorted(again.return_value()) == sorted(ids)
    session.expire_all()
    assert {r.revision for r in session.scalars(select(Report))} == {1}


def test_manual_regeneration_shows_progress_then_downloads(app, client, session, march) -> None:
    manager = make_user(session, Role.UCC_MANAGER)
    login(client, manager)
    queue = get_queue(app)
    queue.empty()
    resp = post(client, "/reports/month/annex2/2026-03/regenerate", {}, token_from="/reports/")
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/reports/month/annex2/2026-03/")
    waiting = client.get("/reports/month/annex2/2026-03/", headers={"HX-Request": "true"})
    html = waiting.get_data(as_text=True)
    assert 'hx-trigger="load delay:1s"' in html and "<progress" in html
    assert html.lstrip().startswith('<div id="report-batch"')
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    done = client.get("/reports/month/annex2/2026-03/",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in done and "download.pdf" in done
    current_month = date.today().strftime("%Y-%m")
    refused = post(client, f"/reports/month/annex2/{current_month}/regenerate", {},
                   token_from="/reports/")
    assert refused.status_code == 303 and queue.count == 0


def test_failed_recipient_is_marked_and_the_job_fails(app, session, march, monkeypatch) -> None:
    from portal.reports import services

    real = services.render_xlsx

    def broken(kind, rows, locale, **kw):
        if locale == "ru":
            raise RuntimeError("disk full")
        return real(kind, rows, locale, **kw)

    monkeypatch.setattr(services, "render_xlsx", broken)
    queue = get_queue(app)
    job = queue.enqueue(report_jobs.build_monthly, "annex2", 2026, 3)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    job.refresh()
    assert job.is_failed and "disk full" in job.latest_result().exc_string
    session.expire_all()
    by_locale = {r.locale: r for r in session.scalars(select(Report))}
    assert by_locale["ru"].status is ReportStatus.FAILED and "disk full" in by_locale["ru"].error
    assert by_locale["kk"].status is ReportStatus.DONE and by_locale["kk"].sent_at is not None
