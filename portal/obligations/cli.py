"""`portal rules ...`: keep the rules table in step with the rulebook data."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask
from flask.cli import with_appcontext

rules_group = click.Group("rules", help="The rulebook (deadline rules by act version).")


@rules_group.command("sync")
@with_appcontext
def sync() -> None:
    """Insert new rule versions from rulebook_data and update changed ones."""
    from portal.db import db
    from portal.obligations.rulebook import sync_rules

    result = sync_rules(db.session)
    db.session.commit()
    click.echo(f"Rules synced: {result['added']} added, {result['updated']} updated.")


@rules_group.command("list")
@click.option("--on", "on", default=None, help="Only versions in force on this date (ISO).")
@with_appcontext
def list_rules(on: str | None) -> None:
    """Print rule versions: key, act and clause, effective dates, term."""
    from sqlalchemy import select

    from portal.db import db
    from portal.obligations.models import Rule

    day = date.fromisoformat(on) if on else None
    for rule in db.session.scalars(select(Rule).order_by(Rule.key, Rule.effective_from)):
        if day is not None and not rule.is_in_force(day):
            continue
        until = rule.effective_to.isoformat() if rule.effective_to else "…"
        click.echo(f"{rule.key:36} No. {rule.act_number:7} cl. {rule.clause:3} "
                   f"{rule.effective_from.isoformat()}..{until:10} "
                   f"{rule.deadline_kind} {rule.deadline_value}")


def register(app: Flask) -> None:
    """Attach `portal rules` to the app's CLI."""
    app.cli.add_command(rules_group)
