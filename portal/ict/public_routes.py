"""The public page of coming planned outages, with RSS and iCalendar feeds (cl. 38)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, make_response, render_template, request, url_for
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from portal.db import db, get_or_404, utcnow
from portal.i18n import LOCALES, current_locale
from portal.ict import feeds, public_bp, queries
from portal.ict.models import Outage
from portal.security import public

FEED_CACHE_SECONDS = 300


def _title(o: Outage) -> str:
    """"eGov, ЕНИС: 12.05.2026 22:00 – 13.05.2026 02:00" in the reader's language."""
    when = f"{format_datetime(o.starts_at, 'short')} – {format_datetime(o.ends_at, 'short')}"
    prefix = _("Cancelled") + ": " if o.is_cancelled else ""
    return f"{prefix}{o.systems.splitlines()[0][:120]}: {when}"


def _link(o: Outage) -> str:
    return url_for("ict_public.outage", outage_id=o.id, _external=True)


@public_bp.route("")
@public
def index():
    """Coming and ongoing planned outages, for anyone (no login)."""
    now = utcnow()
    return render_template("ict/public.html", outages=queries.upcoming_outages(db.session, now),
                           now=now)


@public_bp.route("/<int:outage_id>")
@public
def outage(outage_id: int):
    """One planned outage, as announced (cancelled ones say so)."""
    item: Outage = get_or_404(Outage, outage_id)
    # E-mails link here with ?lang= for the other language's version of the notice.
    with force_locale(_feed_locale()):
        return render_template("ict/public_outage.html", outage=item, now=utcnow())


@public_bp.route("/feed.rss")
@public
def rss():
    """RSS 2.0 of coming outages (a changed outage gets a new guid: readers see the update)."""
    now = utcnow()
    with force_locale(_feed_locale()):
        body = feeds.rss(
            queries.upcoming_outages(db.session, now),
            title=_("Planned outages of e-government ICT services"),
            link=url_for("ict_public.index", _external=True),
            description=_("Announced at least 24 hours ahead (Rules No. 83, cl. 38)."),
            language=current_locale(), item_link=_link, item_title=_title, now=now)
    return _feed(body, "application/rss+xml; charset=utf-8")


def _feed_locale() -> str:
    """Feed readers send no language: ``?lang=ru`` picks one, Kazakh otherwise."""
    lang = request.args.get("lang", "")
    return lang if lang in LOCALES else current_locale()


@public_bp.route("/feed.ics")
@public
def ical():
    """iCalendar of coming outages, cancelled ones included so calendars drop them."""
    now = utcnow()
    outages = queries.upcoming_outages(db.session, now, include_cancelled=True)
    domain = urlsplit(current_app.config.get("PORTAL_BASE_URL", "")).hostname or request.host
    with force_locale(_feed_locale()):
        body = feeds.ical(outages, name=_("Planned outages"), domain=domain, item_link=_link,
                          summary=_title, now=now)
    response = _feed(body, "text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="outages.ics"'
    return response


def _feed(body: str, content_type: str):  # type: ignore[no-untyped-def]
    response = make_response(body)
    response.headers["Content-Type"] = content_type
    response.headers["Cache-Control"] = f"public, max-age={FEED_CACHE_SECONDS}"
    return response

