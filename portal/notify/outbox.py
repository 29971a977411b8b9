"""Queueing messages into the outbox, inside the business transaction.

A message is a row inserted in the same transaction as the change that causes it,
so it exists exactly when that change is committed: nothing is lost when Redis or
the SMTP server is down.  The unique ``key`` makes queueing exactly-once (a retried
or duplicated job inserts nothing the second time).  After the commit, one RQ job
is enqueued as a trigger for delivery; when Redis is unreachable the periodic
sweeper (jobs/outbox.py) delivers instead.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from email.utils import make_msgid
from typing import Any

from flask import current_app, has_app_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from redis.exceptions import RedisError
from sqlalchemy import event, select
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from portal.audit import record
from portal.db import utcnow
from portal.errors import DomainError
from portal.notify.mail import external_url, mail_request_context
from portal.notify.models import Channel, OutboxAttachment, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

#: The RQ job that delivers (named by path: the outbox is a lower floor than jobs/).
DELIVER_JOB = "jobs.outbox.deliver_pending"
_KICK_FLAG = "notify_outbox_kick"
#: After a failed enqueue, skip Redis for this long so requests stay fast while it is down.
_REDIS_BACKOFF_SECONDS = 30.0
_redis_down_until = 0.0


def queue_message(session: Session, *, key: str, channel: str, to: str, subject: str,
                  text: str, html: str | None = None, locale: str = "kk",
                  headers: dict[str, Any] | None = None,
                  attachments: list[tuple[str, str, bytes]] | None = None,
                  not_before: datetime | None = None) -> OutboxMessage | None:
    """Queue one message; None when a message with ``key`` was queued before.

    ``attachments`` are (filename, mime type, content) triples.
    """
    channel_enum = Channel(channel)
    hdrs = dict(headers or {})
    if channel_enum is Channel.EMAIL:
        # Fixed at queue time so a resend is recognisably the same message.
        hdrs.setdefault("Message-ID", make_msgid(domain=_msgid_domain()))
    values: dict[str, Any] = {
        "key": key, "channel": channel_enum, "recipient": to.strip(), "locale": locale,
        "subject": " ".join(subject.split()), "body_text": text, "body_html": html,
        "headers": hdrs, "status": OutboxStatus.PENDING, "attempts": 0, "last_error": "",
        # The moment of queueing, not the transaction's start (what SQL now() would give).
        "created_at": utcnow(),
    }
    if not_before is not None:
        values["not_before"] = not_before
    stmt = (pg_insert(OutboxMessage).values(**values)
            .on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMessage.id))
    new_id = session.execute(stmt).scalar()
    if new_id is None:
        return None
    for filename, mime_type, content in attachments or ():
        session.add(OutboxAttachment(message_id=new_id, filename=filename, mime_type=mime_type,
                                     content=content))
    session.flush()
    session.info[_KICK_FLAG] = True
    return session.get(OutboxMessage, new_id)


def render_message(template: str, locale: str, **context: Any) -> tuple[str, str, str | None]:
    """(subject, text, html) of ``template`` rendered in ``locale``.

    ``template`` is a path under templates/ without suffix (e.g. "notify/mail/reminder"):
    ``.subject.txt`` and ``.txt`` are required, ``.html`` is used when it exists.
    """
    context.setdefault("external_url", external_url)
    with mail_request_context(), force_locale(locale):
        subject = render_template(f"{template}.subject.txt", locale=locale, **context)
        text = render_template(f"{template}.txt", locale=locale, **context)
        html = None
        loader = current_app.jinja_env.loader
        assert loader is not None
        if f"{template}.html" in loader.list_templates():
            html = render_template(f"{template}.html", locale=locale, **context)
    return " ".join(subject.split()), text.strip() + "\n", html


def render_and_queue(session: Session, *, key: str, to: str, template: str, locale: str,
                     channel: str = "email", headers: dict[str, Any] | None = None,
                     attachments: list[tuple[str, str, bytes]] | None = None,
                     not_before: datetime | None = None, **context: Any
                     ) -> OutboxMessage | None:
    """Render ``template`` in the recipient's ``locale`` and queue it under ``key``."""
    if _exists(session, key):
        return None  # rendering is the costly part: skip it for a duplicate
    subject, text, html = render_message(template, locale, **context)
    return queue_message(session, key=key, channel=channel, to=to, subject=subject, text=text,
                         html=html if channel == "email" else None, locale=locale,
                         headers=headers, attachments=attachments, not_before=not_before)


