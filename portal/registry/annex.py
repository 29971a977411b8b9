"""The Annex 1 workflow: drafts, submission to the UCC, acceptance or return, versions.

Registry data (code, names, bylaws, amendments, internet resource) is read live while
the form is a draft and frozen into an ``Annex1Version`` when it is submitted, so
every submitted version stays readable and comparable (Rules No. 83 cl. 20, 26).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, signals
from portal.db import utcnow
from portal.errors import ConflictError, DomainError
from portal.registry.annex_models import Annex1Row, Annex1Status, Annex1Submission, Annex1Version
from portal.registry.models import ResponsiblePerson, Service, ServiceStatus
from portal.registry.people import announce_appointment, is_current
from portal.registry.services import advance_status, changes_since, lock_version
from portal.registry.validation import check_email, check_phone
from portal.timeutil import local_today

ROW_FIELDS = ("responsible_person_id", "provider_name", "provider_position", "provider_phone",
              "provider_email")


def _services_of(session: Session, agency_id: int, service_ids: list[int]) -> list[Service]:
    services = session.scalars(select(Service).where(Service.id.in_(service_ids))
                               .order_by(Service.code)).all()
    if not services or len(services) != len(set(service_ids)):
        raise DomainError(_("Choose at least one service."), "service_ids")
    if any(s.agency_id != agency_id for s in services):
        raise DomainError(_("Annex 1 covers only services of your own agency."), "service_ids")
    if any(s.status is ServiceStatus.WITHDRAWN for s in services):
        raise DomainError(_("A withdrawn service needs no information."), "service_ids")
    return list(services)


def _new_row(session: Session, service: Service, position: int) -> Annex1Row:
    """A row prefilled from the last submission for the service and its current person."""
    last = session.scalar(
        select(Annex1Row).join(Annex1Submission)
        .where(Annex1Row.service_id == service.id,
               Annex1Submission.status != Annex1Status.DRAFT)
        .order_by(Annex1Submission.submitted_at.desc()).limit(1))
    today = local_today()
    current = [p for p in service.responsibles if is_current(p, today)]
    row = Annex1Row(service_id=service.id, position=position,
                    responsible_person_id=current[0].id if current else None)
    if last is not None:
        for field in ROW_FIELDS[1:]:
            setattr(row, field, getattr(last, field))
    return row


def create_draft(session: Session, actor: Any, agency_id: int, service_ids: list[int],
                 executor_name: str = "") -> Annex1Submission:
    """Start an Annex 1 form for some services of one agency."""
    services = _services_of(session, agency_id, service_ids)
    sub = Annex1Submission(agency_id=agency_id, executor_name=executor_name.strip(),
                           created_by_id=getattr(actor, "id", None))
    sub.rows = [_new_row(session, s, i) for i, s in enumerate(services, 1)]
    session.add(sub)
    session.flush()
    audit.record(session, actor, "registry.annex1_create", sub,
                 {"services": [None, [s.code for s in services]], "version": [None, sub.version]},
                 summary=", ".join(s.code for s in services)[:500])
    return sub


def _require_editable(sub: Annex1Submission) -> None:
    if not sub.status.editable:
        raise DomainError(_("This form was sent to the UCC and can no longer be changed."))


def _touch(session: Session, sub: Annex1Submission, expected: int) -> None:
    """Lock the form; refuse when someone saved since ``expected`` (optimistic locking)."""
    current = lock_version(session, sub)
    if current != expected:
        raise ConflictError(
            _("Someone else saved this form while you were editing it. "
              "Their changes are shown below; your text is kept in the form."),
            changes_since(session, sub, expected))
    _require_editable(sub)


def add_services(session: Session, actor: Any, sub: Annex1Submission, service_ids: list[int],
                 expected_version: int) -> None:
    """Add more services of the agency to an editable form."""
    _touch(session, sub, expected_version)
    have = {r.service_id for r in sub.rows}
    services = [s for s in _services_of(session, sub.agency_id, service_ids) if s.id not in have]
    start = max((r.position for r in sub.rows), default=0)
    for i, service in enumerate(services, start + 1):
        sub.rows.append(_new_row(session, service, i))
    _bump(session, actor, sub, expected_version,
          {"services": [sorted(have), sorted(have | {s.id for s in services})]})


def remove_row(session: Session, actor: Any, sub: Annex1Submission, row: Annex1Row,
               expected_version: int) -> None:
    """Take a service out of an editable form (at least one must stay)."""
    _touch(session, sub, expected_version)
    if len(sub.rows) <= 1:
        raise DomainError(_("A form keeps at least one service."))
    code = row.service.code
    sub.rows.remove(row)
    _bump(session, actor, sub, expected_version, {f"{code}": ["included", "removed"]})


def _bump(session: Session, actor: Any, sub: Annex1Submission, expected: int,
          changes: dict[str, list[Any]]) -> None:
    """Save a change to the form: new version, audit entry with the version."""
    sub.updated_at = utcnow()  # the row UPDATE bumps version_id_col even if only rows changed
    session.flush()
    changes["version"] = [expected, sub.version]
    audit.record(session, actor, "registry.annex1_save", sub, changes, summary=f"#{sub.id}")


def _clean_row(session: Session, sub: Annex1Submission, row: Annex1Row, data: dict[str, Any]
               ) -> dict[str, Any]:
    field = f"row-{row.id}-"
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()
           if k in ROW_FIELDS}
    out["provider_phone"] = check_phone(out.get("provider_phone", ""), field + "provider_phone")
    out["provider_email"] = check_email(out.get("provider_email", ""), field + "provider_email")
    person_id = out.get("responsible_person_id")
    if person_id:
        person = session.get(ResponsiblePerson, person_id)
        if person is None or person.agency_id != sub.agency_id:
            raise DomainError(_("Choose a responsible person of your agency."),
                              field + "responsible_person_id")
    return out


def save_draft(session: Session, actor: Any, sub: Annex1Submission, data: dict[str, Any],
               expected_version: int) -> dict[str, list[Any]]:
    """Save the executor and the rows' own fields; ``data["rows"]`` maps row id → fields."""
    _touch(session, sub, expected_version)
    changes: dict[str, list[Any]] = {}
    if "executor_name" in data:
        changes |= audit.apply_changes(sub, {"executor_name": data["executor_name"].strip()})
    rows = {r.id: r for r in sub.rows}
    for row_id, values in (data.get("rows") or {}).items():
        row = rows.get(int(row_id))
        if row is None:
            continue
        for key, pair in audit.apply_changes(row, _clean_row(session, sub, row, values)).items():
            changes[f"{row.service.code}: {key}"] = pair
    if changes:
        _bump(session, actor, sub, expected_version, changes)
    return changes


