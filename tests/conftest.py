"""Test fixtures: real PostgreSQL and Redis/Valkey, savepoint isolation per test.

Services: ``TEST_DATABASE_URL`` (a server URL whose user may create databases) and
``TEST_REDIS_URL``; when unset, an embedded PostgreSQL and Valkey are started for
the session (a newcomer's laptop).  A fresh database is created and migrated once
per session and dropped at the end.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import jobs
from portal import create_app, migrate
from portal.db import db

#: Marks this run's Redis keys, so concurrent runs on one Redis never disturb each other.
RUN_TOKEN = f"{os.getpid()}{uuid.uuid4().hex[:4]}"



def _start_embedded(stack: ExitStack, need_pg: bool, need_redis: bool
                    ) -> tuple[str | None, str | None]:
    """Throw-away embedded servers (fsync off) for this test session."""
    from portal.embedded import temporary_services

    services = stack.enter_context(temporary_services(postgres=need_pg, valkey=need_redis))
    return services.database_url, services.redis_url


@pytest.fixture(scope="session")
def service_urls() -> Iterator[tuple[str, str]]:
    """(PostgreSQL server URL, Redis URL) — configured or embedded."""
    pg = os.environ.get("TEST_DATABASE_URL")
    redis_url = os.environ.get("TEST_REDIS_URL")
    with ExitStack() as stack:
        if not pg or not redis_url:
            emb_pg, emb_redis = _start_embedded(stack, need_pg=not pg,
                                                need_redis=not redis_url)
            pg = pg or emb_pg
            redis_url = redis_url or emb_redis
        assert pg and redis_url
        yield pg, redis_url


def _admin_conninfo(url: str) -> str:
    u = make_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def make_database(service_urls: tuple[str, str]) -> Iterator:
    """Factory: create an empty database on the test server; all are dropped at the end."""
    server = service_urls[0]
    created: list[str] = []

    def factory(prefix: str = "portal_test") -> str:
        name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(_admin_conninfo(server), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        created.append(name)
        url = make_url(server).set(drivername="postgresql+psycopg", database=name)
        return url.render_as_string(hide_password=False)

    yield factory
    with psycopg.connect(_admin_conninfo(server), autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(make_database) -> str:
    """A migrated database for the test session."""
    url = make_database()
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def redis_url(service_urls: tuple[str, str]) -> str:
    """Redis URL on a database number of its own (does not touch db 0)."""
    base = service_urls[1]
    return re.sub(r"/\d+$", "", base.rstrip("/")) + "/13"


@pytest.fixture(scope="session")
def shared_config(redis_url: str) -> dict[str, object]:
    """Settings every app built in a test run must share.

    Flask-Limiter's ``limiter`` is one object per process: the last app to
    ``init_app`` it decides its storage and prefix, so all test apps agree on them.
    """
    return {"TESTING": True, "REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": redis_url,
            "RATELIMIT_KEY_PREFIX": f"rl-{RUN_TOKEN}", "RATELIMIT_ENABLED": True,
            "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}


@pytest.fixture(scope="session")
def app(database_url: str, shared_config: dict[str, object],
        tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The application under test, configured like production (CSRF on)."""
    application = create_app({
        **shared_config,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "DATA_DIR": tmp_path_factory.mktemp("data"),
        "RQ_QUEUE": f"portal-test-{RUN_TOKEN}",
        # API search log entries written at once: a batch's timer thread must not share
        # the test transaction's connection (batching is tested on the live server).
        "KB_API_LOG_WAIT": 0,
    })
    jobs.set_app(application)
    return application


def _clear_run_keys(conn) -> None:  # type: ignore[no-untyped-def]
    """Forget this run's throttling counters and queued jobs between tests."""
    keys = list(conn.scan_iter(match=f"*{RUN_TOKEN}*", count=1000))
    if keys:
        conn.delete(*keys)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A DB session inside a transaction rolled back after the test."""
    connection = db.engine_for(app).connect()
    transaction = connection.begin()
    db.bind_connection(connection, app)
    from portal.queue import redis_conn

    _clear_run_keys(redis_conn(app))
    from portal.notify.outbox import reset_redis_backoff

    reset_redis_backoff()  # a previous test may have simulated a Redis outage
    # No app context stays pushed during the test: the test client's requests
    # must get their own context (and their own ``g``), as in production.
    sess = db.new_session(app)
    try:
        yield sess
    finally:
        sess.close()
        db.bind_connection(None, app)
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask, session: Session) -> FlaskClient:
    """A test client whose requests run in the test's transaction."""
    return app.test_client()


# --- browser tests: a real server thread on its own, really committed database ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


class LiveServer:
    """A running portal: ``url``, its ``app`` and a ``session()`` factory that commits."""

    def __init__(self, app: Flask, url: str) -> None:
        self.app = app
        self.url = url

    def session(self) -> Session:
        """A session on the live database; the caller commits and closes it."""
        return db.new_session(self.app)


@pytest.fixture(scope="session")
def live_server(make_database, shared_config: dict[str, object],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The portal served by werkzeug in a thread, on a freshly migrated database."""
    import threading

    from werkzeug.serving import make_server

    url = make_database("portal_live")
    migrate.upgrade(url)
    live_app = create_app({
        **shared_config, "DATABASE_URL": url, "SECRET_KEY": "live-secret",
        "DATA_DIR": tmp_path_factory.mktemp("live"), "RQ_QUEUE": f"portal-live-{RUN_TOKEN}",
    })
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(live_app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Headless Debian Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing on CI: install the Debian package 'chromium'")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser) -> Iterator:
    """A fresh browser page (own cookies) per test."""
    context = browser.new_context(locale="ru-RU", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
