"""Reminders by the rules: stages before the due date, escalation after, exactly once, in time."""

from __future__ import annotations

import re
import time
import uuid
from datetime import date, datetime, timedelta

from redis import Redis
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from jobs.reminders import Settings, events_for, fire_reminders, plan_reminders
from portal.calendar.workdays import ASTANA_TZ
from portal.db import utcnow
from portal.notify.models import OutboxMessage, OutboxStatus
from portal.obligations import engine
from portal.queue import get_queue, redis_conn
from portal.security import Role
from tests.factories import make_agency, make_person, make_service, make_user

# Monday 16 February 2026: the working days before it are Fri 13 and Thu 12.
DUE_DAY = date(2026, 2, 16)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ASTANA_TZ)


def _world(session):
    agency = make_agency(session)
    service = make_service(session, agency)
    person = make_person(session, agency)  # no portal account: written to in Kazakh
    service.responsibles.append(person)
    user = make_user(session, Role.AGENCY_RESPONSIBLE, agency, email="resp@gov.kz", locale="ru")
    foreign = make_user(session, Role.AGENCY_RESPONSIBLE, make_agency(session),
                        email="other@gov.kz")
    manager = make_user(session, Role.UCC_MANAGER, email="boss@1414.kz", locale="kk")
    ob = engine.open_obligation(
        session, rule_key="info_update_after_amendment", trigger_at=_local(date(2026, 2, 2), 10),
        subject_type="service", subject_id=service.id, agency_id=agency.id,
        service_id=service.id, due_at=engine.end_of_day(DUE_DAY))
    session.commit()
    return ob, person, user, foreign, manager


def _mails(session, like: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.key.like(like))
                                .order_by(OutboxMessage.recipient)))


def test_stages_count_working_days_back_from_the_due_date(app, session):
    ob, *_ = _world(session)
    with app.app_context():
        cal = engine.get_calendar(session)
        events = events_for(ob, cal, Settings(), _local(DUE_DAY, 12), timedelta(0))
    stages = [(e.stage, e.at) for e in events if e.kind == "stage"]
    assert stages == [(2, _local(date(2026, 2, 12), 9)), (1, _local(date(2026, 2, 13), 9)),
                      (0, _local(DUE_DAY, 9))]
    assert [e for e in events if e.kind == "escalation"] == []  # not overdue at noon


def test_the_same_planner_run_twice_sends_once(app, session):
    ob, person, user, foreign, manager = _world(session)
    at = _local(date(2026, 2, 13), 10).isoformat()  # Friday, after the stage-1 moment
    assert plan_reminders(at=at) == {"queued": 2, "scheduled": 0}
    assert plan_reminders(at=at) == {"queued": 0, "scheduled": 0}
    mails = _mails(session, f"reminder:{ob.id}:%")
    assert sorted(m.recipient for m in mails) == sorted([person.email, "resp@gov.kz"])
    assert all(m.key.startswith(f"reminder:{ob.id}:1:") for m in mails)
    by_to = {m.recipient: m for m in mails}
    assert by_to["resp@gov.kz"].locale == "ru" and "Напоминание" in by_to["resp@gov.kz"].subject
    assert by_to[person.email].locale == "kk" and "Еске салу" in by_to[person.email].subject
    assert "п. 26" in by_to["resp@gov.kz"].body_text  # the clause, Rules No. 83 cl. 26
    assert "other@gov.kz" not in by_to  # another agency never hears of this obligation


def test_escalation_to_managers_at_most_once_a_day(app, session):
    ob, *_ = _world(session)
    after_due = (ob.due_at + timedelta(minutes=1)).isoformat()
    assert plan_reminders(at=after_due)["queued"] == 1
    assert plan_reminders(at=_local(DUE_DAY + timedelta(days=1), 8).isoformat())["queued"] == 0
    assert plan_reminders(at=_local(DUE_DAY + timedelta(days=1), 10).isoformat())["queued"] == 1
    assert plan_reminders(at=_local(DUE_DAY + timedelta(days=1), 16).isoformat())["queued"] == 0
    mails = _mails(session, f"escalation:{ob.id}:%")
    assert [m.recipient for m in mails] == ["boss@1414.kz", "boss@1414.kz"]
    assert {m.key.split(":")[2] for m in mails} == {"2026-02-16", "2026-02-17"}
    assert "Мерзімі өтті" in mails[0].subject


def test_fired_reminder_is_delivered_once_and_skipped_when_fulfilled(app, session, smtp,
                                                                     mail_config):
    ob, *_ = _world(session)
    smtp.start()
    moment = _local(date(2026, 2, 13), 9).isoformat()
    assert fire_reminders(moment, [(ob.id, "stage")]) == 2
    assert fire_reminders(moment, [(ob.id, "stage")]) == 0  # a duplicated job sends nothing
    assert len(smtp.received) == 2
    session.expire_all()
    assert {m.status for m in _mails(session, f"reminder:{ob.id}:%")} == {OutboxStatus.SENT}
    subjects = sorted(email["Subject"] for _, email in smtp.received)
    assert subjects[0].startswith("Еске салу") and subjects[1].startswith("Напоминание")
    assert smtp.received[0][1]["Auto-Submitted"] == "auto-generated"
    engine.fulfil(session, rule_key=ob.rule_key, subject_type="service", subject_id=ob.subject_id,
                  at=utcnow())
    session.commit()
    assert fire_reminders(ob.due_at.isoformat(), [(ob.id, "escalation")]) == 0


def test_planner_schedules_the_exact_moment_and_the_worker_fires_it(app, session, monkeypatch):
    # A Redis database and queue of its own: parallel test runs flush the shared one.
    private = Redis.from_url(re.sub(r"/\d+$", "/11", app.config["REDIS_URL"]))
    private.flushdb()
    monkeypatch.setitem(app.extensions, "portal_redis", private)
    monkeypatch.setitem(app.config, "RQ_QUEUE", f"reminders-{uuid.uuid4().hex[:8]}")
    ob, *_ = _world(session)
    ob.due_at = utcnow().replace(microsecond=0) + timedelta(seconds=3)
    session.commit()
    assert plan_reminders()["scheduled"] == 1
    with app.app_context():
        registry = ScheduledJobRegistry(queue=get_queue())
        [job_id] = registry.get_job_ids()
        assert registry.get_scheduled_time(job_id) == ob.due_at
        time.sleep(max(0.0, (ob.due_at - utcnow()).total_seconds()) + 1.1)
        SimpleWorker([get_queue()], connection=redis_conn()).work(burst=True,
                                                                  with_scheduler=True)
    mails = _mails(session, f"escalation:{ob.id}:%")
    assert [m.recipient for m in mails] == ["boss@1414.kz"]
    assert mails[0].created_at >= ob.due_at
    private.flushdb()
