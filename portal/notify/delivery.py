"""Delivery of queued messages: claim, send, mark; retries with backoff.

Each message is claimed in its own short transaction with ``FOR UPDATE SKIP
LOCKED`` and committed right after the hand-over, so concurrent runs never send
the same row and a crash can at worst repeat the one message in flight.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.notify.mail import DeliveryError, SmtpSender
from portal.notify.models import Channel, OutboxMessage, OutboxStatus
from portal.notify.sms import send_sms

RETRY_SECONDS = 60
RETRY_MAX_SECONDS = 3600
MAX_ATTEMPTS = 20


def _setting(config: dict[str, Any], name: str, default: int) -> int:
    """An integer setting from the app config (see portal/config.py)."""
    return int(config.get(name) or default)


def enabled_channels(config: dict[str, Any]) -> set[Channel]:
    """Channels with a configured transport; without one, messages wait (development)."""
    out = set()
    if config.get("MAIL_SERVER"):
        out.add(Channel.EMAIL)
    if config.get("SMS_GATEWAY_URL"):
        out.add(Channel.SMS)
    return out


def retry_delay(attempts: int, config: dict[str, Any]) -> timedelta:
    """Exponential backoff after ``attempts`` failed tries, capped."""
    base = _setting(config, "OUTBOX_RETRY_SECONDS", RETRY_SECONDS)
    cap = _setting(config, "OUTBOX_RETRY_MAX_SECONDS", RETRY_MAX_SECONDS)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def _claim(session: Session, channels: set[Channel], now: datetime,
           ids: list[int] | None) -> OutboxMessage | None:
    stmt = (select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING,
                   OutboxMessage.not_before <= now,
                   OutboxMessage.channel.in_(channels))
            .order_by(OutboxMessage.not_before, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True))
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    return session.scalars(stmt).first()


def _mark_failed(msg: OutboxMessage, exc: DeliveryError, now: datetime,
                 config: dict[str, Any]) -> None:
    msg.attempts += 1
    msg.last_error = str(exc)[:2000]
    max_attempts = _setting(config, "OUTBOX_MAX_ATTEMPTS", MAX_ATTEMPTS)
    if exc.permanent or msg.attempts >= max_attempts:
        msg.status = OutboxStatus.FAILED
    else:
        msg.not_before = now + retry_delay(msg.attempts, config)


def deliver(session: Session, config: dict[str, Any], *, limit: int = 200,
            now: datetime | None = None, ids: list[int] | None = None) -> int:
    """Send up to ``limit`` due messages (only ``ids`` when given); returns how many were sent.

    ``ids`` lets a job hand over what it just queued at once (a reminder on its minute)
    instead of behind an older backlog.
    """
    now = now or utcnow()
    channels = enabled_channels(config)
    sender = SmtpSender(config)
    down: dict[Channel, DeliveryError] = {}
    sent = 0
    try:
        for _ in range(limit):
            if not channels:
                break
            msg = _claim(session, channels, now, ids)
            if msg is None:
                break
            try:
                if msg.channel in down:
                    raise down[msg.channel]
                if msg.channel is Channel.EMAIL:
                    sender.send(msg)
                else:
                    send_sms(msg, config)
            except DeliveryError as exc:
                _mark_failed(msg, exc, now, config)
                if exc.unavailable:
                    down[msg.channel] = exc
            else:
                msg.attempts += 1
                msg.status = OutboxStatus.SENT
                msg.sent_at = utcnow()
                msg.last_error = ""
                sent += 1
            session.commit()
    finally:
        sender.close()
    return sent
