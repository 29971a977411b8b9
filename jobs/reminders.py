"""Reminders before a deadline and escalation after it, by e-mail in the recipient's language.

When: ``REMINDER_STAGES`` working days before the due date (default "2,1,0"; 0 is the
due day itself) at ``REMINDER_HOUR`` o'clock Astana time (default 9), and escalation to
the UCC managers the moment an obligation becomes overdue, then at most once a day on
working days (``REMINDER_ESCALATION_REPEAT`` working days apart; 0 = never repeat).

How, precisely and exactly once:
- ``plan_reminders`` runs every minute (cron). It sends at once any reminder whose time
  has passed unsent (catch-up after Redis or a worker was down) and schedules each
  reminder falling in the next few minutes as its own RQ job at the exact moment
  (``enqueue_at``; the worker's scheduler releases due jobs every second).
- ``fire_reminders`` runs at that moment, queues the messages and hands them to SMTP
  right away.
- Every message has the outbox key (obligation, stage, recipient) — escalations
  (obligation, Astana day, recipient) — so a duplicated or retried job never sends twice.
"""

from __future__ import annotations

import time as clock
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale, get_translations
from sqlalchemy import any_, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session

from jobs import app_job
from jobs.schedule import CronEntry
from portal.calendar.workdays import ASTANA_TZ, WorkCalendar
from portal.db import db, utcnow
from portal.i18n import LOCALES
from portal.notify.delivery import deliver
from portal.notify.mail import external_url
from portal.notify.models import OutboxMessage
from portal.notify.outbox import render_and_queue, skip_delivery_trigger
from portal.obligations.engine import get_calendar, local_date
from portal.obligations.models import Obligation, ObligationStatus
from portal.obligations.subjects import subject_labels
from portal.onboarding.notices import Contact, agency_contacts, role_contacts
from portal.queue import get_queue
from portal.security import Role
from portal.timeutil import local_today

FIRE_JOB = "jobs.reminders.fire_reminders"
#: Reminders falling within this many seconds get their own exactly-timed job.
HORIZON_SECONDS = 180
#: Obligations per reminder job: a crowded moment is shared by the workers.
CHUNK = 50
#: RQ's scheduler works in whole seconds: a job may be released up to 1 s early.
MAX_EARLY_WAIT = 2.0
#: Escalations looked back over; older days are history (the latest one counts).
ESCALATION_LOOKBACK_DAYS = 10

PARTY_ROLES = {"ucc": Role.UCC_MANAGER, "qc_authority": Role.QC_STAFF,
               "informatization_body": Role.INFORMATIZATION_STAFF}


@dataclass(frozen=True)
class Settings:
    """When reminders go out (from config, then the environment, then defaults)."""

    stages: tuple[int, ...] = (2, 1, 0)
    hour: int = 9
    repeat: int = 1

    @classmethod
    def from_config(cls, config: Any) -> Settings:
        """Read REMINDER_STAGES / REMINDER_HOUR / REMINDER_ESCALATION_REPEAT."""
        def get(name: str, default: str) -> str:
            return str(config.get(name) or default)

        stages = tuple(sorted({int(s) for s in get("REMINDER_STAGES", "2,1,0").split(",")
                               if s.strip()}, reverse=True))
        return cls(stages, int(get("REMINDER_HOUR", "9")),
                   int(get("REMINDER_ESCALATION_REPEAT", "1")))


@dataclass(frozen=True)
class Event:
    """One reminder moment of one obligation: a stage before the due date or an escalation."""

    kind: str  # "stage" | "escalation"
    at: datetime
    stage: int | None = None

    def prefix(self, obligation_id: int) -> str:
        """The outbox key without the recipient: (obligation, stage) or (obligation, day)."""
        if self.kind == "stage":
            return f"reminder:{obligation_id}:{self.stage}"
        return f"escalation:{obligation_id}:{local_date(self.at).isoformat()}"

    def key(self, obligation_id: int, email: str) -> str:
        """The outbox key that makes this reminder exactly-once per recipient."""
        return f"{self.prefix(obligation_id)}:{email.lower()}"