def snapshot_row(row: Annex1Row) -> dict[str, Any]:
    """Columns 2-8 of one row in both languages, as they stand now."""
    service, person = row.service, row.responsible_person
    return {
        "service_id": service.id,
        "code": service.code,
        "name": {"kk": service.name_kk, "ru": service.name_ru},
        "bylaws": [{"title": {"kk": b.title_kk, "ru": b.title_ru}, "number": b.number,
                    "approved_on": b.approved_on.isoformat(),
                    "registration_number": b.registration_number, "url": b.url}
                   for b in service.bylaws],
        "amendments": [{"bylaw_number": b.number, "amended_on": a.amended_on.isoformat(),
                        "act_title": a.act_title, "act_number": a.act_number,
                        "registration_number": a.registration_number}
                       for b in service.bylaws for a in b.amendments],
        "change_notes": service.change_notes,
        "internet_resource": service.internet_resource,
        "responsible": None if person is None else {
            "full_name": person.full_name,
            "position": {"kk": person.position_kk, "ru": person.position_ru},
            "phone": person.phone, "email": person.email},
        "provider": {"full_name": row.provider_name, "position": row.provider_position,
                     "phone": row.provider_phone, "email": row.provider_email},
    }


def submit_problems(sub: Annex1Submission) -> list[str]:
    """Everything that keeps the form from being sent, in the user's language."""
    problems = []
    if not sub.executor_name.strip():
        problems.append(_("Enter the full name of the responsible executor."))
    if not sub.rows:
        problems.append(_("Choose at least one service."))
    today = local_today()
    for row in sub.rows:
        code = row.service.code
        person = row.responsible_person
        if person is None or not is_current(person, today):
            problems.append(_("%(code)s: choose a current responsible person.", code=code))
        if not row.service.bylaws:
            problems.append(_("%(code)s: the service has no bylaw in the registry.", code=code))
        if not row.service.internet_resource:
            problems.append(_("%(code)s: the registry has no internet resource for the "
                              "service.", code=code))
        if not (row.provider_name.strip() and row.provider_position.strip()):
            problems.append(_("%(code)s: enter the provider's full name and position.",
                              code=code))
        if not (row.provider_phone or row.provider_email):
            problems.append(_("%(code)s: enter the provider's phone or e-mail.", code=code))
    return problems


