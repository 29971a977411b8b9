"""Registry events open and close obligations (Rules No. 83, cl. 20-28).

Subjects used here, for other areas that close these obligations:
- ("service", service_id): annex1_after_bylaw (cl. 20), training_after_annex1 (cl. 21),
  info_update_after_amendment (cl. 26) - the onboarding area fulfils cl. 21 with
  ``fulfil(rule_key="training_after_annex1", subject_type="service", subject_id=...)``;
- ("responsible_person", new_person_id): responsible_person_replaced_notice (cl. 27);
- ("info_request", request_id): info_request_answer (cl. 24-25);
- ("refusal_notice", notice_id): refusal_notice_to_qc (cl. 28), see ``refusals``.
Receivers flush, never commit (portal/signals.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from portal import signals
from portal.calendar.services import calendar_changed
from portal.obligations import refusals
from portal.obligations.engine import cancel, end_of_day, fulfil, open_obligation, start_of_day
from portal.obligations.models import Obligation, ObligationStatus
from portal.obligations.queries import has_overdue_clause
from portal.obligations.services import recompute_deadlines
from portal.registry import queries as registry_queries
from portal.registry.models import Service, ServiceStatus

#: Statuses after which a service needs no (new) training: it was trained already or is gone.
_NO_TRAINING = frozenset({ServiceStatus.TRAINED, ServiceStatus.PROTOCOL_SIGNED,
                          ServiceStatus.CONSULTING, ServiceStatus.SUSPENDED,
                          ServiceStatus.WITHDRAWN})


def on_bylaw_approved(sender: Any, *, session: Session, actor: Any, service_id: int,
                      bylaw_id: int, approved_on: date, **_kw: Any) -> None:
    """cl. 20: five working days to appoint a responsible person and send Annex 1."""
    service = session.get(Service, service_id)
    if service is None:
        return
    open_obligation(session, rule_key="annex1_after_bylaw", trigger_at=start_of_day(approved_on),
                    subject_type="service", subject_id=service_id, agency_id=service.agency_id,
                    service_id=service_id, actor=actor, details={"bylaw_id": bylaw_id})


def on_bylaw_amended(sender: Any, *, session: Session, actor: Any, service_id: int,
                     bylaw_id: int, amended_on: date, **_kw: Any) -> None:
    """cl. 26: five working days to update the Annex 1 information after an amendment."""
    service = session.get(Service, service_id)
    if service is None:
        return
    open_obligation(session, rule_key="info_update_after_amendment",
                    trigger_at=start_of_day(amended_on), subject_type="service",
                    subject_id=service_id, agency_id=service.agency_id, service_id=service_id,
                    actor=actor, details={"bylaw_id": bylaw_id})


def _training_done_or_moot(session: Session, service: Service) -> bool:
    if service.status in _NO_TRAINING:
        return True
    return session.scalar(select(Obligation.id).where(
        Obligation.rule_key == "training_after_annex1", Obligation.subject_type == "service",
        Obligation.subject_id == service.id,
        Obligation.status.in_((ObligationStatus.FULFILLED_ON_TIME,
                               ObligationStatus.FULFILLED_LATE))).limit(1)) is not None


def _open_training(session: Session, actor: Any, service: Service, at: datetime,
                   submission_id: int) -> None:
    """cl. 21: the responsible person trains the UCC's employee within 10 working days."""
    if _training_done_or_moot(session, service):
        return
    open_obligation(session, rule_key="training_after_annex1", trigger_at=at,
                    subject_type="service", subject_id=service.id, agency_id=service.agency_id,
                    service_id=service.id, actor=actor, details={"submission_id": submission_id})


def on_annex1_submitted(sender: Any, *, session: Session, actor: Any, submission_id: int,
                        agency_id: int, service_ids: list[int], submitted_at: datetime,
                        **_kw: Any) -> None:
    """Annex 1 sent: closes cl. 20 or cl. 26, and starts the cl. 21 training term."""
    for service_id in service_ids:
        service = session.get(Service, service_id)
        if service is None:
            continue
        update = fulfil(session, rule_key="info_update_after_amendment", subject_type="service",
                        subject_id=service_id, at=submitted_at, actor=actor,
                        details={"submission_id": submission_id})
        # cl. 20 wants both an appointed person and the form; the registry only accepts a
        # form that names a current responsible person and links them to the service.
        if service.responsibles:
            fulfil(session, rule_key="annex1_after_bylaw", subject_type="service",
                   subject_id=service_id, at=submitted_at, actor=actor,
                   details={"submission_id": submission_id})
        if update is None:  # an update after an amendment needs no new training
            _open_training(session, actor, service, submitted_at, submission_id)


