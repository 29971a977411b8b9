"""Planned-outage alerts: who gets them, and queueing thousands of them at once (cl. 38).

Recipients: every active central state body, local executive body and other service
provider (Rules No. 83 cl. 38), through their configured contacts:
- e-mail: the body's own address (``Agency.email``) and the address of each of its
  current responsible persons (cl. 20, 27);
- SMS (through the gateway interface of the outbox): the Kazakhstan mobile numbers among
  the body's phone and its current responsible persons' phones (landlines cannot take SMS).
An address shared by several bodies gets one message.

Queueing is two bulk ``INSERT ... SELECT FROM unnest(...) ON CONFLICT (key) DO NOTHING``
per batch: into ``ict_outage_notices`` and, through ``notify.outbox.queue_many``, into the
outbox; the key
``outage:{id}:v{version}:{recipient}`` makes each (outage, version, recipient) exactly
once, however often a job is retried; rendering happens once per language and channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from portal.agencies.models import Agency, AgencyKind
from portal.auth.models import User
from portal.db import utcnow
from portal.ict.models import Outage, OutageNotice, OutageVersion
from portal.notify.mail import external_url
from portal.notify.outbox import queue_many
from portal.registry.models import ResponsiblePerson

#: Bodies notified of planned outages (cl. 38: central and local bodies and providers).
NOTIFIED_KINDS = (AgencyKind.CENTRAL, AgencyKind.LOCAL_REGION, AgencyKind.LOCAL_CITY,
                  AgencyKind.LOCAL_CAPITAL, AgencyKind.PROVIDER)
LOCALES = ("kk", "ru")
BATCH_SIZE = 10000
#: Kazakhstan mobile operator codes (+7 7xx): Beeline, Kcell/Activ, Tele2/Altel.
MOBILE_CODES = frozenset({"700", "701", "702", "705", "706", "707", "708", "747", "771",
                          "775", "776", "777", "778"})
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Recipient:
    """One address of one notified body."""

    agency_id: int | None
    channel: str  # "email" | "sms"
    address: str
    locale: str = "kk"


def mobile_number(phone: str) -> str | None:
    """"+7 701 123 45 67" / "8 701 1234567" -> "+77011234567"; None for landlines and junk."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    else:
        return None
    return f"+{digits}" if digits[1:4] in MOBILE_CODES else None


def notice_key(outage_id: int, version: int, address: str) -> str:
    """The outbox key of one notice: exactly once per (outage, version, recipient)."""
    return f"outage:{outage_id}:v{version}:{address}"


def current_recipients(session: Session, today: date) -> list[Recipient]:
    """Every address the notice goes to today (see the module docstring)."""
    found: dict[tuple[str, str], Recipient] = {}

    def add(agency_id: int, email: str, phone: str, locale: str) -> None:
        email = (email or "").strip().lower()
        if _EMAIL_RE.match(email):
            found.setdefault(("email", email), Recipient(agency_id, "email", email, locale))
        mobile = mobile_number(phone)
        if mobile:
            found.setdefault(("sms", mobile), Recipient(agency_id, "sms", mobile, locale))

    notified = (Agency.kind.in_(NOTIFIED_KINDS), Agency.is_active.is_(True))
    for agency_id, email, phone in session.execute(
            select(Agency.id, Agency.email, Agency.phone).where(*notified).order_by(Agency.id)):
        add(agency_id, email, phone, "kk")
    people = (select(ResponsiblePerson.agency_id, ResponsiblePerson.email,
                     ResponsiblePerson.phone, User.locale)
              .join(Agency, Agency.id == ResponsiblePerson.agency_id)
              .outerjoin(User, User.id == ResponsiblePerson.user_id)
              .where(*notified, ResponsiblePerson.appointed_on <= today,
                     or_(ResponsiblePerson.valid_until.is_(None),
                         ResponsiblePerson.valid_until >= today))
              .order_by(ResponsiblePerson.id))
    for agency_id, email, phone, locale in session.execute(people):
        add(agency_id, email, phone, locale or "kk")
    return list(found.values())