def submit(session: Session, actor: Any, sub: Annex1Submission, expected_version: int
           ) -> Annex1Version:
    """Send the form to the UCC (Rules No. 83 cl. 20, 26): freeze a new version."""
    _touch(session, sub, expected_version)
    if problems := submit_problems(sub):
        raise DomainError(" ".join(problems))
    for row in sub.rows:  # naming a person in Annex 1 appoints them for the service
        person = row.responsible_person
        assert person is not None
        if row.service not in person.services:
            person.services.append(row.service)
            announce_appointment(session, actor, person, [row.service], local_today())
    now = utcnow()
    version = Annex1Version(number=len(sub.versions) + 1, submitted_at=now,
                            submitted_by_id=getattr(actor, "id", None),
                            executor_name=sub.executor_name,
                            data=[snapshot_row(r) for r in sub.rows])
    sub.versions.append(version)
    sub.status, sub.submitted_at, sub.review_comment = Annex1Status.SUBMITTED, now, ""
    _bump(session, actor, sub, expected_version, {"status": ["draft", "submitted"],
                                                  "submitted_version": [None, version.number]})
    for row in sub.rows:
        advance_status(session, actor, row.service, {ServiceStatus.RESPONSIBLE_APPOINTED},
                       ServiceStatus.INFO_SUBMITTED,
                       _("Annex 1 information submitted (form #%(id)s)", id=sub.id))
    signals.annex1_submitted.send("registry", session=session, actor=actor, submission_id=sub.id,
                                  agency_id=sub.agency_id,
                                  service_ids=[r.service_id for r in sub.rows], submitted_at=now)
    return version


def _decide(session: Session, actor: Any, sub: Annex1Submission, outcome: Annex1Status,
            comment: str) -> Annex1Version:
    if sub.status is not Annex1Status.SUBMITTED:
        raise DomainError(_("Only a submitted form can be accepted or returned."))
    version = sub.versions[-1]
    now = utcnow()
    version.outcome, version.review_comment = outcome, comment.strip()
    version.reviewed_at, version.reviewed_by_id = now, getattr(actor, "id", None)
    sub.status, sub.decided_at = outcome, now
    sub.decided_by_id, sub.review_comment = getattr(actor, "id", None), comment.strip()
    session.flush()
    audit.record(session, actor, f"registry.annex1_{outcome.value}", sub,
                 {"status": ["submitted", outcome.value], "comment": [None, comment.strip()],
                  "version": [sub.version - 1, sub.version]},
                 summary=f"#{sub.id} v{version.number}")
    return version


def accept(session: Session, actor: Any, sub: Annex1Submission, comment: str = "") -> None:
    """The UCC accepts the submitted information."""
    _decide(session, actor, sub, Annex1Status.ACCEPTED, comment)
    signals.annex1_accepted.send("registry", session=session, actor=actor, submission_id=sub.id,
                                 agency_id=sub.agency_id,
                                 service_ids=[r.service_id for r in sub.rows],
                                 accepted_at=sub.decided_at)


def return_for_correction(session: Session, actor: Any, sub: Annex1Submission,
                          comment: str) -> None:
    """The UCC returns the form with comments; the agency corrects and submits again."""
    if not comment.strip():
        raise DomainError(_("Say what must be corrected."), "comment")
    _decide(session, actor, sub, Annex1Status.RETURNED, comment)
    for row in sub.rows:  # returned information does not count as submitted
        advance_status(session, actor, row.service, {ServiceStatus.INFO_SUBMITTED},
                       ServiceStatus.RESPONSIBLE_APPOINTED,
                       _("Annex 1 returned for correction (form #%(id)s)", id=sub.id))
    signals.annex1_returned.send("registry", session=session, actor=actor, submission_id=sub.id,
                                 agency_id=sub.agency_id,
                                 service_ids=[r.service_id for r in sub.rows],
                                 returned_at=sub.decided_at)


def delete_draft(session: Session, actor: Any, sub: Annex1Submission) -> None:
    """Discard a draft that was never submitted."""
    if sub.status is not Annex1Status.DRAFT or sub.versions:
        raise DomainError(_("Only a draft that was never submitted can be deleted."))
    audit.record(session, actor, "registry.annex1_delete", sub, {}, summary=f"#{sub.id}")
    session.delete(sub)