def _working_days_before(cal: WorkCalendar, day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        if cal.is_working_day(day):
            n -= 1
    return day


def _escalations(ob: Obligation, cal: WorkCalendar, s: Settings, since: date, until: date
                 ) -> Iterator[Event]:
    assert ob.due_at is not None
    yield Event("escalation", ob.due_at)
    if s.repeat <= 0:
        return
    due_day, count = local_date(ob.due_at), 0
    day = due_day + timedelta(days=1)
    while day <= until:
        if cal.is_working_day(day):
            count += 1
            if count % s.repeat == 0 and day >= since:
                yield Event("escalation", datetime.combine(day, time(s.hour), ASTANA_TZ))
        day += timedelta(days=1)


def events_for(ob: Obligation, cal: WorkCalendar, s: Settings, now: datetime,
               horizon: timedelta) -> list[Event]:
    """The obligation's reminder moments up to ``now + horizon``, oldest first."""
    if ob.due_at is None or ob.status is not ObligationStatus.OPEN:
        return []
    events = []
    due_day = local_date(ob.due_at)
    for k in s.stages:
        at = datetime.combine(_working_days_before(cal, due_day, k), time(s.hour), ASTANA_TZ)
        if ob.trigger_at <= at < ob.due_at:  # never before it existed, never after the due
            events.append(Event("stage", at, k))
    end = now + horizon
    if ob.due_at <= end:
        since = local_date(now) - timedelta(days=ESCALATION_LOOKBACK_DAYS)
        events += [e for e in _escalations(ob, cal, s, since, local_date(end)) if e.at <= end]
    return sorted((e for e in events if e.at <= end), key=lambda e: e.at)


def recipients_for(session: Session, ob: Obligation, event: Event) -> list[Contact]:
    """Who must act (before the due date) or the UCC managers (escalation)."""
    if event.kind == "escalation":
        return role_contacts(session, Role.UCC_MANAGER)
    if ob.party == "agency":
        return agency_contacts(session, ob.agency_id, ob.service_id)
    if ob.party == "ici_operator":
        return role_contacts(session, Role.ICI_OPERATOR, ob.agency_id)
    role = PARTY_ROLES.get(ob.party)
    return role_contacts(session, role) if role else []


def _link(ob: Obligation) -> str | None:
    if "obligations.detail" in current_app.view_functions:
        return external_url("obligations.detail", obligation_id=ob.id)
    return None


def send_event(session: Session, ob: Obligation, event: Event) -> list[int]:
    """Queue the event's messages (each recipient in their language); ids of new ones."""
    template = "notify/mail/reminder" if event.kind == "stage" else "notify/mail/escalation"
    link = _link(ob)
    ids = []
    for contact in recipients_for(session, ob, event):
        with force_locale(contact.locale):
            label = subject_labels(session, [ob])[ob.id]
        msg = render_and_queue(session, key=event.key(ob.id, contact.email), to=contact.email,
                               template=template, locale=contact.locale, ob=ob, event=event,
                               subject_label=label, link=link, contact=contact,
                               headers={"Auto-Submitted": "auto-generated"})
        if msg is not None:
            ids.append(msg.id)
    return ids


def _candidates(session: Session, s: Settings, now: datetime) -> list[Obligation]:
    """Open obligations whose first reminder may be near (holidays widen the gap)."""
    ahead = timedelta(days=max(s.stages, default=0) * 3 + 10)
    return list(session.scalars(
        select(Obligation).where(Obligation.status == ObligationStatus.OPEN,
                                 Obligation.due_at.is_not(None), Obligation.due_at <= now + ahead)
        .order_by(Obligation.due_at, Obligation.id)))


def _handled(session: Session, prefixes: list[str]) -> set[str]:
    """Which events already have messages: one query instead of one per recipient."""
    if not prefixes:
        return set()
    keys = session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.key.like(any_(array([p + ":%" for p in prefixes])))))
    return {":".join(k.split(":")[:3]) for k in keys}


