"""`portal calendar ...`: working-day arithmetic for admins and scripts (DB overrides included)."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask
from flask.cli import with_appcontext

calendar_group = click.Group("calendar", help="Kazakhstan production calendar.")


def _calendar():  # type: ignore[no-untyped-def]
    from portal.calendar.services import load_calendar
    from portal.db import db

    return load_calendar(db.session)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(f"{value!r} is not a date like 2026-03-20") from err


@calendar_group.command("add-working-days")
@click.argument("day")
@click.argument("n", type=click.IntRange(min=0))
@with_appcontext
def add_working_days(day: str, n: int) -> None:
    """Print the N-th working day after DAY (ISO), e.g. `2026-03-20 5` -> 2026-04-01."""
    click.echo(_calendar().add_working_days(_day(day), n).isoformat())


@calendar_group.command("next-working-day")
@click.argument("day")
@with_appcontext
def next_working_day(day: str) -> None:
    """Print the first working day after DAY."""
    click.echo(_calendar().next_working_day(_day(day)).isoformat())


@calendar_group.command("is-working-day")
@click.argument("day")
@with_appcontext
def is_working_day(day: str) -> None:
    """Print yes/no; the exit status is 0 for a working day and 1 for a day off."""
    working = _calendar().is_working_day(_day(day))
    click.echo("yes" if working else "no")
    raise SystemExit(0 if working else 1)


@calendar_group.command("nth-day-of-next-month")
@click.argument("day")
@click.argument("n", type=click.IntRange(min=1, max=31))
@click.option("--roll-forward", is_flag=True, help="Move a day off to the next working day.")
@with_appcontext
def nth_day_of_next_month(day: str, n: int, roll_forward: bool) -> None:
    """Print day N of the month after DAY's month ("by the 5th of each month", cl. 31)."""
    try:
        result = _calendar().nth_day_of_next_month(_day(day), n, roll_forward=roll_forward)
    except ValueError as err:
        raise click.BadParameter(str(err)) from err
    click.echo(result.isoformat())


def register(app: Flask) -> None:
    """Attach `portal calendar` to the app's CLI."""
    app.cli.add_command(calendar_group)