def on_annex1_accepted(sender: Any, *, session: Session, actor: Any, submission_id: int,
                       agency_id: int, service_ids: list[int], accepted_at: datetime,
                       **_kw: Any) -> None:
    """Accepted information: make sure the training term runs (idempotent)."""
    for service_id in service_ids:
        service = session.get(Service, service_id)
        if service is not None:
            _open_training(session, actor, service, accepted_at, submission_id)


def on_annex1_returned(sender: Any, *, session: Session, actor: Any, submission_id: int,
                       agency_id: int, service_ids: list[int], returned_at: datetime,
                       **_kw: Any) -> None:
    """Returned information was not "provided" (cl. 21): the training term restarts later."""
    for service_id in service_ids:
        cancel(session, rule_key="training_after_annex1", subject_type="service",
               subject_id=service_id, actor=actor, at=returned_at,
               reason="Annex 1 was returned for correction; the term restarts when it is "
                      "submitted again.", details={"reason_code": "annex1_returned"})


def on_responsible_replaced(sender: Any, *, session: Session, actor: Any, agency_id: int,
                            old_person_id: int, new_person_id: int, replaced_on: date,
                            notified_on: date, **_kw: Any) -> None:
    """cl. 27: the notice is what the registry records, so the duty opens and closes at once.

    The term runs from the replacement; the notice date decides on time or late.
    """
    open_obligation(session, rule_key="responsible_person_replaced_notice",
                    trigger_at=start_of_day(replaced_on), subject_type="responsible_person",
                    subject_id=new_person_id, agency_id=agency_id, actor=actor,
                    details={"old_person_id": old_person_id})
    fulfil(session, rule_key="responsible_person_replaced_notice",
           subject_type="responsible_person", subject_id=new_person_id,
           at=start_of_day(notified_on), actor=actor)


def on_info_request_sent(sender: Any, *, session: Session, actor: Any, request_id: int,
                         agency_id: int, service_id: int | None, due_on: date,
                         sent_at: datetime, **_kw: Any) -> None:
    """cl. 24-25: the provider answers by the date the UCC's request sets."""
    open_obligation(session, rule_key="info_request_answer", trigger_at=sent_at,
                    subject_type="info_request", subject_id=request_id, agency_id=agency_id,
                    service_id=service_id, due_at=end_of_day(due_on), actor=actor)


def on_info_request_answered(sender: Any, *, session: Session, actor: Any, request_id: int,
                             agency_id: int, answered_at: datetime, **_kw: Any) -> None:
    """An answer closes the request's obligation, on time or late."""
    fulfil(session, rule_key="info_request_answer", subject_type="info_request",
           subject_id=request_id, at=answered_at, actor=actor)


def on_info_request_refused(sender: Any, *, session: Session, actor: Any, request_id: int,
                            agency_id: int, refused_at: datetime, **_kw: Any) -> None:
    """A refusal closes the request and may call for a cl. 28 notice."""
    refusals.record_refusal(session, actor, request_id=request_id, agency_id=agency_id,
                            refused_at=refused_at)


def on_service_status_changed(sender: Any, *, session: Session, actor: Any, service_id: int,
                              old: Any, new: Any, **_kw: Any) -> None:
    """A withdrawn service owes nothing more: its open onboarding duties are cancelled."""
    if new != ServiceStatus.WITHDRAWN:
        return
    for ob in session.scalars(select(Obligation).where(
            Obligation.service_id == service_id, Obligation.status == ObligationStatus.OPEN,
            Obligation.subject_type == "service")):
        cancel(session, rule_key=ob.rule_key, subject_type="service", subject_id=service_id,
               actor=actor, reason="The service was withdrawn.",
               details={"reason_code": "service_withdrawn"})


def on_calendar_changed(sender: Any, *, session: Session, actor: Any, day: date,
                        **_kw: Any) -> int:
    """A decree moved a day: recompute open working-day deadlines; returns how many moved."""
    return recompute_deadlines(session, actor, day)


_CONNECTIONS = (
    (signals.bylaw_approved, on_bylaw_approved),
    (signals.bylaw_amended, on_bylaw_amended),
    (signals.annex1_submitted, on_annex1_submitted),
    (signals.annex1_accepted, on_annex1_accepted),
    (signals.annex1_returned, on_annex1_returned),
    (signals.responsible_replaced, on_responsible_replaced),
    (signals.info_request_sent, on_info_request_sent),
    (signals.info_request_answered, on_info_request_answered),
    (signals.info_request_refused, on_info_request_refused),
    (signals.service_status_changed, on_service_status_changed),
    (calendar_changed, on_calendar_changed),
)
for _signal, _receiver in _CONNECTIONS:
    _signal.connect(_receiver)


def services_with_overdue(stmt: Select[Any]) -> Select[Any]:
    """Registry list filter: services with an open obligation past its deadline."""
    return stmt.where(has_overdue_clause(Service.id))


registry_queries.register_overdue_filter(services_with_overdue)
