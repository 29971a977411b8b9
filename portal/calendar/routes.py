"""Month view of the production calendar and the admins' overrides."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from portal.calendar import bp
from portal.calendar.forms import OverrideForm
from portal.calendar.models import DayOverride
from portal.calendar.services import list_overrides, load_calendar, remove_override, set_override
from portal.calendar.workdays import DayInfo
from portal.db import db, get_or_404
from portal.errors import DomainError
from portal.htmx import render_page
from portal.i18n import current_locale
from portal.security import ALL_ROLES, Role, roles_required
from portal.timeutil import local_today


def _parse_month(value: str | None) -> tuple[int, int]:
    """'2026-03' -> (2026, 3); anything else -> the current month."""
    try:
        year, month = (int(p) for p in (value or "").split("-", 1))
        if 1990 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    today = local_today()
    return today.year, today.month


def _shift(year: int, month: int, delta: int) -> str:
    index = year * 12 + month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _weeks(days: list[DayInfo]) -> list[list[DayInfo | None]]:
    """Monday-first rows of the month grid, padded with None."""
    cells: list[DayInfo | None] = [None] * days[0].day.weekday() + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]


def _render(year: int, month: int, form: OverrideForm | None = None, status: int = 200):
    locale = current_locale()
    days = load_calendar(db.session).month_days(year, month, locale)
    first = date(year, month, 1)
    response = render_page(
        "calendar/month.html", "calendar/_month.html",
        weeks=_weeks(days), days=days, title=format_date(first, "LLLL yyyy"),
        weekday_names=[format_date(date(2024, 1, 1 + i), "EEE") for i in range(7)],
        month=f"{year:04d}-{month:02d}", prev_month=_shift(year, month, -1),
        next_month=_shift(year, month, 1), year=year,
        overrides=list_overrides(db.session, year),
        form=form or OverrideForm(formdata=None, day=first),
        can_edit=current_user.role is Role.ADMIN, today=local_today())
    response.status_code = status
    return response


@bp.route("/")
@roles_required(*ALL_ROLES)
def month():
    """One month: working days, holidays with their kk/ru names, decree overrides."""
    return _render(*_parse_month(request.args.get("month")))


@bp.route("/overrides", methods=["POST"])
@roles_required(Role.ADMIN)
def add_override():
    """Record a decree moving a day; open working-day deadlines are recomputed."""
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            override, moved = set_override(db.session, current_user, form.day.data,
                                           form.working.data == "1", form.reason.data)
        except DomainError as err:
            db.session.rollback()
            getattr(form, err.field or "reason").errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Calendar exception saved. Deadlines moved: %(n)s.", n=moved), "success")
            return redirect(url_for("calendar.month", month=override.day.strftime("%Y-%m")),
                            code=303)
    shown = form.day.data or local_today()
    return _render(shown.year, shown.month, form, status=422)


@bp.route("/overrides/<int:override_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_override(override_id: int):
    """Remove an override; the package's calendar applies to that day again."""
    override = get_or_404(DayOverride, override_id)
    shown = override.day.strftime("%Y-%m")
    moved = remove_override(db.session, current_user, override)
    db.session.commit()
    flash(_("Calendar exception removed. Deadlines moved: %(n)s.", n=moved), "success")
    return redirect(url_for("calendar.month", month=shown), code=303)
