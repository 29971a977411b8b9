"""The public page of planned outages and its RSS and iCalendar feeds; the regulation editor."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from sqlalchemy import select

from portal.db import utcnow
from portal.ict.feeds import _fold
from portal.ict.models import IctCategory, TimeBasis
from portal.ict.outages import cancel_outage, change_outage, register_outage
from portal.security import Role
from tests.factories import login, make_user, post
from tests.ict.conftest import outage_data


def _outages(app, session):
    now = utcnow()
    with app.app_context():
        coming = register_outage(session, None, outage_data(
            now + timedelta(days=2), systems="Е-лицензиялау жүйесі"), now=now)
        change_outage(session, None, coming, outage_data(
            now + timedelta(days=3), systems="Е-лицензиялау жүйесі"), now=now)
        dropped = register_outage(session, None, outage_data(
            now + timedelta(days=4), systems="Мемлекеттік органдардың интранет-порталы"),
            now=now)
        cancel_outage(session, None, dropped, "Жұмыстар қажет емес", now=now)
        past = register_outage(session, None, outage_data(
            now + timedelta(hours=1), hours=1, systems="Өткен үзіліс"), now=now - timedelta(days=2))
        past.starts_at, past.ends_at = now - timedelta(days=1), now - timedelta(hours=20)
    session.commit()
    return coming, dropped


def test_public_page_lists_coming_outages_without_login(app, session, client) -> None:
    coming, dropped = _outages(app, session)
    page = client.get("/outages", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert f'data-outage="{coming.id}"' in page and "Е-лицензиялау жүйесі" in page
    assert f'data-outage="{dropped.id}"' not in page and "Өткен үзіліс" not in page
    assert "Работы по обновлению" in page  # the description in the reader's language
    detail = client.get(f"/outages/{dropped.id}?lang=kk").get_data(as_text=True)
    assert "Жұмыстар қажет емес" in detail


def test_rss_feed_has_one_item_per_coming_outage_with_a_versioned_guid(app, session,
                                                                      client) -> None:
    coming, _dropped = _outages(app, session)
    resp = client.get("/outages/feed.rss?lang=ru")
    assert resp.headers["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(resp.data).find("channel")
    assert channel.findtext("language") == "ru"
    items = channel.findall("item")
    assert [i.findtext("guid") for i in items] == [f"outage-{coming.id}-v2"]
    assert items[0].findtext("link").endswith(f"/outages/{coming.id}")
    assert items[0].findtext("description") == "Работы по обновлению программного обеспечения."


def test_ical_feed_updates_and_cancels_events(app, session, client) -> None:
    coming, dropped = _outages(app, session)
    resp = client.get("/outages/feed.ics")
    assert resp.headers["Content-Type"].startswith("text/calendar")
    text = resp.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    unfolded = text.replace("\r\n ", "")
    events = unfolded.split("BEGIN:VEVENT")[1:]
    by_uid = {e.split("UID:")[1].split("\r\n")[0]: e for e in events}
    assert set(by_uid) == {f"outage-{coming.id}@127.0.0.1", f"outage-{dropped.id}@127.0.0.1"}
    first = by_uid[f"outage-{coming.id}@127.0.0.1"]
    assert "SEQUENCE:1" in first and "STATUS:CONFIRMED" in first
    assert f"DTSTART:{coming.starts_at.strftime('%Y%m%dT%H%M%SZ')}" in first
    assert "STATUS:CANCELLED" in by_uid[f"outage-{dropped.id}@127.0.0.1"]
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_folding_never_splits_a_character() -> None:
    line = "SUMMARY:" + "Жоспарланған үзіліс, " * 10
    folded = _fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line and all(len(p.encode()) <= 75 for p in parts)


def test_admin_edits_the_regulation(app, session, client) -> None:
    admin = make_user(session, Role.ADMIN)
    session.commit()
    login(client, admin)
    resp = post(client, "/ict/regulation/new", {
        "code": "security", "name_kk": "Ақпараттық қауіпсіздік", "name_ru": "Информационная "
        "безопасность", "time_basis": "calendar_hours", "reaction_hours": "0.25",
        "resolution_hours": "2.5", "position": "50", "active": "y"},
        token_from="/ict/regulation/new")
    assert resp.status_code == 303
    session.expire_all()
    cat = session.scalars(select(IctCategory).where(IctCategory.code == "security")).one()
    assert (cat.time_basis, cat.reaction_minutes, cat.resolution_minutes) == (
        TimeBasis.CALENDAR_HOURS, 15, 150)
    resp = post(client, f"/ict/regulation/{cat.id}", {
        "code": "security", "name_kk": "a", "name_ru": "b", "time_basis": "working_hours",
        "reaction_hours": "4", "resolution_hours": "2", "position": "50"},
        token_from=f"/ict/regulation/{cat.id}")
    assert resp.status_code == 200  # resolution shorter than reaction: refused, form shown
    session.expire_all()
    assert session.get(IctCategory, cat.id).reaction_minutes == 15
    assert "security" in client.get("/ict/regulation").get_data(as_text=True)
