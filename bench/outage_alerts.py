"""Benchmark: queueing planned-outage alerts for 10,000 recipients (issue #7: "< 1 s").

Creates a fresh database, seeds bodies so that the notice goes to ``--recipients``
addresses (each body: its own e-mail and one responsible person's e-mail; every fifth
body also a mobile number for SMS), and measures on real PostgreSQL:
- collecting the recipients (``alerts.current_recipients``);
- queueing one version (``alerts.queue_notices``: rendering once per language, then one
  ``INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING`` per batch into the outbox
  and into ``ict_outage_notices``), committed;
- the whole registration (``outages.register_outage``: versions, the cl. 38 obligation,
  audit, recipients, queueing) plus commit;
- a retried queueing of the same version (inserts nothing: exactly once).

Usage: python bench/outage_alerts.py [--recipients 10000] [--runs 3]
Env: BENCH_DATABASE_URL (a server URL whose user may create databases; default
postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app, migrate  # noqa: E402
from portal.db import db, utcnow  # noqa: E402
from portal.ict import alerts  # noqa: E402
from portal.ict.models import Outage, OutageScope, OutageVersion, VersionAction, WorksKind  # noqa: E402
from portal.ict.outages import register_outage  # noqa: E402
from portal.notify.models import OutboxMessage  # noqa: E402


def _admin(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _create_database(server: str) -> tuple[str, str]:
    name = f"bench_outages_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False), name


def _seed(session, recipients: int) -> None:
    """Bodies with two e-mails each (and a mobile on every fifth), by set-based SQL."""
    bodies = recipients // 2
    kinds = "ARRAY['central','local_region','local_city','local_capital','provider']"
    session.execute(text(f"""
        INSERT INTO agencies (code, kind, name_kk, name_ru, short_kk, short_ru, email, phone,
                              is_active, created_at, updated_at)
        SELECT 'b' || g, ({kinds})[1 + g % 5], 'Орган ' || g, 'Орган ' || g, '', '',
               'body' || g || '@gov.kz',
               CASE WHEN g % 5 = 0 THEN '+7 701 ' || lpad(g::text, 7, '0') ELSE '' END,
               true, now(), now()
        FROM generate_series(1, :n) AS g"""), {"n": bodies})
    session.execute(text("""
        INSERT INTO responsible_persons (agency_id, full_name, position_kk, position_ru, phone,
                                         email, appointed_on, created_at, updated_at)
        SELECT id, 'Жауапты ' || id, '', '', '', 'person' || id || '@gov.kz', DATE '2025-01-01',
               now(), now()
        FROM agencies WHERE code LIKE 'b%'"""))
    session.commit()


def _timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _data(start):  # type: ignore[no-untyped-def]
    return {"scope": OutageScope.FULL, "works_kind": WorksKind.EQUIPMENT,
            "systems": "Электрондық үкімет шлюзі", "description_kk": "Жабдықты ауыстыру.",
            "description_ru": "Замена оборудования.", "starts_at": start,
            "ends_at": start + timedelta(hours=4)}


def _bare_outage(session, n: int) -> tuple[Outage, OutageVersion]:  # type: ignore[no-untyped-def]
    """An outage and its first version, committed, with nothing queued yet."""
    now = utcnow()
    outage = Outage(version=1, scope=OutageScope.FULL, works_kind=WorksKind.OTHER,
                    systems=f"bench {n}", description_kk="—", description_ru="—",
                    starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=3))
    session.add(outage)
    session.flush()
    version = OutageVersion(outage=outage, version=1, action=VersionAction.REGISTERED,
                            starts_at=outage.starts_at, ends_at=outage.ends_at)
    session.add(version)
    session.commit()
    return outage, version


def _one_run(session, n: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Time each step once (seconds)."""
    outage, version = _bare_outage(session, n)
    out: dict[str, float] = {}
    out["collect recipients"], found = _timed(
        lambda: alerts.current_recipients(session, date.today()))

    def queue_and_commit() -> int:
        queued = alerts.queue_notices(session, outage, version, found)
        session.commit()
        return queued

    out["queue 1 version + commit"], queued = _timed(queue_and_commit)
    assert queued == len(found), (queued, len(found))
    out["retried queueing (0 new) + commit"], again = _timed(queue_and_commit)
    assert again == 0
    out["register_outage end to end + commit"], _o = _timed(lambda: (register_outage(
        session, None, _data(utcnow() + timedelta(days=2, hours=n))), session.commit()))
    return out


def run(database_url: str, recipients: int, runs: int) -> None:
    """Seed, then time each step ``runs`` times and print the figures."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        session = db.session
        _seed(session, recipients)
        found = alerts.current_recipients(session, date.today())
        print(f"recipients: {len(found)} ({sum(r.channel == 'sms' for r in found)} by SMS)")
        results = [_one_run(session, n) for n in range(runs)]
        total = session.scalar(select(func.count()).select_from(OutboxMessage))
        print(f"outbox rows: {total} ({runs} x 2 outages x {len(found)} recipients)")
    for label in results[0]:
        values = [r[label] for r in results]
        print(f"{label:38s} median {statistics.median(values):.3f} s  "
              f"(min {min(values):.3f}, max {max(values):.3f})")
    median = statistics.median(r["queue 1 version + commit"] for r in results)
    print(f"target: queueing {len(found)} alerts < 1 s -> {'OK' if median < 1.0 else 'TOO SLOW'}")


def main() -> None:
    """Parse arguments, run on a throw-away database, drop it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    server = os.environ.get("BENCH_DATABASE_URL",
                            "postgresql://postgres@127.0.0.1:5432/postgres")
    url, name = _create_database(server)
    try:
        migrate.upgrade(url)
        run(url, args.recipients, args.runs)
    finally:
        # FORCE ends the app's pooled connections.
        with psycopg.connect(_admin(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
