"""Embedded PostgreSQL and Valkey: real servers started, used, stopped and checked gone."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest
import redis
import sqlalchemy as sa

from portal import embedded
from portal.embedded import (
    DEFAULT_VALKEY_PORT,
    HOST,
    EmbeddedError,
    EmbeddedHandle,
    start_postgres,
    start_valkey,
    temporary_services,
)

# The child a signal test kills: it starts both servers and reports their pids.
OWNER = """
import json, sys, time
from pathlib import Path
from portal.embedded import EmbeddedServices
with EmbeddedServices(Path(sys.argv[1]), durable=False) as s:
    print(json.dumps({"pids": [s.postgres.pid, s.valkey.pid],
                      "ports": [s.postgres.port, s.valkey.port]}), flush=True)
    time.sleep(60)
"""

@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A directory outside pytest's own.

    A concurrently starting pytest run chmods /tmp/pytest-of-<user> to 0700, which masks
    the ACL entry that lets the ``embedded_postgres`` account (root runs) enter it.
    """
    base = Path(tempfile.mkdtemp(prefix="portal-embedded-test-"))
    base.chmod(0o711)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def _gone(pid: int, timeout: float = 0.0) -> bool:
    """Whether `pid` exits within `timeout` (a zombie no init reaps counts as exited)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def _port_closed(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) != 0


def _assert_stopped(*handles: EmbeddedHandle) -> None:
    for handle in handles:
        assert not handle.running
        assert _gone(handle.pid)
        assert _port_closed(handle.port)


def test_services_serve_queries_and_stop_without_leftover_processes() -> None:
    with temporary_services() as services:
        pg, vk = services.postgres, services.valkey
        assert pg is not None and vk is not None
        assert pg.url.startswith("postgresql+psycopg://postgres:")
        assert pg.url.endswith(f"@{HOST}:{pg.port}/portal") and pg.port != 5432
        assert services.environ == {"DATABASE_URL": services.database_url,
                                    "REDIS_URL": services.redis_url}
        assert (services.database_url, services.redis_url) == (pg.url, vk.url)
        engine = sa.create_engine(pg.url)
        with engine.connect() as conn:
            row = conn.execute(sa.text(
                "SELECT current_database(), current_setting('server_encoding'),"
                " host(inet_server_addr()), lower('ҚАЗАҚСТАН Ё'), upper('өңір')")).one()
        engine.dispose()
        assert tuple(row) == ("portal", "UTF8", HOST, "қазақстан ё", "ӨҢІР")
        client = redis.Redis.from_url(vk.url)
        client.set("greeting", "сәлем")
        assert client.get("greeting") == "сәлем".encode()
        client.close()
    _assert_stopped(pg, vk)
    pg.stop()  # stopping twice is harmless
    vk.stop()


def test_servers_refuse_clients_without_the_password() -> None:
    with temporary_services() as services:
        assert services.postgres is not None and services.valkey is not None
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(f"postgresql://postgres@{HOST}:{services.postgres.port}/portal",
                            connect_timeout=5)
        anonymous = redis.Redis(host=HOST, port=services.valkey.port, retry=None)
        with pytest.raises(redis.AuthenticationError):
            anonymous.ping()
        anonymous.close()


# tmp_path sits under 0700 directories: as root this also proves the ACL grant works.
def test_restart_keeps_data_and_clears_stale_files(tmp_path: Path) -> None:
    pgdata = tmp_path / "pgdata"
    first = start_postgres(pgdata, durable=False)
    try:
        assert first.initialized
        with pytest.raises(EmbeddedError, match="already runs"):
            start_postgres(pgdata, durable=False)
        with psycopg.connect(first.dsn) as conn:
            conn.execute("CREATE TABLE note (body text)")
            conn.execute("INSERT INTO note VALUES ('сақталды')")
    finally:
        first.stop()
    _assert_stopped(first)
    # What a crash leaves: embedded-postgres' handle list naming dead processes, and
    # a postmaster.pid whose pid now belongs to an unrelated live program.
    (pgdata / ".handle_pids.json").write_text(json.dumps([first.pid, 2**22 + 1]))
    with subprocess.Popen(["sleep", "30"]) as stranger:
        lines = [str(stranger.pid), str(pgdata), "1700000000", str(first.port), "",
                 HOST, "0 0", "ready"]
        (pgdata / "postmaster.pid").write_text("\n".join(lines) + "\n")
        second = start_postgres(pgdata, durable=False)
        stranger.kill()
    try:
        assert not second.initialized
        assert not (pgdata / ".handle_pids.json").exists()
        with psycopg.connect(second.dsn) as conn:
            assert conn.execute("SELECT body FROM note").fetchone() == ("сақталды",)
    finally:
        second.stop()
    _assert_stopped(second)


def test_busy_default_port_is_skipped_and_busy_explicit_port_refused(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        # SO_REUSEADDR so that connections of an earlier test in TIME_WAIT do not stop us.
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            squatter.bind((HOST, DEFAULT_VALKEY_PORT))
            squatter.listen()
        except OSError:
            pass  # already busy, which is what this test needs anyway
        handle = start_valkey(tmp_path / "valkey")
        try:
            assert handle.port != DEFAULT_VALKEY_PORT
            assert redis.Redis.from_url(handle.url).ping()
        finally:
            handle.stop()
        with pytest.raises(EmbeddedError, match="already in use"):
            start_valkey(tmp_path / "valkey", port=DEFAULT_VALKEY_PORT)
    _assert_stopped(handle)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL],
                         ids=lambda s: s.name)
def test_owner_killed_by_signal_leaves_no_server_running(tmp_path: Path,
                                                         sig: signal.Signals) -> None:
    # The child must import the same portal package as we do, however we found it.
    paths = [str(Path(embedded.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
    owner = subprocess.Popen([sys.executable, "-c", OWNER, str(tmp_path)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert owner.stdout is not None
    line = owner.stdout.readline()
    if not line:
        owner.wait(10)
        pytest.fail(f"owner failed to start servers:\n{owner.stderr.read()}")
    started = json.loads(line)
    owner.send_signal(sig)
    owner.communicate(timeout=30)
    if sig is signal.SIGKILL:
        assert owner.returncode == -signal.SIGKILL
    else:  # a clean shutdown through the with block, not a bare signal death
        # Python ends an uncaught KeyboardInterrupt by re-raising SIGINT on itself.
        assert owner.returncode == (-sig if sig is signal.SIGINT else 128 + sig)
        log = (tmp_path / "pgdata" / "postgres.log").read_text()
        assert "received fast shutdown request" in log
        assert "database system is shut down" in log
    # After SIGKILL the kernel's parent-death signal is what stops them.
    assert all(_gone(pid, timeout=15) for pid in started["pids"])
    assert all(_port_closed(port) for port in started["ports"])
