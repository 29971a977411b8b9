"""The pool's liveness check (portal.db.Liveness), on a real PostgreSQL server: a live
connection is reused without a round trip; one the server ended is replaced before the
statement that needs it runs; one idle too long is pinged."""

from __future__ import annotations

import select
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from portal.db import Liveness


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = create_engine(database_url, pool_size=1, max_overflow=0)
    yield eng
    eng.dispose()


@pytest.fixture
def pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every round-trip ping the check sends, with its outcome."""
    sent: list[bool] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_conn):  # type: ignore[no-untyped-def]
        try:
            ok = ping(dbapi_conn)
        except Exception:
            sent.append(False)
            raise
        sent.append(ok)
        return ok

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return sent


def backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def terminate(engine: Engine, database_url: str, pid: int) -> None:
    """End the pooled connection's backend from outside, as a server restart would."""
    admin = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        assert conn.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]
    # The server's FATAL message reaches the idle pooled socket.
    pooled = engine.pool._pool.queue[0].dbapi_connection  # type: ignore[attr-defined]
    assert select.select([pooled.fileno()], [], [], 5)[0]


def test_a_live_connection_is_reused_without_a_round_trip(engine, pings):
    Liveness(engine, ping_idle=30)
    first = backend_pid(engine)
    assert [backend_pid(engine) for _ in range(3)] == [first] * 3
    assert pings == []


def test_a_connection_the_server_ended_is_replaced_before_use(engine, pings, database_url):
    Liveness(engine, ping_idle=30)
    first = backend_pid(engine)
    terminate(engine, database_url, first)
    second = backend_pid(engine)  # no error reaches the caller
    assert second != first
    assert pings == [False]  # the readable socket was checked, the ping failed
    assert backend_pid(engine) == second and pings == [False]


def test_a_connection_idle_too_long_is_pinged(engine, pings):
    Liveness(engine, ping_idle=0)
    first = backend_pid(engine)
    assert backend_pid(engine) == first
    assert pings == [True]


def test_without_the_check_the_ended_connection_fails_the_statement(engine, database_url):
    """What the check prevents (so the test above proves something)."""
    from sqlalchemy.exc import OperationalError

    first = backend_pid(engine)
    terminate(engine, database_url, first)
    with pytest.raises(OperationalError):
        backend_pid(engine)
