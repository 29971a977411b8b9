"""Call recordings on written demand, within four hours (Rules No. 83, cl. 14).

The informatization body or the QC authority names the date and the caller's phone
number; the demand opens a 4-hour obligation; contact center staff attach the
recordings and hand them over, which closes it (late answers stay visible as late).
"""

from __future__ import annotations

import mimetypes
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.appeals.models import DemandStatus, RecordingDemand, RecordingFile
from portal.auth.models import User
from portal.db import utcnow
from portal.errors import DomainError
from portal.notify.outbox import render_and_queue
from portal.obligations.engine import fulfil, open_obligation
from portal.security import UCC_STAFF, Role
from portal.timeutil import local_tz

RULE_KEY = "call_recording_on_demand"
#: Bodies entitled to demand recordings (cl. 14).
REQUESTERS = (Role.QC_STAFF, Role.INFORMATIZATION_STAFF)
MAX_FILE_BYTES = 50 * 1024 * 1024


def can_view(user: Any, demand: RecordingDemand) -> bool:
    """Contact center staff and both entitled bodies (they share the control, cl. 14, 16)."""
    return user.role in UCC_STAFF or user.role in REQUESTERS


def visible_demands(viewer: Any) -> Any:
    """The demands ``viewer`` may list, newest first."""
    return select(RecordingDemand).order_by(RecordingDemand.received_at.desc())


def file_demand(session: Session, actor: Any, *, call_date: date, caller_phone: str,
                reference: str = "", note: str = "") -> RecordingDemand:
    """Register a demand; the 4-hour term runs from now (cl. 14)."""
    if actor.role not in REQUESTERS:
        raise DomainError(_("Only the authorized bodies may demand recordings."))
    caller_phone = caller_phone.strip()
    if not caller_phone:
        raise DomainError(_("The demand must name the caller's phone number."), "caller_phone")
    today = utcnow().astimezone(local_tz()).date()
    if call_date > today:
        raise DomainError(_("The call cannot be in the future."), "call_date")
    if call_date < today - timedelta(days=3 * 365):
        raise DomainError(_("Recordings are not kept that long."), "call_date")
    demand = RecordingDemand(requested_by_id=actor.id, requester_role=actor.role.value,
                             reference=reference.strip(), call_date=call_date,
                             caller_phone=caller_phone, note=note.strip(),
                             received_at=utcnow(), status=DemandStatus.OPEN)
    session.add(demand)
    session.flush()
    open_obligation(session, rule_key=RULE_KEY, trigger_at=demand.received_at,
                    subject_type="recording_demand", subject_id=demand.id, agency_id=None,
                    actor=actor)
    audit.record(session, actor, "appeals.recording_demand", demand,
                 {"call_date": [None, call_date], "caller_phone": [None, caller_phone]},
                 summary=f"{call_date} {caller_phone}")
    _tell_managers(session, demand)
    return demand


def _tell_managers(session: Session, demand: RecordingDemand) -> None:
    """Four hours is short: every contact center manager gets an e-mail at once."""
    managers = session.scalars(select(User).where(User.role == Role.UCC_MANAGER, User.active,
                                                  User.email != "")).all()
    for user in managers:
        render_and_queue(session, key=f"recording-demand:{demand.id}:{user.id}", to=user.email,
                         template="appeals/mail/demand", locale=user.locale, demand=demand)


def attach_files(session: Session, actor: Any, demand: RecordingDemand,
                 files: list[tuple[str, bytes]]) -> list[RecordingFile]:
    """Attach recording files (name, content) to an open demand."""
    if demand.status is not DemandStatus.OPEN:
        raise DomainError(_("The recordings were already handed over."))
    out = []
    for name, content in files:
        name = (name or "recording").replace("/", "_").replace("\\", "_")[-200:]
        if not content:
            raise DomainError(_("The file %(name)s is empty.", name=name), "files")
        if len(content) > MAX_FILE_BYTES:
            raise DomainError(_("The file %(name)s is larger than 50 MB.", name=name), "files")
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        item = RecordingFile(demand_id=demand.id, filename=name, mime_type=mime,
                             size=len(content), content=content,
                             uploaded_by_id=actor.id, uploaded_at=utcnow())
        session.add(item)
        out.append(item)
    session.flush()
    audit.record(session, actor, "appeals.recording_files", demand,
                 {"files": [None, [f.filename for f in out]]}, summary=f"demand #{demand.id}")
    return out


def hand_over(session: Session, actor: Any, demand: RecordingDemand) -> None:
    """Give the attached recordings to the requester; closes the 4-hour obligation."""
    if demand.status is not DemandStatus.OPEN:
        raise DomainError(_("The recordings were already handed over."))
    if not demand.files:
        raise DomainError(_("Attach at least one recording first."), "files")
    changes = audit.apply_changes(demand, {"status": DemandStatus.FULFILLED,
                                           "fulfilled_at": utcnow(),
                                           "fulfilled_by_id": actor.id})
    session.flush()
    fulfil(session, rule_key=RULE_KEY, subject_type="recording_demand", subject_id=demand.id,
           at=demand.fulfilled_at, actor=actor)
    audit.record(session, actor, "appeals.recording_handover", demand, changes,
                 summary=f"demand #{demand.id}")
    requester = demand.requested_by
    if requester.email:
        render_and_queue(session, key=f"recording-ready:{demand.id}", to=requester.email,
                         template="appeals/mail/recordings_ready", locale=requester.locale,
                         demand=demand)
