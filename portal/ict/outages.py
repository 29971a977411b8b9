"""Planned outages of ICT services: registration, changes, cancellation (Rules No. 83 cl. 38).

On the ICI operator's information the UCC notifies central and local bodies and
providers at least one day (24 h) before a planned interruption starts. Each
registration, change and cancellation is a new *version*, announced once to its
recipients in the same transaction (the outbox delivers after commit, and catches up
if Redis or SMTP is down). An announcement that comes less than 24 h before the start
it sets is flagged as a violation of cl. 38; the "at least 24 h" rule is an obligation
of the engine, fulfilled (on time or late) when the notices are queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.db import utcnow
from portal.errors import ConflictError, DomainError
from portal.ict import alerts
from portal.ict.models import Outage, OutageNotice, OutageStatus, OutageVersion, VersionAction
from portal.ict.regulation import NOTICE_RULE
from portal.obligations import engine
from portal.obligations.engine import local_date

SUBJECT = "outage"
NOTICE_AHEAD = timedelta(hours=24)
OUTAGE_FIELDS = ("scope", "works_kind", "systems", "description_kk", "description_ru",
                 "starts_at", "ends_at")
MAX_LENGTH = timedelta(days=31)


def _validate(values: dict[str, Any], now: datetime) -> None:
    starts, ends = values["starts_at"], values["ends_at"]
    if starts.tzinfo is None or ends.tzinfo is None:
        raise ValueError("outage times must be timezone-aware")
    if starts <= now:
        raise DomainError(_("A planned outage must start in the future."), "starts_at")
    if ends <= starts:
        raise DomainError(_("The outage must end after it starts."), "ends_at")
    if ends - starts > MAX_LENGTH:
        raise DomainError(_("A planned outage cannot last longer than 31 days."), "ends_at")
    if not values["systems"].strip():
        raise DomainError(_("Name the affected systems or services."), "systems")
    if not values["description_kk"].strip() or not values["description_ru"].strip():
        raise DomainError(_("Describe the works in Kazakh and in Russian."), "description_kk")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)


def _snapshot(outage: Outage) -> dict[str, Any]:
    return {k: _plain(getattr(outage, k)) for k in (*OUTAGE_FIELDS, "status")}


def _new_version(session: Session, outage: Outage, actor: Any, action: VersionAction,
                 at: datetime, late: bool) -> OutageVersion:
    version = OutageVersion(outage=outage, version=outage.version, action=action, at=at,
                            actor_id=getattr(actor, "id", None), starts_at=outage.starts_at,
                            ends_at=outage.ends_at, snapshot=_snapshot(outage), late=late)
    session.add(version)
    if late:
        outage.late_notice = True
    session.flush()
    return version


def _open_notice_rule(session: Session, outage: Outage, actor: Any, at: datetime) -> None:
    """The cl. 38 duty for the start now announced: due 24 h before it."""
    engine.cancel(session, rule_key=NOTICE_RULE, subject_type=SUBJECT, subject_id=outage.id,
                  reason="The start of the outage changed", actor=actor, at=at)
    engine.open_obligation(session, rule_key=NOTICE_RULE, trigger_at=at, subject_type=SUBJECT,
                           subject_id=outage.id, agency_id=None, event_at=outage.starts_at,
                           actor=actor)


def announce(session: Session, outage: Outage, version: OutageVersion,
             recipients: list[alerts.Recipient], actor: Any = None,
             now: datetime | None = None) -> int:
    """Queue ``version`` to ``recipients`` and, once someone is told, fulfil the cl. 38 duty."""
    at = now or utcnow()
    queued = alerts.queue_notices(session, outage, version, recipients, now=at)
    if version.recipients and version.action is not VersionAction.CANCELLED:
        engine.fulfil(session, rule_key=NOTICE_RULE, subject_type=SUBJECT, subject_id=outage.id,
                      at=at, actor=actor)
    return queued


def register_outage(session: Session, actor: Any, data: dict[str, Any],
                    now: datetime | None = None) -> Outage:
    """Register a planned outage and notify every body at once (cl. 38)."""
    at = now or utcnow()
    values = {k: data[k] for k in OUTAGE_FIELDS}
    _validate(values, at)
    outage = Outage(**values, version=1, status=OutageStatus.SCHEDULED, registered_at=at,
                    registered_by_id=getattr(actor, "id", None))
    session.add(outage)
    session.flush()
    late = outage.starts_at - at < NOTICE_AHEAD
    version = _new_version(session, outage, actor, VersionAction.REGISTERED, at, late)
    _open_notice_rule(session, outage, actor, at)
    audit.record(session, actor, "ict.outage_register", outage,
                 {k: [None, v] for k, v in version.snapshot.items()},
                 summary=f"{outage.systems[:200]} v1" + (" late" if late else ""))
    announce(session, outage, version, alerts.current_recipients(session, local_date(at)),
             actor, at)
    return outage


def _check_editable(outage: Outage, expected_version: int | None, at: datetime) -> None:
    if expected_version is not None and expected_version != outage.version:
        raise ConflictError(_("Someone changed this outage while you were editing it. "
                              "Reload the page to see the new version."))
    if outage.is_cancelled:
        raise DomainError(_("This outage is cancelled."))
    if outage.ends_at <= at:
        raise DomainError(_("This outage is over."))


def change_outage(session: Session, actor: Any, outage: Outage, data: dict[str, Any],
                  expected_version: int | None = None, now: datetime | None = None) -> int:
    """Change an outage and send the update to everyone told before and to current contacts."""
    at = now or utcnow()
    _check_editable(outage, expected_version, at)
    values = {k: data[k] for k in OUTAGE_FIELDS}
    old_start = outage.starts_at
    if values["starts_at"] != old_start or values["ends_at"] != outage.ends_at:
        _validate(values, at)
    changes = audit.apply_changes(outage, values)
    if not changes:
        raise DomainError(_("Nothing was changed."))
    outage.version += 1
    # Moving the start earlier is a new notice of an interruption: the 24 h rule applies
    # again. A later start is covered by the earlier notice.
    earlier = outage.starts_at < old_start
    late = earlier and outage.starts_at - at < NOTICE_AHEAD
    version = _new_version(session, outage, actor, VersionAction.CHANGED, at, late)
    if earlier:
        _open_notice_rule(session, outage, actor, at)
    audit.record(session, actor, "ict.outage_change", outage, changes,
                 summary=f"v{outage.version}" + (" late" if late else ""))
    recipients = _merge(alerts.previous_recipients(session, outage.id, outage.version),
                        alerts.current_recipients(session, local_date(at)))
    return announce(session, outage, version, recipients, actor, at)


def cancel_outage(session: Session, actor: Any, outage: Outage, reason: str,
                  expected_version: int | None = None, now: datetime | None = None) -> int:
    """Call the outage off and tell everyone who had been told of it."""
    at = now or utcnow()
    _check_editable(outage, expected_version, at)
    if not reason.strip():
        raise DomainError(_("Say why the outage is cancelled."), "reason")
    changes = audit.apply_changes(outage, {"status": OutageStatus.CANCELLED, "cancelled_at": at,
                                           "cancel_reason": reason.strip()})
    outage.version += 1
    version = _new_version(session, outage, actor, VersionAction.CANCELLED, at, late=False)
    engine.cancel(session, rule_key=NOTICE_RULE, subject_type=SUBJECT, subject_id=outage.id,
                  reason="The outage was cancelled", actor=actor, at=at)
    audit.record(session, actor, "ict.outage_cancel", outage, changes,
                 summary=f"v{outage.version}: {reason.strip()[:200]}")
    return announce(session, outage, version,
                    alerts.previous_recipients(session, outage.id, outage.version), actor, at)


def _merge(*lists: list[alerts.Recipient]) -> list[alerts.Recipient]:
    seen: dict[tuple[str, str], alerts.Recipient] = {}
    for recipients in lists:
        for r in recipients:
            seen.setdefault((r.channel, r.address), r)
    return list(seen.values())


def catch_up(session: Session, now: datetime | None = None) -> int:
    """Send the current version of each coming outage to contacts added since it was announced."""
    at = now or utcnow()
    recipients = alerts.current_recipients(session, local_date(at))
    queued = 0
    coming = session.scalars(select(Outage).where(Outage.status == OutageStatus.SCHEDULED,
                                                  Outage.starts_at > at).order_by(Outage.id))
    for outage in coming:
        version = session.scalar(select(OutageVersion).where(
            OutageVersion.outage_id == outage.id, OutageVersion.version == outage.version))
        if version is None:
            continue
        told = set(session.scalars(select(OutageNotice.address).where(
            OutageNotice.outage_id == outage.id, OutageNotice.version == version.version)))
        missing = [r for r in recipients if r.address not in told]
        if missing:
            queued += announce(session, outage, version, missing, None, at)
    return queued
