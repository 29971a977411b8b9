"""Registry operations: service information, bylaws, amendments and the lifecycle status.

Functions flush and audit but never commit; they raise ``DomainError`` with a
translated message, ``ConflictError`` when someone else saved first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, signals
from portal.audit import AuditEntry
from portal.errors import ConflictError, DomainError
from portal.registry.models import (
    Bylaw,
    BylawAmendment,
    Service,
    ServiceStatus,
    ServiceStatusChange,
    TermKind,
)
from portal.registry.validation import check_bilingual, check_code, check_url

S = ServiceStatus
#: The UCC lifecycle (Rules No. 83 cl. 20-23): which event may move a service where.
#: A return of Annex 1 takes "information submitted" back to "responsible appointed";
#: a cancelled training takes "training scheduled" back to "information submitted".
TRANSITIONS: dict[ServiceStatus, frozenset[ServiceStatus]] = {
    S.NEW: frozenset({S.RESPONSIBLE_APPOINTED, S.SUSPENDED, S.WITHDRAWN}),
    S.RESPONSIBLE_APPOINTED: frozenset({S.INFO_SUBMITTED, S.SUSPENDED, S.WITHDRAWN}),
    S.INFO_SUBMITTED: frozenset({S.RESPONSIBLE_APPOINTED, S.TRAINING_SCHEDULED, S.SUSPENDED,
                                 S.WITHDRAWN}),
    S.TRAINING_SCHEDULED: frozenset({S.INFO_SUBMITTED, S.TRAINED, S.SUSPENDED, S.WITHDRAWN}),
    S.TRAINED: frozenset({S.PROTOCOL_SIGNED, S.SUSPENDED, S.WITHDRAWN}),
    S.PROTOCOL_SIGNED: frozenset({S.CONSULTING, S.SUSPENDED, S.WITHDRAWN}),
    S.CONSULTING: frozenset({S.SUSPENDED, S.WITHDRAWN}),
    # Resuming returns to the status held before the suspension (checked below).
    S.SUSPENDED: frozenset(set(S) - {S.SUSPENDED}),
    S.WITHDRAWN: frozenset(),
}
#: Statuses a UCC manager may set by hand, always with a reason.
MANUAL_STATUSES = frozenset({S.SUSPENDED, S.WITHDRAWN})

#: Service fields the information form edits (code only by UCC managers).
INFO_FIELDS = ("name_kk", "name_ru", "term_days", "term_kind", "internet_resource",
               "internet_resource_note", "change_notes")
BYLAW_FIELDS = ("title_kk", "title_ru", "number", "approved_on", "registration_number", "url")


def _clean_service(session: Session, data: dict[str, Any], service: Service | None
                   ) -> dict[str, Any]:
    """Validate service fields; returns the cleaned values."""
    out = dict(data)
    if "code" in out:
        out["code"] = check_code(out["code"])
        clash = session.scalar(select(Service).where(Service.code == out["code"]))
        if clash is not None and clash is not service:
            raise DomainError(_("A service with this registry code already exists."), "code")
    for key in ("name_kk", "name_ru"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "name_kk" in out or service is None:
        check_bilingual(out, "name")
    if out.get("term_days") is not None and not 0 < int(out["term_days"]) <= 365:
        raise DomainError(_("The service term is 1 to 365 days."), "term_days")
    if "term_kind" in out:
        out["term_kind"] = TermKind(out["term_kind"])
    if "internet_resource" in out:
        out["internet_resource"] = check_url(out["internet_resource"], "internet_resource")
    return out


def create_service(session: Session, actor: Any, agency_id: int, data: dict[str, Any]
                   ) -> Service:
    """Add a service to the registry in status "new"."""
    clean = _clean_service(session, data, None)
    service = Service(agency_id=agency_id, status=S.NEW, **clean)
    session.add(service)
    session.flush()
    audit.record(session, actor, "registry.service_create", service,
                 {k: [None, v] for k, v in clean.items()} | {"version": [None, service.version]},
                 summary=f"{service.code} {service.name_ru}")
    return service


def changes_since(session: Session, obj: Any, version: int) -> dict[str, list[Any]]:
    """What others changed on ``obj`` after ``version``: {field: [then, now]}.

    Read from the audit log, where every versioned save records its version.
    """
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == type(obj).__name__,
                                 AuditEntry.object_id == str(obj.id))
        .order_by(AuditEntry.id)).all()
    merged: dict[str, list[Any]] = {}
    for entry in entries:
        seen = (entry.changes or {}).get("version")
        if not seen or seen[1] is None or int(seen[1]) <= version:
            continue
        for field, pair in entry.changes.items():
            if field == "version" or not isinstance(pair, list) or len(pair) != 2:
                continue
            if field in merged:
                merged[field][1] = pair[1]
            else:
                merged[field] = list(pair)
    return {k: v for k, v in merged.items() if v[0] != v[1]}


def lock_version(session: Session, obj: Any) -> int:
    """Lock ``obj``'s row and return its committed version; concurrent savers queue here.

    Call it before changing ``obj``: the object is reloaded from the locked row.
    """
    model = type(obj)
    with session.no_autoflush:
        current = session.scalar(select(model.version).where(model.id == obj.id)
                                 .with_for_update())
    session.refresh(obj)
    return int(current) if current is not None else 0


def update_service(session: Session, actor: Any, service: Service, data: dict[str, Any],
                   expected_version: int) -> dict[str, list[Any]]:
    """Save service information unless someone saved since ``expected_version``."""
    current = lock_version(session, service)
    if current != expected_version:
        raise ConflictError(
            _("Someone else saved this service while you were editing it. "
              "Their changes are shown below; your text is kept in the form."),
            changes_since(session, service, expected_version))
    clean = _clean_service(session, data, service)
    changes = audit.apply_changes(service, clean)
    if changes:
        session.flush()  # version_id_col bumps the version here
        changes["version"] = [expected_version, service.version]
        audit.record(session, actor, "registry.service_update", service, changes,
                     summary=service.code)
    return changes


def _clean_bylaw(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    check_bilingual(out, "title")
    if not out.get("number"):
        raise DomainError(_("Enter the number of the act."), "number")
    if not isinstance(out.get("approved_on"), date):
        raise DomainError(_("Enter the date the act was approved."), "approved_on")
    out["url"] = check_url(out.get("url", ""), "url")
    return out


def add_bylaw(session: Session, actor: Any, service: Service, data: dict[str, Any],
              *, announce: bool = True) -> Bylaw:
    """Record a bylaw defining the order of ``service``; its approval starts cl. 20 terms.

    ``announce=False`` (registry sync of known services) records it without the signal.
    """
    clean = _clean_bylaw(data)
    bylaw = Bylaw(service_id=service.id, **clean)
    session.add(bylaw)
    session.flush()
    audit.record(session, actor, "registry.bylaw_add", bylaw,
                 {k: [None, v] for k, v in clean.items()},
                 summary=f"{service.code}: {bylaw.number}", agency_id=service.agency_id)
    if not announce:
        return bylaw
    # Rules No. 83 cl. 20: five working days to appoint and inform from this date.
    signals.bylaw_approved.send("registry", session=session, actor=actor,
                                service_id=service.id, bylaw_id=bylaw.id,
                                approved_on=bylaw.approved_on)
    return bylaw


def update_bylaw(session: Session, actor: Any, bylaw: Bylaw, data: dict[str, Any]
                 ) -> dict[str, list[Any]]:
    """Correct a bylaw's details (a typo, a missing registration number)."""
    changes = audit.apply_changes(bylaw, _clean_bylaw(data))
    if changes:
        audit.record(session, actor, "registry.bylaw_update", bylaw, changes,
                     summary=bylaw.number, agency_id=bylaw.service.agency_id)
    return changes