def previous_recipients(session: Session, outage_id: int, before_version: int
                        ) -> list[Recipient]:
    """Everyone an earlier version of the outage went to (updates reach the same people)."""
    rows = session.execute(
        select(OutageNotice.agency_id, OutageNotice.channel, OutageNotice.address,
               OutageNotice.locale)
        .where(OutageNotice.outage_id == outage_id, OutageNotice.version < before_version)
        .order_by(OutageNotice.version, OutageNotice.id))
    found: dict[tuple[str, str], Recipient] = {}
    for agency_id, channel, address, locale in rows:
        found.setdefault((channel, address), Recipient(agency_id, channel, address, locale))
    return list(found.values())


def _render(template: str, locale: str, ctx: dict[str, Any]) -> str:
    """Render in ``locale`` straight from the Jinja environment: jobs have no request, and
    the app's request-bound context processors must not run here."""
    with force_locale(locale):
        return current_app.jinja_env.get_template(template).render(locale=locale, **ctx)


def render_notice(outage: Outage, version: OutageVersion) -> dict[str, dict[str, str]]:
    """{locale: {"subject", "email", "sms"}} rendered once per language.

    Each recipient reads its own language (style rule 8); the e-mail ends with a link to
    the other language's version on the public page. One language also keeps a message
    under PostgreSQL's 2 kB TOAST threshold, which matters for 10,000 rows at once.
    """
    ctx: dict[str, Any] = {"outage": outage, "version": version, "external_url": external_url}
    return {locale: {
        "subject": " ".join(_render("ict/mail/outage.subject.txt", locale, ctx).split()),
        "email": _render("ict/mail/outage.txt", locale, ctx).strip() + "\n",
        "sms": " ".join(_render("ict/mail/outage_sms.txt", locale, ctx).split())}
        for locale in LOCALES}


# The per-recipient delivery record of this outage version; existing keys are skipped.
_NOTICES_SQL = text(f"""
INSERT INTO {OutageNotice.__tablename__}
    (key, outage_id, version, agency_id, channel, address, locale, queued_at)
SELECT t.k, :outage_id, :version, t.a, t.ch, t.r, t.loc, :now
FROM unnest(CAST(:keys AS text[]), CAST(:agencies AS integer[]), CAST(:channels AS text[]),
            CAST(:addresses AS text[]), CAST(:locales AS text[])) AS t(k, a, ch, r, loc)
ON CONFLICT (key) DO NOTHING
""")


def queue_notices(session: Session, outage: Outage, version: OutageVersion,
                  recipients: list[Recipient], now: datetime | None = None,
                  batch_size: int = BATCH_SIZE) -> int:
    """Queue ``version`` of ``outage`` to ``recipients``; returns how many were new."""
    if not recipients:
        return 0
    now = now or utcnow()
    texts = render_notice(outage, version)
    queued = 0
    for start in range(0, len(recipients), batch_size):
        batch = recipients[start:start + batch_size]
        keys = [notice_key(outage.id, version.version, r.address) for r in batch]
        locales = [r.locale if r.locale in LOCALES else "kk" for r in batch]
        session.execute(_NOTICES_SQL, {
            "outage_id": outage.id, "version": version.version, "now": now, "keys": keys,
            "agencies": [r.agency_id for r in batch], "channels": [r.channel for r in batch],
            "addresses": [r.address for r in batch], "locales": locales})
        queued += queue_many(session, [
            {"key": key, "channel": r.channel, "to": r.address, "locale": loc,
             "subject": "" if r.channel == "sms" else texts[loc]["subject"],
             "text": texts[loc]["sms" if r.channel == "sms" else "email"],
             "headers": {"X-Portal-Key": key}}
            for key, r, loc in zip(keys, batch, locales, strict=True)],
            trigger=False)  # jobs.ict.dispatch_notices spreads delivery over the workers
    version.recipients += queued
    if queued and version.notified_at is None:
        version.notified_at = now
    session.flush()
    return queued
