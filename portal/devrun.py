"""``portal run``: everything a newcomer needs, in one process tree that Ctrl-C stops.

Starts embedded PostgreSQL/Valkey when DATABASE_URL/REDIS_URL are unset, applies
migrations, loads the demo data into an empty database, then serves the web app
and runs an RQ worker (with its scheduler) and the cron scheduler as children.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from portal.config import ROOT

LOGINS_FILE = "demo-logins.json"


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A child ``portal`` command in its own session (we stop it ourselves, in order)."""
    return subprocess.Popen([sys.executable, "-m", "portal", *args], env=env, cwd=ROOT,
                            start_new_session=True)


def _stop_children(children: list[subprocess.Popen[bytes]], timeout: float = 10.0) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _prepare_database(data_dir: Path) -> list[dict[str, str]]:
    """Migrate, seed an empty database, and return the demo logins to print."""
    from portal import create_app, migrate
    from portal.db import db

    app = create_app()
    url = app.config["DATABASE_URL"]
    logins_path = data_dir / LOGINS_FILE
    with app.app_context():
        fresh = migrate.is_empty(db.engine)
    migrate.upgrade(url)
    if fresh:
        from portal.demo.seed import seed_demo

        click.echo("Empty database: loading the demo dataset…")
        with app.app_context():
            logins = seed_demo()
        logins_path.write_text(json.dumps(logins, ensure_ascii=False, indent=1))
        logins_path.chmod(0o600)
    db.engine_for(app).dispose()
    if logins_path.exists():
        return json.loads(logins_path.read_text())
    return []


def run_dev(host: str, port: int, with_worker: bool = True) -> int:
    """Run the development stack until Ctrl-C or SIGTERM; returns the exit code."""
    from portal.embedded import EmbeddedServices

    # Ctrl-C must always stop us, even when started in the background by a script
    # (non-interactive shells start background jobs with SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.environ.setdefault("PORTAL_DEV", "1")
    data_dir = Path(os.environ.setdefault("PORTAL_DATA_DIR", str(Path.cwd() / "var")))
    data_dir.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    children: list[subprocess.Popen[bytes]] = []
    with EmbeddedServices.for_environ(data_dir) as services:
        os.environ.update(services.environ)
        try:
            logins = _prepare_database(data_dir)
            from portal import create_app
            from portal.demo.seed import print_logins

            app = create_app()
            env = dict(os.environ)
            if with_worker:
                children.append(_spawn(["worker"], env))
                children.append(_spawn(["cron"], env))
            from werkzeug.serving import make_server

            server = make_server(host, port, app, threaded=True)
            click.echo(f"\nThe portal is running at http://{host}:{port}/ "
                       f"(ready in {time.monotonic() - began:.1f} s). Ctrl-C stops everything.")
            print_logins(logins)
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("\nStopping…")
        finally:
            _stop_children(children)
    return 0
