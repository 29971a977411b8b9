"""Appeal rules: registration with a unique number, updates, transfers (cl. 11), referrals (cl. 10).

Functions flush and write audit entries; they never commit (the route or job does).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from portal import audit
from portal.agencies.models import Agency, Region
from portal.appeals.iin import is_valid_iin, normalize_iin
from portal.appeals.models import (
    Appeal,
    AppealCounter,
    AppealEvent,
    AppealStatus,
    CallRating,
    Channel,
    Character,
    EventKind,
)
from portal.auth.models import User
from portal.db import utcnow
from portal.errors import DomainError
from portal.obligations.engine import open_obligation
from portal.registry.models import Service
from portal.security import UCC_STAFF
from portal.timeutil import local_tz

#: Rulebook key of the 2-working-day answer to an e-mail appeal (Rules No. 83, cl. 8).
EMAIL_ANSWER_RULE = "email_appeal_answer"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Statuses an operator may set by hand; the others follow from actions.
MANUAL_STATUSES = (AppealStatus.REGISTERED, AppealStatus.SENT_TO_AGENCY,
                   AppealStatus.ANSWERED, AppealStatus.CLOSED)
EDITABLE = ("region_code", "applicant_surname", "applicant_name", "phone", "email", "iin",
            "service_id", "agency_id", "character", "content", "measures", "request_number",
            "status")


def next_number(session: Session, year: int) -> str:
    """The next appeal number of ``year``, e.g. ``2026-000123``.

    One UPSERT increments the year's counter row; the row stays locked until the
    transaction ends, so concurrent registrations wait for each other and never get
    the same number, and a rolled-back registration leaves no gap.
    """
    stmt = (pg_insert(AppealCounter).values(year=year, last=1)
            .on_conflict_do_update(index_elements=["year"],
                                   set_={"last": AppealCounter.last + 1})
            .returning(AppealCounter.last))
    last = session.execute(stmt).scalar_one()
    return f"{year}-{last:06d}"


def _clean(session: Session, data: dict[str, Any], appeal: Appeal | None) -> dict[str, Any]:
    """Validate and normalise appeal fields; raise DomainError naming the field."""
    out = dict(data)
    for key in ("applicant_surname", "applicant_name", "phone", "email", "content", "measures",
                "request_number", "subject"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "iin" in out:
        iin = normalize_iin(out["iin"])
        if iin and not is_valid_iin(iin):
            raise DomainError(_("This IIN is not valid: check the 12 digits."), "iin")
        out["iin"] = iin or None
    if out.get("email") and not EMAIL_RE.match(out["email"]):
        raise DomainError(_("Enter a valid e-mail address."), "email")
    merged = {k: getattr(appeal, k) for k in EDITABLE} if appeal else {}
    merged.update(out)
    if "content" in out and not out["content"]:
        raise DomainError(_("Describe what the applicant asked or complained about."), "content")
    if not merged.get("phone") and not merged.get("email"):
        raise DomainError(_("Give the applicant's phone number or e-mail."), "phone")
    if merged.get("channel", getattr(appeal, "channel", None)) is Channel.EMAIL \
            and not merged.get("email"):
        raise DomainError(_("An e-mail appeal needs the sender's address."), "email")
    if out.get("region_code") and session.get(Region, out["region_code"]) is None:
        raise DomainError(_("Choose a region from the list."), "region_code")
    if out.get("service_id"):
        service = session.get(Service, out["service_id"])
        if service is None:
            raise DomainError(_("There is no such service in the registry."), "service_id")
        if not out.get("agency_id"):
            out["agency_id"] = service.agency_id
    if out.get("agency_id") and session.get(Agency, out["agency_id"]) is None:
        raise DomainError(_("Choose an agency from the list."), "agency_id")
    return out


def register_appeal(session: Session, actor: Any, data: dict[str, Any]) -> Appeal:
    """Register an appeal under the next number of its year (Rules No. 83, cl. 7-8)."""
    data = _clean(session, data, None)
    received = data.get("received_at") or utcnow()
    if received.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    if received > utcnow() + timedelta(minutes=5):
        raise DomainError(_("The time received cannot be in the future."), "received_at")
    data["received_at"] = received
    data.setdefault("character", Character.CONSULTATION)
    data.setdefault("status", AppealStatus.REGISTERED)
    data["number"] = next_number(session, received.astimezone(local_tz()).year)
    appeal = Appeal(**data)
    if actor is not None and appeal.operator_id is None:
        appeal.operator_id = actor.id
    session.add(appeal)
    session.flush()
    _event(session, appeal, actor, EventKind.REGISTERED, details={"channel": appeal.channel.value})
    audit.record(session, actor, "appeals.register", appeal,
                 {"number": [None, appeal.number], "channel": [None, appeal.channel.value]},
                 summary=f"{appeal.number} {appeal.channel.value}", agency_id=appeal.agency_id)
    if appeal.call_id:
        _link_rating(session, appeal)
    if appeal.channel is Channel.EMAIL:
        # Rules No. 83, cl. 8: an e-mail appeal is answered within two working days.
        open_obligation(session, rule_key=EMAIL_ANSWER_RULE, trigger_at=appeal.received_at,
                        subject_type="appeal", subject_id=appeal.id, agency_id=None,
                        service_id=appeal.service_id, actor=actor)
    return appeal


def update_appeal(session: Session, actor: Any, appeal: Appeal, data: dict[str, Any]
                  ) -> dict[str, list[Any]]:
    """Change an appeal's fields (measures taken, request number, status...); returns the diff."""
    if "status" in data and data["status"] not in MANUAL_STATUSES \
            and data["status"] is not appeal.status:
        raise DomainError(_("This status is set by its own action (transfer or referral)."),
                          "status")
    data = _clean(session, {k: v for k, v in data.items() if k in EDITABLE}, appeal)
    changes = audit.apply_changes(appeal, data)
    if not changes:
        return changes
    session.flush()
    _event(session, appeal, actor, EventKind.UPDATED, details={"fields": sorted(changes)})
    audit.record(session, actor, "appeals.update", appeal, changes, summary=appeal.number,
                 agency_id=appeal.agency_id)
    return changes


