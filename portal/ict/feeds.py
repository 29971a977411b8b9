"""RSS 2.0 and iCalendar (RFC 5545) feeds of planned outages, written by hand (no extra deps)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from portal.i18n import localized
from portal.ict.models import Outage


def rss(outages: list[Outage], *, title: str, link: str, description: str, language: str,
        item_link: Callable[[Outage], str], item_title: Callable[[Outage], str],
        now: datetime) -> str:
    """An RSS 2.0 channel with one item per outage (guid changes with each version)."""
    items = []
    for o in outages:
        url = item_link(o)
        items.append(
            "<item>"
            f"<title>{escape(item_title(o))}</title>"
            f"<link>{escape(url)}</link>"
            f'<guid isPermaLink="false">outage-{o.id}-v{o.version}</guid>'
            f"<pubDate>{format_datetime(o.updated_at.astimezone(UTC), usegmt=True)}</pubDate>"
            f"<description>{escape(localized(o, 'description'))}</description>"
            "</item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>{escape(link)}</link>"
            f"<description>{escape(description)}</description>"
            f"<language>{escape(language)}</language>"
            f"<lastBuildDate>{format_datetime(now.astimezone(UTC), usegmt=True)}</lastBuildDate>"
            + "".join(items) + "</channel></rss>\n")


def _ics_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ical(outages: list[Outage], *, name: str, domain: str, item_link: Callable[[Outage], str],
         summary: Callable[[Outage], str], now: datetime) -> str:
    """A VCALENDAR with one VEVENT per outage; SEQUENCE is the outage's version, so calendar
    clients apply changes, and a cancelled outage stays with STATUS:CANCELLED to remove it."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//1414 Unified Contact Center//ICT//KK",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_text(name)}"]
    for o in outages:
        lines += [
            "BEGIN:VEVENT",
            f"UID:outage-{o.id}@{domain}",
            f"SEQUENCE:{o.version - 1}",
            f"DTSTAMP:{_stamp(now)}",
            f"LAST-MODIFIED:{_stamp(o.updated_at)}",
            f"DTSTART:{_stamp(o.starts_at)}",
            f"DTEND:{_stamp(o.ends_at)}",
            f"SUMMARY:{_ics_text(summary(o))}",
            f"DESCRIPTION:{_ics_text(localized(o, 'description'))}",
            f"URL:{item_link(o)}",
            f"STATUS:{'CANCELLED' if o.is_cancelled else 'CONFIRMED'}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
