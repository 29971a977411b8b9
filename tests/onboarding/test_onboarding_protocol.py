"""Training, the two-sided acceptance protocol, its freeze, the consultation start (cl. 21-23)."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from jobs.onboarding import start_consultations
from portal import signals
from portal.errors import DomainError
from portal.notify.models import OutboxMessage
from portal.obligations import engine
from portal.obligations.models import Obligation, ObligationStatus
from portal.onboarding import protocols, training
from portal.onboarding.models import SignatureSide
from portal.registry.models import ServiceStatus
from portal.security import Role
from portal.timeutil import local_today
from tests.factories import make_agency, make_user


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _obligation(session, rule_key, service_id) -> Obligation:
    return session.scalars(select(Obligation).where(
        Obligation.rule_key == rule_key, Obligation.subject_id == service_id)
        .order_by(Obligation.id.desc())).first()


def test_training_held_fulfils_cl21_and_opens_the_protocol(app, session, onb):
    with app.test_request_context():
        tr = training.schedule_training(session, onb.manager, onb.service, {
            "scheduled_on": local_today() + timedelta(days=2), "place": "", "questions": "",
            "participants": "", "notes": ""})
        assert onb.service.status is ServiceStatus.TRAINING_SCHEDULED
        with pytest.raises(DomainError):  # one planned training at a time: move its date
            training.schedule_training(session, onb.manager, onb.service, {
                "scheduled_on": local_today(), "place": "", "questions": "",
                "participants": "", "notes": ""})
        with pytest.raises(DomainError):
            training.mark_held(session, onb.manager, tr, local_today() + timedelta(days=1))
        training.mark_held(session, onb.manager, tr, local_today())
    assert onb.service.status is ServiceStatus.TRAINED
    assert _obligation(session, "training_after_annex1", onb.service.id).status is \
        ObligationStatus.FULFILLED_ON_TIME
    assert _obligation(session, "protocol_after_training", onb.service.id).status is \
        ObligationStatus.OPEN


def test_questions_are_mailed_to_the_agency_once(app, session, onb):
    with app.test_request_context():
        tr = training.schedule_training(session, onb.manager, onb.service, {
            "scheduled_on": local_today() + timedelta(days=5), "place": "", "participants": "",
            "questions": "1. Қандай құжаттар қажет?\n2. Мерзімі қанша?", "notes": ""})
        assert training.send_questions(session, onb.manager, tr) == 2
        with pytest.raises(DomainError):
            training.send_questions(session, onb.manager, tr)  # same text: never twice
    mails = session.scalars(select(OutboxMessage).where(
        OutboxMessage.key.like(f"training:{tr.id}:questions:%"))).all()
    assert sorted(m.recipient for m in mails) == sorted([onb.person.email, "resp@gov.kz"])
    assert all("Мерзімі қанша?" in m.body_text for m in mails)
    assert tr.questions_sent_at is not None


def test_protocol_needs_a_held_training(app, session, onb):
    with app.test_request_context(), pytest.raises(DomainError):
        protocols.create_protocol(session, onb.manager, onb.service, {
            "drawn_up_on": local_today(), "locale": "kk", "place": "", "notes": ""})


def test_two_signatures_freeze_the_protocol_and_set_consultation_start(app, session, onb,
                                                                       make_protocol):
    protocol = make_protocol()
    assert protocol.pdf.startswith(b"%PDF")
    assert protocol.pdf_sha256 == hashlib.sha256(protocol.pdf).hexdigest()
    assert protocol.number == f"{onb.service.code}-1"
    with app.test_request_context():
        first = protocols.sign_protocol(session, onb.manager, protocol, protocol.pdf_sha256)
        assert first.side is SignatureSide.UCC and not protocol.frozen
        second = protocols.sign_protocol(session, onb.agency_user, protocol, protocol.pdf_sha256)
    assert second.side is SignatureSide.AGENCY and second.user_id == onb.agency_user.id
    assert first.pdf_sha256 == second.pdf_sha256 == protocol.pdf_sha256
    assert protocol.frozen and protocol.signed_on == local_today()
    calendar = engine.get_calendar(session)
    assert protocol.consultation_start == calendar.add_working_days(local_today(), 5)
    assert onb.service.status is ServiceStatus.PROTOCOL_SIGNED
    assert _obligation(session, "protocol_after_training", onb.service.id).status is \
        ObligationStatus.FULFILLED_ON_TIME
    cl23 = _obligation(session, "consultation_start_after_protocol", onb.service.id)
    assert cl23.status is ObligationStatus.OPEN
    assert cl23.due_at.astimezone(engine.ASTANA_TZ).date() == protocol.consultation_start

    final = _pdf_text(protocol.final_pdf)
    assert protocol.final_sha256 == hashlib.sha256(protocol.final_pdf).hexdigest()
    assert "Иванов Пётр Сергеевич" in final and "Серікбаев Нұрлан Асқарұлы" in final
    assert protocol.pdf_sha256[:32] in final.replace("\n", "")
    signed_mail = session.scalars(select(OutboxMessage).where(
        OutboxMessage.key == f"protocol:{protocol.id}:signed:resp@gov.kz")).one()
    assert signed_mail.attachments[0].content == protocol.final_pdf


def test_protocol_pdf_in_kazakh_and_russian(app, session, onb, make_protocol):
    kk = make_protocol("kk")
    text = _pdf_text(kk.pdf)
    assert "хаттамасы" in text and "Жер учаскесіне құқық беру" in text
    assert "Әлібекова Гүлнар Серікқызы" in text
    with app.test_request_context():
        protocols.update_protocol(session, onb.manager, kk, {
            "drawn_up_on": local_today(), "locale": "ru", "place": "Астана", "notes": ""})
    text = _pdf_text(kk.pdf)
    assert "Протокол" in text and "Предоставление права на земельный участок" in text


def test_changed_document_refuses_the_old_hash_and_voids_signatures(app, session, onb,
                                                                    make_protocol):
    protocol = make_protocol()
    shown = protocol.pdf_sha256
    with app.test_request_context():
        with pytest.raises(DomainError):
            protocols.sign_protocol(session, onb.manager, protocol, "0" * 64)
        protocols.sign_protocol(session, onb.manager, protocol, shown)
        changes = protocols.update_protocol(session, onb.manager, protocol, {
            "drawn_up_on": local_today(), "locale": "kk", "place": "Астана",
            "notes": "Қосымша шарт"})
        assert "signature_ucc" in changes and protocol.signatures == []
        assert protocol.pdf_sha256 != shown
        with pytest.raises(DomainError):
            protocols.sign_protocol(session, onb.agency_user, protocol, shown)
        protocols.sign_protocol(session, onb.agency_user, protocol, protocol.pdf_sha256)
        protocols.sign_protocol(session, onb.manager, protocol, protocol.pdf_sha256)
    assert protocol.frozen


def test_frozen_protocol_refuses_changes_and_needs_a_new_version(app, session, onb, make_protocol):
    protocol = make_protocol()
    with app.test_request_context():
        protocols.sign_protocol(session, onb.manager, protocol, protocol.pdf_sha256)
        protocols.sign_protocol(session, onb.agency_user, protocol, protocol.pdf_sha256)
        frozen_pdf = protocol.final_pdf
        with pytest.raises(DomainError):
            protocols.update_protocol(session, onb.manager, protocol, {
                "drawn_up_on": local_today(), "locale": "kk", "place": "", "notes": "x"})
        with pytest.raises(DomainError):
            protocols.sign_protocol(session, onb.manager, protocol, protocol.pdf_sha256)
        second = protocols.new_version(session, onb.manager, protocol)
    assert protocol.final_pdf == frozen_pdf and protocol.frozen
    assert second.version == 2 and second.number == f"{onb.service.code}-2"
    assert not second.frozen and second.signatures == []


def test_only_authorized_representatives_sign(app, session, onb, make_protocol):
    protocol = make_protocol()
    foreign = make_user(session, Role.AGENCY_RESPONSIBLE, make_agency(session))
    with app.test_request_context():
        for user in (make_user(session, Role.UCC_OPERATOR), make_user(session, Role.ADMIN),
                     foreign):
            with pytest.raises(DomainError):
                protocols.sign_protocol(session, user, protocol, protocol.pdf_sha256)
        protocols.sign_protocol(session, onb.manager, protocol, protocol.pdf_sha256)
        other_manager = make_user(session, Role.UCC_MANAGER)
        with pytest.raises(DomainError):  # the UCC side has signed already
            protocols.sign_protocol(session, other_manager, protocol, protocol.pdf_sha256)
    assert len(protocol.signatures) == 1


def test_consultation_starts_on_the_day_by_the_scheduled_job(app, session, onb, make_protocol):
    protocol = make_protocol()
    with app.test_request_context():
        protocols.sign_protocol(session, onb.manager, protocol, protocol.pdf_sha256)
        protocols.sign_protocol(session, onb.agency_user, protocol, protocol.pdf_sha256)
    session.commit()
    start = protocol.consultation_start
    seen: list[tuple[int, ServiceStatus]] = []

    def receiver(sender, **kw):
        seen.append((kw["service_id"], kw["new"]))

    signals.service_status_changed.connect(receiver)
    try:
        assert start_consultations(today=(start - timedelta(days=1)).isoformat()) == []
        assert start_consultations(today=start.isoformat()) == [onb.service.id]
        assert start_consultations(today=start.isoformat()) == []  # idempotent
    finally:
        signals.service_status_changed.disconnect(receiver)
    session.expire_all()
    assert onb.service.status is ServiceStatus.CONSULTING
    assert onb.service.consultation_start == start
    assert seen == [(onb.service.id, ServiceStatus.CONSULTING)]
    assert _obligation(session, "consultation_start_after_protocol", onb.service.id).status \
        is ObligationStatus.FULFILLED_ON_TIME
