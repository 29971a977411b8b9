"""Requests for information (cl. 24-25): answers with files, refusals kept per agency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from portal import signals
from portal.errors import DomainError
from portal.registry import requests as reqs
from portal.registry.annex_models import InfoRequestStatus
from portal.security import Role
from portal.timeutil import local_today
from tests.factories import make_agency, make_service, make_user

PDF = b"%PDF-1.4\n% test document\n"


def _send(app, session, agency, **kw):
    ucc = make_user(session, Role.UCC_MANAGER)
    with app.test_request_context():
        return reqs.send_request(session, ucc, agency.id, {
            "subject": "Мерзімді нақтылау", "body": "Қызмет мерзімін нақтылаңыз.",
            "due_on": local_today() + timedelta(days=3)} | kw)


def test_send_validates_and_signals(app, session):
    agency = make_agency(session)
    seen = []
    signals.info_request_sent.connect(recv := lambda s, **kw: seen.append(kw))
    try:
        req = _send(app, session, agency)
    finally:
        signals.info_request_sent.disconnect(recv)
    assert seen[0]["request_id"] == req.id and seen[0]["agency_id"] == agency.id
    with app.test_request_context(), pytest.raises(DomainError) as err:
        reqs.send_request(session, None, agency.id, {"subject": "x", "body": "y",
                                                      "due_on": local_today() - timedelta(1)})
    assert err.value.field == "due_on"
    foreign_service = make_service(session, make_agency(session))
    with app.test_request_context(), pytest.raises(DomainError) as err:
        reqs.send_request(session, None, agency.id, {
            "subject": "x", "body": "y", "due_on": local_today(),
            "service_id": foreign_service.id})
    assert err.value.field == "service_id"


def test_answer_with_attachment(app, session):
    agency = make_agency(session)
    req = _send(app, session, agency)
    user = make_user(session, Role.AGENCY_RESPONSIBLE, agency)
    with app.test_request_context():
        reqs.answer_request(session, user, req, "Мерзімі — 5 жұмыс күні.",
                            [reqs.Upload("жауап.pdf", PDF)])
        with pytest.raises(DomainError):
            reqs.refuse_request(session, user, req, "late change of mind")
    assert req.status is InfoRequestStatus.ANSWERED
    assert req.attachments[0].content_type == "application/pdf"
    assert req.attachments[0].data == PDF and req.attachments[0].filename == "жауап.pdf"


@pytest.mark.parametrize("upload,fragment", [
    (reqs.Upload("virus.exe", b"MZ"), "not accepted"),
    (reqs.Upload("fake.pdf", b"MZ\x90\x00"), "not really"),
    (reqs.Upload("big.txt", b"x" * (reqs.MAX_ATTACHMENT_BYTES + 1)), "10 MB"),
    (reqs.Upload("empty.txt", b""), "empty"),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(app, session, upload, fragment):
    agency = make_agency(session)
    req = _send(app, session, agency)
    with app.test_request_context(), force_locale("en"), pytest.raises(DomainError) as err:
        reqs.answer_request(session, None, req, "text",
                            [reqs.Upload("ok.txt", b"fine"), upload])
    assert fragment in err.value.message
    assert req.status is InfoRequestStatus.OPEN and req.attachments == []


def test_refusals_are_kept_per_agency_with_dates(app, session):
    agency, other = make_agency(session), make_agency(session)
    first, second = _send(app, session, agency), _send(app, session, agency)
    third = _send(app, session, other)
    seen = []
    signals.info_request_refused.connect(recv := lambda s, **kw: seen.append(kw))
    try:
        with app.test_request_context():
            with pytest.raises(DomainError):
                reqs.refuse_request(session, None, first, " ")
            for req in (first, second, third):
                reqs.refuse_request(session, None, req, "Коммерциялық құпия")
    finally:
        signals.info_request_refused.disconnect(recv)
    assert [kw["request_id"] for kw in seen] == [first.id, second.id, third.id]
    mine = reqs.refusals(session, agency.id)
    assert [r.id for r in mine] == [first.id, second.id]
    assert all(r.responded_at is not None for r in mine)
    later = datetime.now(UTC) + timedelta(days=1)
    assert reqs.refusals(session, agency.id, since=later) == []
    counts = {a: n for a, n, _last in reqs.refusal_counts(session)}
    assert counts[agency.id] == 2 and counts[other.id] == 1
