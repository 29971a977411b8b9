"""The appeals dashboard: server-rendered SVG charts, each bar a link to the filtered list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from portal.agencies.models import Region
from portal.appeals import bp, queries
from portal.appeals.models import Appeal, Channel, Character
from portal.db import db
from portal.i18n import localized
from portal.security import Role, roles_required
from portal.timeutil import local_today

DASHBOARD_ROLES = (Role.ADMIN, Role.UCC_MANAGER, Role.QC_STAFF, Role.INFORMATIZATION_STAFF)
MONTHS = 12


@dataclass
class Chart:
    """Geometry of one chart, ready for the SVG template."""

    title: str
    kind: str  # "columns" (months) or "bars" (categories)
    items: list[dict[str, Any]]
    width: int
    height: int
    empty: bool


def _month_label(key: str) -> str:
    year, month = (int(p) for p in key.split("-"))
    return format_date(date(year, month, 1), "LLL yy")


def column_chart(title: str, points: list[tuple[str, float | None, str, str]],
                 max_value: float | None = None, fmt: str = "{:.0f}") -> Chart:
    """Vertical columns: (label, value, link, tooltip) per point; None draws no column."""
    width, height, top, bottom = 640, 220, 18, 34
    step = width / max(len(points), 1)
    peak = max_value or max((v or 0 for _l, v, _u, _t in points), default=0) or 1
    items = []
    for i, (label, value, url, tip) in enumerate(points):
        h = 0 if value is None else (height - top - bottom) * value / peak
        items.append({"x": round(i * step + step * 0.15, 1), "w": round(step * 0.7, 1),
                      "y": round(height - bottom - h, 1), "h": round(h, 1), "label": label,
                      "value": "" if value is None else fmt.format(value), "url": url,
                      "tip": tip, "cx": round(i * step + step / 2, 1)})
    return Chart(title, "columns", items, width, height,
                 all(not v for _l, v, _u, _t in points))


def bar_chart(title: str, bars: list[tuple[str, float, str]], fmt: str = "{:.0f}",
              max_value: float | None = None) -> Chart:
    """Horizontal bars: (label, value, link) per bar, largest first."""
    row, label_w, width = 22, 290, 640
    peak = max_value or max((v for _l, v, _u in bars), default=0) or 1
    items = [{"y": i * row, "w": round((width - label_w - 60) * v / peak, 1), "label": label,
              "value": fmt.format(v), "url": url, "x": label_w}
             for i, (label, v, url) in enumerate(bars)]
    return Chart(title, "bars", items, width, max(row * len(bars), row), not bars)


def _list_url(month: str, **args: Any) -> str:
    return url_for("appeals.index", month=month, **args)


def _charts(month: str, today: date) -> list[Chart]:
    session, viewer = db.session, current_user
    monthly = queries.by_month(session, viewer, MONTHS, today)
    regions = {r.code: localized(r, "name") for r in session.query(Region).all()}
    by_region = queries.counts_by(session, viewer, Appeal.region_code, month)
    by_channel = queries.counts_by(session, viewer, Appeal.channel, month)
    by_character = queries.counts_by(session, viewer, Appeal.character, month)
    rating = queries.rating_by_month(session, MONTHS, today)
    per_operator = queries.rating_by_operator(session, month)
    return [
        column_chart(_("Appeals by month"), [
            (_month_label(m), n, _list_url(m), f"{m}: {n}") for m, n in monthly]),
        bar_chart(_("By region"), [
            (regions.get(code, code) if code else _("Region not given"), n,
             _list_url(month, region=code) if code else _list_url(month))
            for code, n in by_region]),
        bar_chart(_("By channel"), [
            (Channel(c).label, n, _list_url(month, channel=Channel(c).value))
            for c, n in by_channel]),
        bar_chart(_("By character"), [
            (Character(c).label, n, _list_url(month, character=Character(c).value))
            for c, n in by_character]),
        column_chart(_("Average rating by month (1-5)"), [
            (_month_label(m), avg, _list_url(m), f"{m}: {avg or 0:.2f} ({n})")
            for m, avg, n in rating], max_value=5, fmt="{:.2f}"),
        bar_chart(_("Average rating by operator"), [
            (f"{u.full_name} ({n})", avg, _list_url(month, operator_id=u.id))
            for u, avg, n in per_operator], fmt="{:.2f}", max_value=5),
    ]


@bp.route("/dashboard")
@roles_required(*DASHBOARD_ROLES)
def dashboard():
    """Appeals by month, region, channel and character; ratings by month and operator."""
    today = local_today()
    months = [m for m, _n in queries.by_month(db.session, current_user, MONTHS, today)]
    month = request.args.get("month", "")
    if month not in months:
        month = months[-1]
    return render_template("appeals/dashboard.html", charts=_charts(month, today), month=month,
                           months=list(reversed(months)), month_label=_month_label)