def _job_id(at: datetime, chunk: int) -> str:
    return f"reminders-{int(at.timestamp() * 1_000_000)}-{chunk}"


@app_job
def plan_reminders(horizon_seconds: int = HORIZON_SECONDS, at: str | None = None
                   ) -> dict[str, int]:
    """Send reminders whose moment passed unsent; schedule the next few minutes' exactly.

    One RQ job per moment (and per CHUNK obligations) carries the obligations due a
    reminder then; re-planning replaces these jobs (same ids), never adds a second set.
    ``at`` (ISO moment) replays the planner as of another time; only due moments are sent.
    """
    session = db.session
    now = datetime.fromisoformat(at) if at else utcnow()
    settings = Settings.from_config(current_app.config)
    cal = get_calendar(session)
    horizon = timedelta(seconds=horizon_seconds)
    moments: dict[datetime, list[tuple[int, str]]] = {}
    due: list[tuple[Obligation, Event]] = []
    for ob in _candidates(session, settings, now):
        events = events_for(ob, cal, settings, now, horizon)
        past = [e for e in events if e.at <= now]
        if past:  # only the latest: an older, missed stage is superseded by it
            due.append((ob, past[-1]))
        for event in (e for e in events if e.at > now and not at):
            moments.setdefault(event.at, []).append((ob.id, event.kind))
    done = _handled(session, [e.prefix(ob.id) for ob, e in due])
    queued = [i for ob, e in due if e.prefix(ob.id) not in done for i in send_event(session, ob, e)]
    session.commit()
    queue = get_queue()
    for moment, items in moments.items():
        items.sort()
        # Chunks let several workers share a crowded moment (every stage falls at 09:00).
        for n, start in enumerate(range(0, len(items), CHUNK)):
            queue.enqueue_at(moment, FIRE_JOB, moment.isoformat(), items[start:start + CHUNK],
                             job_id=_job_id(moment, n), result_ttl=3600)
    return {"queued": len(queued), "scheduled": sum(len(v) for v in moments.values())}


@app_job
def fire_reminders(at_iso: str, items: list[tuple[int, str]]) -> int:
    """Send the reminders scheduled for one moment; returns messages queued.

    ``items`` are (obligation id, event kind); an obligation closed or moved meanwhile
    is skipped (the planner schedules its new moment).
    """
    at = datetime.fromisoformat(at_iso)
    wait = (at - utcnow()).total_seconds()
    if 0 < wait <= MAX_EARLY_WAIT:
        clock.sleep(wait)
    session = db.session
    settings = Settings.from_config(current_app.config)
    ids: list[int] = []
    for obligation_id, kind in items:
        ob = session.get(Obligation, obligation_id)
        if ob is None or ob.status is not ObligationStatus.OPEN:
            continue
        events = events_for(ob, get_calendar(session), settings, utcnow(), timedelta(seconds=1))
        event = next((e for e in events if e.kind == kind and e.at == at), None)
        if event is not None:
            ids += send_event(session, ob, event)
    skip_delivery_trigger(session)  # handed over right below, no second job needed
    session.commit()
    if ids:
        deliver(session, current_app.config, limit=len(ids), ids=ids)
    return len(ids)


def warm_up(app: Flask) -> None:
    """Build in the worker's parent what each forked job would otherwise rebuild (~0.5 s).

    RQ forks a fresh process per job; whatever the parent has loaded is inherited. The
    holiday calendar (the ``holidays`` package computes lunar feasts), the reminder
    templates and the kk/ru catalogs are the slow parts of a cold reminder job.
    """
    today = local_today()
    cal = WorkCalendar()
    for year in (today.year, today.year + 1):
        cal.is_working_day(date(year, 1, 1))
    with app.app_context():
        for name in ("notify/mail/reminder", "notify/mail/escalation"):
            for suffix in (".subject.txt", ".txt"):
                app.jinja_env.get_template(name + suffix)
        for locale in LOCALES:
            with force_locale(locale):
                get_translations()  # loads and keeps the merged kk/ru catalogs


CRON: list[CronEntry] = [CronEntry(plan_reminders, interval=60)]
