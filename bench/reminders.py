"""Benchmark: how late do reminders fire? (issue #4: "within 2 s of their scheduled time")

Starts a real ``portal worker`` (RQ worker with its scheduler) as a subprocess against a
fresh database, a real SMTP server (aiosmtpd) in this process, opens N obligations whose
deadlines fall a few seconds ahead, runs the planner once (it schedules one RQ job per
moment with ``enqueue_at``), and measures for each reminder:
- queued lateness: outbox row created - scheduled moment;
- delivered lateness: handed to SMTP - scheduled moment.

Usage: python bench/reminders.py [--n 60] [--spread 30] [--lead 8]
Env: BENCH_DATABASE_URL (a server URL whose user may create databases; default
postgresql://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (default
redis://127.0.0.1:6379/14).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app, migrate  # noqa: E402
from portal.auth.models import User  # noqa: E402
from portal.db import db, utcnow  # noqa: E402
from portal.notify.models import OutboxMessage, OutboxStatus  # noqa: E402
from portal.obligations import engine  # noqa: E402
from portal.obligations.models import Obligation  # noqa: E402
from portal.security import Role  # noqa: E402

WARM_WORKER = (
    "from portal import create_app; from jobs.reminders import warm_up; "
    "from jobs.worker import run_worker; app = create_app(); warm_up(app); run_worker(app)"
)


class Sink:
    """SMTP handler counting what arrives."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _create_database(server: str) -> tuple[str, str]:
    name = f"bench_reminders_{uuid.uuid4().hex[:8]}"
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False), name


def _drop_database(server: str, name: str) -> None:
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seed(n: int, lead: float, spread: float, burst: int) -> tuple[list[int], list[int]]:
    """One UCC manager; N obligations due lead..lead+spread s from now, ``burst`` more all
    due at one moment in the middle (as stage reminders all fall at 09:00)."""
    session = db.session
    session.add(User(username="bench-manager", full_name="Bench Manager", role=Role.UCC_MANAGER,
                     email="manager@bench.kz", password_hash="-", locale="kk"))
    start = utcnow() + timedelta(seconds=lead)
    moments = [start + timedelta(seconds=spread * i / max(n - 1, 1)) for i in range(n)]
    middle = start + timedelta(seconds=spread / 2 + 0.37)
    groups: tuple[list[int], list[int]] = ([], [])
    for i, (due, group) in enumerate([(m, 0) for m in moments] + [(middle, 1)] * burst):
        ob = engine.open_obligation(session, rule_key="email_appeal_answer",
                                    trigger_at=utcnow(), subject_type="appeal", subject_id=i + 1,
                                    agency_id=None, due_at=due)
        groups[group].append(ob.id)
    session.commit()
    return groups


def _percentiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return (f"p50 {statistics.median(values):6.3f} s   p95 {p95:6.3f} s   "
            f"max {values[-1]:6.3f} s   min {values[0]:6.3f} s")


def _report(title: str, ids: list[int]) -> None:
    rows = db.session.execute(
        select(OutboxMessage.created_at, OutboxMessage.sent_at, Obligation.due_at)
        .join(Obligation, OutboxMessage.key.like(func.concat("escalation:", Obligation.id, ":%")))
        .where(Obligation.id.in_(ids))).all()
    queued = [(c - d).total_seconds() for c, _s, d in rows]
    sent = [(s - d).total_seconds() for _c, s, d in rows]
    print(f"-- {title}: {len(rows)} reminders")
    print(f"   queued lateness    {_percentiles(queued)}")
    print(f"   delivered lateness {_percentiles(sent)}")
    print(f"   within 2 s: {sum(1 for x in queued if x <= 2.0)}/{len(rows)} queued, "
          f"{sum(1 for x in sent if x <= 2.0)}/{len(rows)} delivered; "
          f"{sum(1 for x in queued if x < 0)} fired early")


def _wait_for(n: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        db.session.rollback()
        sent = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.status == OutboxStatus.SENT))
        if sent >= n:
            return
        time.sleep(0.5)
    raise SystemExit(f"timed out: not all {n} reminders were delivered")


def main() -> None:
    """Run the benchmark and print lateness figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="reminders to schedule")
    parser.add_argument("--spread", type=float, default=30.0, help="seconds they spread over")
    parser.add_argument("--lead", type=float, default=8.0, help="seconds before the first")
    parser.add_argument("--burst", type=int, default=0,
                        help="also this many reminders due at one and the same moment")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--warm", action="store_true",
                        help="warm the worker's caches before it forks (jobs.reminders.warm_up)")
    args = parser.parse_args()

    server = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    database_url, name = _create_database(server)
    queue_name = f"bench-{uuid.uuid4().hex[:8]}"
    sink = Sink()
    port = _free_port()
    smtp = Controller(sink, hostname="127.0.0.1", port=port)
    smtp.start()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "RQ_QUEUE": queue_name, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
           "SECRET_KEY": "bench-only", "PORTAL_DEV": "1"}
    workers: list[subprocess.Popen] = []
    app = None
    try:
        migrate.upgrade(database_url)
        app = create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url,
                          "RQ_QUEUE": queue_name, "SECRET_KEY": "bench-only",
                          "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "TESTING": True})
        cmd = [sys.executable, "-m", "portal", "worker"]
        if args.warm:  # what `portal worker` does, after jobs.reminders.warm_up(app)
            cmd = [sys.executable, "-c", WARM_WORKER]
        workers = [subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for _ in range(args.workers)]
        time.sleep(3 + 2 * args.workers)  # let the workers and the scheduler start
        import jobs
        from jobs.reminders import plan_reminders

        jobs.set_app(app)
        with app.app_context():
            spread_ids, burst_ids = _seed(args.n, args.lead, args.spread, args.burst)
            t0 = time.monotonic()
            planned = plan_reminders(horizon_seconds=int(args.lead + args.spread + 60))
            print(f"planner: {planned} in {time.monotonic() - t0:.2f} s")
            _wait_for(args.n + args.burst, time.monotonic() + args.lead + args.spread + 120)
            mode = "warmed up" if args.warm else "portal worker as is"
            print(f"{args.workers} worker(s), {mode}; SMTP received {sink.count}")
            _report(f"{args.n} spread over {args.spread:.0f} s", spread_ids)
            if burst_ids:
                _report(f"{args.burst} due at one moment", burst_ids)
    finally:
        for worker in workers:  # only the processes this benchmark started
            worker.terminate()
            worker.wait(30)
        smtp.stop()
        redis = Redis.from_url(redis_url)
        for key in redis.scan_iter(f"*{queue_name}*"):
            redis.delete(key)
        if app is not None:
            db.engine_for(app).dispose()
        _drop_database(server, name)


if __name__ == "__main__":
    main()
