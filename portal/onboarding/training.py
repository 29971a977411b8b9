"""Training of the contact center's staff on a new service (Rules No. 83, cl. 21)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.db import utcnow
from portal.errors import DomainError
from portal.obligations import engine
from portal.onboarding.models import Training
from portal.onboarding.notices import send_training_questions
from portal.registry.models import Service, ServiceStatus
from portal.registry.services import advance_status
from portal.timeutil import local_today

S = ServiceStatus
#: Rule keys of the rulebook (portal/obligations/rulebook_data.py), subject "service".
TRAINING_RULE = "training_after_annex1"  # cl. 21
PROTOCOL_RULE = "protocol_after_training"  # cl. 22
TRAINING_FIELDS = ("scheduled_on", "place", "participants", "questions", "notes")
#: Training follows the Annex 1 information (cl. 21): not before it, not after withdrawal.
NOT_TRAINABLE = frozenset({S.NEW, S.RESPONSIBLE_APPOINTED, S.WITHDRAWN})


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data[k] for k in TRAINING_FIELDS if k in data}
    for key in ("place", "participants", "questions", "notes"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if not isinstance(out.get("scheduled_on"), date):
        raise DomainError(_("Give the date of the training."), "scheduled_on")
    return out


def trainings_of(session: Session, service_id: int) -> list[Training]:
    """A service's trainings, newest first."""
    return list(session.scalars(select(Training).where(Training.service_id == service_id)
                                .order_by(Training.scheduled_on.desc(), Training.id.desc())))


def schedule_training(session: Session, actor: Any, service: Service,
                      data: dict[str, Any]) -> Training:
    """Plan a training for ``service`` (Rules No. 83, cl. 21)."""
    if service.status in NOT_TRAINABLE:
        raise DomainError(_("A training follows the service information in the Annex 1 form "
                            "(Rules No. 83, cl. 21)."), "scheduled_on")
    if session.scalar(select(Training.id).where(Training.service_id == service.id,
                                                Training.held_on.is_(None))):
        raise DomainError(_("A training is already planned for this service: change its "
                            "date instead."), "scheduled_on")
    values = _clean(data)
    training = Training(service_id=service.id, created_by_id=getattr(actor, "id", None),
                        **{"place": "", "participants": "", "questions": "", "notes": "",
                           **values})
    session.add(training)
    session.flush()
    audit.record(session, actor, "onboarding.training_schedule", training,
                 {k: [None, v] for k, v in values.items()}, summary=service.code,
                 agency_id=service.agency_id)
    advance_status(session, actor, service, {S.INFO_SUBMITTED}, S.TRAINING_SCHEDULED,
                   _("Training scheduled for %(date)s", date=values["scheduled_on"].isoformat()))
    return training


def update_training(session: Session, actor: Any, training: Training,
                    data: dict[str, Any]) -> dict[str, list[Any]]:
    """Change the date, place, participants, questions or notes of a training."""
    if training.held_on is not None and data.get("scheduled_on") != training.scheduled_on:
        raise DomainError(_("The training was held: its date can no longer change."),
                          "scheduled_on")
    changes = audit.apply_changes(training, _clean(data))
    if changes:
        session.flush()
        audit.record(session, actor, "onboarding.training_update", training, changes,
                     summary=training.service.code, agency_id=training.service.agency_id)
    return changes


def send_questions(session: Session, actor: Any, training: Training) -> int:
    """E-mail the questions to the agency's responsible persons; returns messages queued."""
    if not training.questions.strip():
        raise DomainError(_("Write the questions first."), "questions")
    if training.held_on is not None:
        raise DomainError(_("Questions are sent before the training."), "questions")
    queued = send_training_questions(session, training.id, training.service, training.questions)
    if not queued:
        raise DomainError(_("These questions were already sent, or the agency has no "
                            "responsible person with an e-mail address."), "questions")
    training.questions_sent_at = utcnow()
    audit.record(session, actor, "onboarding.training_questions", training,
                 {"questions_sent_at": [None, training.questions_sent_at.isoformat()]},
                 summary=f"{training.service.code}: {queued}",
                 agency_id=training.service.agency_id)
    return queued


def mark_held(session: Session, actor: Any, training: Training, held_on: date) -> None:
    """Record that the training took place: fulfils cl. 21 and opens the cl. 22 protocol."""
    if held_on > local_today():
        raise DomainError(_("A training cannot be marked as held in the future."), "held_on")
    if training.held_on is not None:
        raise DomainError(_("This training is already marked as held."), "held_on")
    service = training.service
    training.held_on = held_on
    session.flush()
    audit.record(session, actor, "onboarding.training_held", training,
                 {"held_on": [None, held_on.isoformat()]}, summary=service.code,
                 agency_id=service.agency_id)
    # The moment of a training known only by its day: the end of that day, or now if today.
    at = min(engine.end_of_day(held_on), utcnow())
    engine.fulfil(session, rule_key=TRAINING_RULE, subject_type="service",
                  subject_id=service.id, at=at, actor=actor)
    engine.open_obligation(session, rule_key=PROTOCOL_RULE, trigger_at=at,
                           subject_type="service", subject_id=service.id,
                           agency_id=service.agency_id, service_id=service.id, actor=actor)
    reason = _("Training held on %(date)s (Rules No. 83, cl. 21)", date=held_on.isoformat())
    advance_status(session, actor, service, {S.INFO_SUBMITTED}, S.TRAINING_SCHEDULED, reason)
    advance_status(session, actor, service, {S.TRAINING_SCHEDULED}, S.TRAINED, reason)


def held_training(session: Session, service_id: int) -> Training | None:
    """The latest training of the service that took place."""
    return session.scalar(select(Training)
                          .where(Training.service_id == service_id, Training.held_on.is_not(None))
                          .order_by(Training.held_on.desc(), Training.id.desc()).limit(1))