def add_amendment(session: Session, actor: Any, bylaw: Bylaw, data: dict[str, Any]
                  ) -> BylawAmendment:
    """Record an act amending ``bylaw``; cl. 26 gives five working days to update Annex 1."""
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if not isinstance(clean.get("amended_on"), date):
        raise DomainError(_("Enter the date of the amendment."), "amended_on")
    if clean["amended_on"] < bylaw.approved_on:
        raise DomainError(_("An amendment cannot precede the approval of the act."),
                          "amended_on")
    if not clean.get("act_title") and not clean.get("act_number"):
        raise DomainError(_("Name the amending act or give its number."), "act_title")
    amendment = BylawAmendment(bylaw_id=bylaw.id, **clean)
    session.add(amendment)
    session.flush()
    audit.record(session, actor, "registry.bylaw_amend", amendment,
                 {k: [None, v] for k, v in clean.items()},
                 summary=f"{bylaw.number} ← {clean.get('act_number', '')}",
                 agency_id=bylaw.service.agency_id)
    signals.bylaw_amended.send("registry", session=session, actor=actor,
                               service_id=bylaw.service_id, bylaw_id=bylaw.id,
                               amended_on=amendment.amended_on)
    return amendment


def status_before_suspension(session: Session, service: Service) -> ServiceStatus | None:
    """The status a suspended service had, to which resuming returns it."""
    change = session.scalar(
        select(ServiceStatusChange)
        .where(ServiceStatusChange.service_id == service.id,
               ServiceStatusChange.new == S.SUSPENDED)
        .order_by(ServiceStatusChange.id.desc()).limit(1))
    return change.old if change else None