def transfer_appeal(session: Session, actor: Any, appeal: Appeal, *, to_user_id: int | None,
                    to_group: str, note: str) -> AppealEvent:
    """Hand the appeal to another operator or group, telling the caller (Rules No. 83, cl. 11)."""
    note, to_group = note.strip(), to_group.strip()
    if not note:
        raise DomainError(_("Write a note for the colleague who takes the appeal over."), "note")
    target = session.get(User, to_user_id) if to_user_id else None
    if to_user_id and (target is None or not target.active or target.role not in UCC_STAFF):
        raise DomainError(_("Choose an active contact center employee."), "to_user_id")
    if target is None and not to_group:
        raise DomainError(_("Choose an operator or a group to transfer to."), "to_user_id")
    if target is not None and target.id == appeal.assignee_id and to_group == appeal.assigned_group:
        raise DomainError(_("The appeal is already with them."), "to_user_id")
    before = {"assignee_id": appeal.assignee_id, "assigned_group": appeal.assigned_group,
              "status": appeal.status}
    changes = audit.apply_changes(appeal, {"assignee_id": target.id if target else None,
                                           "assigned_group": to_group,
                                           "status": AppealStatus.TRANSFERRED})
    session.flush()
    event = _event(session, appeal, actor, EventKind.TRANSFERRED, note, {
        "from_user_id": before["assignee_id"] or getattr(actor, "id", None),
        "to_user_id": target.id if target else None,
        "to_user": target.full_name if target else "", "to_group": to_group})
    audit.record(session, actor, "appeals.transfer", appeal, changes, summary=appeal.number,
                 agency_id=appeal.agency_id)
    return event


def refer_appeal(session: Session, actor: Any, appeal: Appeal, *, body: str,
                 agency_id: int | None, note: str) -> AppealEvent:
    """Record which competent body an out-of-scope caller was directed to (Rules No. 83, cl. 10)."""
    body = body.strip()
    agency = session.get(Agency, agency_id) if agency_id else None
    if agency_id and agency is None:
        raise DomainError(_("Choose an agency from the list."), "agency_id")
    if not body and agency is None:
        raise DomainError(_("Name the body the caller was directed to."), "body")
    changes = audit.apply_changes(appeal, {
        "referred_to": body,
        "referred_agency_id": agency.id if agency else None,
        "status": AppealStatus.REFERRED})
    session.flush()
    event = _event(session, appeal, actor, EventKind.REFERRED, note.strip(),
                   {"body": appeal.referred_to, "agency_id": appeal.referred_agency_id})
    audit.record(session, actor, "appeals.refer", appeal, changes, summary=appeal.number,
                 agency_id=appeal.agency_id)
    return event


def _event(session: Session, appeal: Appeal, actor: Any, kind: EventKind, note: str = "",
           details: dict[str, Any] | None = None) -> AppealEvent:
    event = AppealEvent(appeal_id=appeal.id, actor_id=getattr(actor, "id", None), kind=kind,
                        note=note, details=details or {}, at=utcnow())
    session.add(event)
    session.flush()
    return event


def add_event(session: Session, appeal: Appeal, actor: Any, kind: EventKind, note: str = "",
              details: dict[str, Any] | None = None) -> AppealEvent:
    """Append a history entry (used by the e-mail, rating and reply services)."""
    return _event(session, appeal, actor, kind, note, details)


def _link_rating(session: Session, appeal: Appeal) -> None:
    """A rating that arrived before the after-call form now points at the appeal."""
    session.execute(update(CallRating).where(CallRating.call_id == appeal.call_id).values(
        appeal_id=appeal.id))
    if appeal.operator_id:
        session.execute(update(CallRating).where(
            CallRating.call_id == appeal.call_id, CallRating.operator_id.is_(None)).values(
            operator_id=appeal.operator_id))


def find_by_number(session: Session, number: str) -> Appeal | None:
    """The appeal with this number (as printed, e.g. 2026-000123)."""
    return session.scalar(select(Appeal).where(Appeal.number == number.strip()))


def local_datetime(value: datetime) -> datetime:
    """A naive local date and time from a form, made aware in the portal's time zone."""
    return value.replace(tzinfo=local_tz()) if value.tzinfo is None else value
