"""The ``portal`` command line (also available as ``flask --app wsgi ...``)."""

from __future__ import annotations

import importlib
import os
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext


def _create_app() -> Flask:
    from portal import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """1414 Unified Contact Center interaction portal."""


@main.command("run", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not start the RQ worker and scheduler.")
def run_command(host: str, port: int, no_worker: bool) -> None:
    """Start the portal for development: embedded services, migrations, demo data, worker."""
    from portal.devrun import run_dev

    sys.exit(run_dev(host, port, with_worker=not no_worker))


# --- commands that need the app (registered on app.cli, so both CLIs see them) ---

db_group = click.Group("db", help="Database migrations (Alembic).")


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations (default: all)."""
    from portal import migrate

    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database upgraded to {revision}.")


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations (default: the last one; 'base' for all)."""
    from portal import migrate

    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database downgraded to {revision}.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (then read and edit it)."""
    from portal import migrate

    migrate.revision(current_app.config["DATABASE_URL"], message)


@click.command("seed-demo")
@click.option("--password", default=None, help="One password for every demo user "
              "(default: a random one per user, printed).")
@with_appcontext
def seed_demo_command(password: str | None) -> None:
    """Load the demo dataset into an empty database and print the demo logins."""
    from portal.demo.seed import print_logins, seed_demo

    if not current_app.config["PORTAL_DEV"] and not current_app.config["TESTING"] \
            and os.environ.get("PORTAL_ALLOW_DEMO") != "1":
        raise click.ClickException("Refusing to load demo data outside development "
                                   "(set PORTAL_ALLOW_DEMO=1 to insist).")
    logins = seed_demo(password=password)
    print_logins(logins)


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(
    ["admin", "ucc_manager", "ucc_operator", "qc_staff", "informatization_staff",
     "agency_responsible", "ici_operator"]))
@click.option("--full-name", required=True)
@click.option("--email", default="")
@click.option("--agency", "agency_code", default=None, help="Agency code (agency-bound roles).")
@click.option("--locale", default="kk", type=click.Choice(["kk", "ru"]))
@click.password_option()
@with_appcontext
def create_user_command(username: str, role: str, full_name: str, email: str,
                        agency_code: str | None, locale: str, password: str) -> None:
    """Create a user account."""
    from sqlalchemy import select

    from portal.agencies.models import Agency
    from portal.auth.services import create_user
    from portal.db import db
    from portal.errors import DomainError

    agency_id = None
    if agency_code:
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise click.ClickException(f"Unknown agency code {agency_code!r}.")
        agency_id = agency.id
    try:
        user = create_user(db.session, None, {
            "username": username, "full_name": full_name, "email": email, "role": role,
            "agency_id": agency_id, "locale": locale}, password)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    db.session.commit()
    click.echo(f"Created user {user.username} ({user.role.value}).")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Process what is queued, then exit.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker with its scheduler for the portal queue."""
    from jobs.worker import run_worker

    run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]


@click.command("cron")
@with_appcontext
def cron_command() -> None:
    """Run the scheduler of periodic jobs (reminders, monthly reports, ...)."""
    from jobs.schedule import run_cron

    run_cron(current_app._get_current_object())  # type: ignore[attr-defined]


translate_group = click.Group("translate", help="Message catalogs (kk, ru).")


@translate_group.command("update")
@click.option("--domain", "domains", multiple=True, help="Only this catalog (repeatable).")
def translate_update(domains: tuple[str, ...]) -> None:
    """Extract messages from code and templates and merge them into the catalogs."""
    from portal.i18n_tools import update_catalogs

    for line in update_catalogs(domains):
        click.echo(line)


@translate_group.command("compile")
def translate_compile() -> None:
    """Compile the catalogs (also done automatically at start-up when stale)."""
    from portal.i18n import compile_catalogs

    click.echo(f"{compile_catalogs(force=True)} catalog(s) compiled.")


@translate_group.command("import")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False))
@click.option("--domain", "domains", multiple=True, help="Only this catalog (repeatable).")
def translate_import(sheet: str, domains: tuple[str, ...]) -> None:
    """Fill translations from a sheet: msgid<TAB>kk<TAB>ru per line."""
    from pathlib import Path

    from portal.i18n_tools import import_translations, read_tsv

    n = import_translations(read_tsv(Path(sheet)), domains)
    click.echo(f"{n} translation(s) set.")


main.add_command(translate_group)  # needs no database: works on a bare checkout


def register_app_commands(app: Flask) -> None:
    """Attach commands to ``app.cli`` (both ``portal`` and ``flask`` use them)."""
    for cmd in (db_group, seed_demo_command, create_user_command, worker_command, cron_command):
        app.cli.add_command(cmd)
    from portal import AREAS

    for area in AREAS:
        try:
            module = importlib.import_module(f"{area}.cli")
        except ModuleNotFoundError as exc:
            if exc.name != f"{area}.cli":
                raise
            continue
        module.register(app)