def resend(session: Session, actor: Any, message: OutboxMessage) -> None:
    """Put a failed (or sent) message back in the queue, e.g. after fixing an address."""
    if message.status is OutboxStatus.PENDING:
        raise DomainError(_("This message is already waiting to be sent."))
    changes = {"status": [message.status.value, OutboxStatus.PENDING.value]}
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.not_before = utcnow()
    record(session, actor, "notify.resend", message, changes,
           summary=f"{message.channel.value} {message.recipient}")
    session.flush()
    session.info[_KICK_FLAG] = True


# One round trip for a whole batch: the arrays are parsed once, existing keys are skipped.
# Subjects and bodies go as distinct texts plus an index per row: a mass notice has a
# handful of texts for thousands of recipients.
_QUEUE_MANY_SQL = sql_text(f"""
WITH ins AS (
INSERT INTO {OutboxMessage.__tablename__}
    (key, channel, recipient, locale, subject, body_text, body_html, headers, status,
     attempts, last_error, not_before, created_at)
SELECT t.k, t.ch, t.r, t.loc, (CAST(:texts AS text[]))[t.si], (CAST(:texts AS text[]))[t.bi],
       NULL, t.h::jsonb, 'pending', 0, '', :now, :now
FROM unnest(CAST(:keys AS text[]), CAST(:channels AS text[]), CAST(:recipients AS text[]),
            CAST(:locales AS text[]), CAST(:subject_ix AS integer[]),
            CAST(:body_ix AS integer[]), CAST(:headers AS text[]))
     AS t(k, ch, r, loc, si, bi, h)
ON CONFLICT (key) DO NOTHING
RETURNING 1)
SELECT count(*) FROM ins
""")


def queue_many(session: Session, messages: list[dict[str, Any]], *, trigger: bool = True) -> int:
    """Queue many plain-text messages at once; returns how many were new.

    Each dict has ``key, channel, to, subject, text, locale`` and optional ``headers``:
    the same exactly-once rule as :func:`queue_message` (one row per key), without
    attachments, in one INSERT per call — for mass notices such as outage alerts (cl. 38).
    ``trigger=False`` when the caller fans delivery out over several jobs itself.
    """
    if not messages:
        return 0
    domain = _msgid_domain()
    texts: dict[str, int] = {}  # distinct text -> 1-based index (PostgreSQL arrays)

    def index(value: str) -> int:
        return texts.setdefault(value, len(texts) + 1)

    headers = []
    for m in messages:
        hdrs = dict(m.get("headers") or {})
        if Channel(m["channel"]) is Channel.EMAIL:
            hdrs.setdefault("Message-ID", make_msgid(domain=domain))
        headers.append(json.dumps(hdrs, ensure_ascii=False))
    params = {
        "now": utcnow(), "keys": [m["key"] for m in messages],
        "channels": [Channel(m["channel"]).value for m in messages],
        "recipients": [m["to"].strip() for m in messages],
        "locales": [m.get("locale", "kk") for m in messages],
        "subject_ix": [index(" ".join(m["subject"].split())) for m in messages],
        "body_ix": [index(m["text"]) for m in messages], "headers": headers}
    new = session.execute(_QUEUE_MANY_SQL, {**params, "texts": list(texts)}).scalar_one()
    if new and trigger:
        session.info[_KICK_FLAG] = True
    return new


def _exists(session: Session, key: str) -> bool:
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None


def _msgid_domain() -> str:
    sender = current_app.config.get("MAIL_FROM", "") if has_app_context() else ""
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rsplit("@", 1)[-1] if "@" in address else "1414.kz"


def reset_redis_backoff() -> None:
    """Forget a recent Redis failure (tests; an operator after fixing Redis needs nothing)."""
    global _redis_down_until
    _redis_down_until = 0.0


def skip_delivery_trigger(session: Session) -> None:
    """The caller delivers right after its commit itself: enqueue no delivery job for it."""
    session.info.pop(_KICK_FLAG, None)


def kick_delivery() -> bool:
    """Enqueue one delivery run now; False when Redis is unreachable (the sweeper will)."""
    global _redis_down_until
    if time.monotonic() < _redis_down_until:
        return False
    from portal.queue import get_queue

    try:
        get_queue().enqueue(DELIVER_JOB, job_timeout=600, result_ttl=60, failure_ttl=86400)
    except (RedisError, OSError) as exc:
        # Best effort by design: the message is safe in the database.
        _redis_down_until = time.monotonic() + _REDIS_BACKOFF_SECONDS
        log.warning("outbox: could not enqueue delivery (%s); the sweeper will deliver", exc)
        return False
    return True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """Trigger delivery only once the messages are committed (never for a rollback)."""
    if session.info.pop(_KICK_FLAG, False) and has_app_context():
        kick_delivery()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: Any) -> None:
    """A rolled-back transaction queued nothing (a savepoint rollback keeps the outer's)."""
    if not previous_transaction.nested:
        session.info.pop(_KICK_FLAG, None)