def change_status(session: Session, actor: Any, service: Service, new_status: ServiceStatus,
                  reason: str, *, on: date | None = None) -> None:
    """Move ``service`` along its lifecycle if the transition table allows it.

    ``on`` is the consultation start date when ``new_status`` is CONSULTING
    (Rules No. 83 cl. 23: five working days after the protocol is signed).
    """
    old = service.status
    new_status = ServiceStatus(new_status)
    if new_status == old:
        return
    if new_status not in TRANSITIONS[old]:
        raise DomainError(_("A service cannot go from “%(old)s” to “%(new)s”.",
                            old=old.label, new=new_status.label), "status")
    if old is S.SUSPENDED and new_status is not S.WITHDRAWN:
        previous = status_before_suspension(session, service)
        if previous is not None and new_status != previous:
            raise DomainError(_("A suspended service resumes in the status it had: “%(old)s”.",
                                old=previous.label), "status")
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for the change."), "reason")
    service.status = new_status
    changes: dict[str, list[Any]] = {"status": [old.value, new_status.value]}
    if new_status is S.CONSULTING and on is not None:
        changes["consultation_start"] = [service.consultation_start, on]
        service.consultation_start = on
    session.add(ServiceStatusChange(service_id=service.id, old=old, new=new_status,
                                    reason=reason.strip(), actor_id=getattr(actor, "id", None)))
    session.flush()
    changes["version"] = [service.version - 1, service.version]
    audit.record(session, actor, "registry.service_status", service, changes,
                 summary=f"{service.code}: {reason.strip()}"[:500])
    signals.service_status_changed.send("registry", session=session, actor=actor,
                                        service_id=service.id, old=old, new=new_status)


def advance_status(session: Session, actor: Any, service: Service, frm: set[ServiceStatus],
                   to: ServiceStatus, reason: str) -> bool:
    """Apply an event's move only when the service is in one of ``frm``; True if moved."""
    if service.status in frm:
        change_status(session, actor, service, to, reason)
        return True
    return False


def resume_service(session: Session, actor: Any, service: Service, reason: str) -> None:
    """Lift a suspension: back to the status held before it."""
    previous = status_before_suspension(session, service)
    if service.status is not S.SUSPENDED or previous is None:
        raise DomainError(_("Only a suspended service can be resumed."), "status")
    change_status(session, actor, service, previous, reason)
