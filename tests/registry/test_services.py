"""Registry services: validation, optimistic locking, bylaws, status machine, search."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal import signals
from portal.audit import AuditEntry
from portal.errors import ConflictError, DomainError
from portal.pagination import paginate
from portal.registry import queries, services
from portal.registry.models import Service, ServiceStatus, ServiceStatusChange
from portal.security import Role
from tests.factories import make_agency, make_service, make_user

S = ServiceStatus


@contextmanager
def caught(signal):
    """Collect the kwargs of every ``signal`` sent inside the block."""
    seen: list[dict] = []

    def receiver(sender, **kw):
        seen.append(kw)

    signal.connect(receiver)
    try:
        yield seen
    finally:
        signal.disconnect(receiver)


GOOD = {"code": "00201005", "name_kk": "Жеке куәлік беру", "name_ru": "Выдача удостоверения",
        "term_days": 10, "term_kind": "working", "internet_resource": "https://egov.kz/x"}


@pytest.mark.parametrize("field,value,fragment", [
    ("code", "1234567", "exactly 8 digits"),
    ("code", "12a45678", "exactly 8 digits"),
    ("code", "00001001", "cannot be zero"),
    ("name_kk", " ", "Kazakh"),
    ("name_ru", "", "Russian"),
    ("internet_resource", "egov.kz", "https://"),
    ("term_days", 0, "1 to 365"),
])
def test_create_service_rejects_bad_input(app, session, field, value, fragment):
    agency = make_agency(session)
    with app.test_request_context(), force_locale("en"), pytest.raises(DomainError) as err:
        services.create_service(session, None, agency.id, GOOD | {field: value})
    assert fragment in err.value.message
    assert err.value.field == field


def test_service_messages_are_in_the_users_language(app, session):
    agency = make_agency(session)
    with app.test_request_context(), force_locale("ru"), pytest.raises(DomainError) as err:
        services.create_service(session, None, agency.id, GOOD | {"code": "123"})
    assert "8 цифр" in err.value.message
    with app.test_request_context(), force_locale("kk"), pytest.raises(DomainError) as err:
        services.create_service(session, None, agency.id, GOOD | {"name_kk": ""})
    assert "қазақ" in err.value.message.lower()


def test_registry_code_is_unique(app, session):
    agency = make_agency(session)
    with app.test_request_context():
        services.create_service(session, None, agency.id, GOOD)
        with pytest.raises(DomainError) as err:
            services.create_service(session, None, agency.id, GOOD | {"name_ru": "Другая"})
    assert err.value.field == "code"


def test_create_is_audited_and_starts_new(app, session):
    agency = make_agency(session)
    with app.test_request_context():
        service = services.create_service(session, None, agency.id, GOOD)
    assert service.status is S.NEW and service.version == 1
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action ==
                                                    "registry.service_create"))
    assert entry.object_id == str(service.id) and entry.changes["code"] == [None, "00201005"]


def test_second_save_of_the_same_version_conflicts_and_shows_what_changed(app, session):
    agency = make_agency(session)
    user = make_user(session, Role.UCC_MANAGER)
    service = make_service(session, agency, internet_resource="https://a.kz")
    loaded = service.version
    with app.test_request_context(), force_locale("en"):
        changes = services.update_service(session, user, service,
                                          {"internet_resource": "https://b.kz"}, loaded)
        assert changes["internet_resource"] == ["https://a.kz", "https://b.kz"]
        assert service.version == loaded + 1
        with pytest.raises(ConflictError) as err:
            services.update_service(session, user, service, {"name_ru": "Моё"}, loaded)
    assert err.value.changes == {"internet_resource": ["https://a.kz", "https://b.kz"]}
    assert "Someone else saved" in err.value.message
    session.expire_all()
    assert session.get(Service, service.id).name_ru != "Моё"


def test_saving_the_current_version_after_a_conflict_succeeds(app, session):
    agency = make_agency(session)
    service = make_service(session, agency)
    with app.test_request_context():
        services.update_service(session, None, service, {"change_notes": "a"}, 1)
        services.update_service(session, None, service, {"change_notes": "b"}, 2)
    assert service.change_notes == "b" and service.version == 3


def test_add_bylaw_and_amendment_send_signals(app, session):
    agency = make_agency(session)
    service = make_service(session, agency, status=S.NEW)
    with app.test_request_context(), caught(signals.bylaw_approved) as approved, \
            caught(signals.bylaw_amended) as amended:
        bylaw = services.add_bylaw(session, None, service, {
            "title_kk": "Қағида", "title_ru": "Правила", "number": "15",
            "approved_on": date(2026, 2, 2), "registration_number": "123", "url": ""})
        services.add_amendment(session, None, bylaw, {
            "amended_on": date(2026, 3, 3), "act_title": "О внесении изменений",
            "act_number": "77"})
    assert approved == [{"session": session, "actor": None, "service_id": service.id,
                         "bylaw_id": bylaw.id, "approved_on": date(2026, 2, 2)}]
    assert amended[0]["amended_on"] == date(2026, 3, 3) and amended[0]["bylaw_id"] == bylaw.id
    assert bylaw.amendments[0].act_number == "77"


def test_amendment_cannot_precede_the_act(app, session):
    agency = make_agency(session)
    service = make_service(session, agency)
    with app.test_request_context(), pytest.raises(DomainError) as err:
        services.add_amendment(session, None, service.bylaws[0],
                               {"amended_on": date(2019, 1, 1), "act_number": "1"})
    assert err.value.field == "amended_on"


def test_bylaw_needs_both_languages(app, session):
    agency = make_agency(session)
    service = make_service(session, agency)
    with app.test_request_context(), pytest.raises(DomainError) as err:
        services.add_bylaw(session, None, service, {
            "title_kk": "", "title_ru": "Правила", "number": "1",
            "approved_on": date(2026, 1, 5)})
    assert err.value.field == "title_kk"


def test_status_moves_only_along_the_transition_table(app, session):
    agency = make_agency(session)
    service = make_service(session, agency, status=S.NEW)
    with app.test_request_context(), caught(signals.service_status_changed) as seen:
        with pytest.raises(DomainError):
            services.change_status(session, None, service, S.CONSULTING, "skip ahead")
        for step in (S.RESPONSIBLE_APPOINTED, S.INFO_SUBMITTED, S.TRAINING_SCHEDULED,
                     S.TRAINED, S.PROTOCOL_SIGNED):
            services.change_status(session, None, service, step, "event")
        services.change_status(session, None, service, S.CONSULTING, "protocol + 5 wd",
                               on=date(2026, 5, 4))
    assert service.status is S.CONSULTING and service.consultation_start == date(2026, 5, 4)
    assert [(k["old"], k["new"]) for k in seen][-1] == (S.PROTOCOL_SIGNED, S.CONSULTING)
    history = session.scalars(select(ServiceStatusChange).where(
        ServiceStatusChange.service_id == service.id)).all()
    assert len(history) == 6


def test_status_change_needs_a_reason_and_withdrawn_is_final(app, session):
    agency = make_agency(session)
    service = make_service(session, agency)
    with app.test_request_context():
        with pytest.raises(DomainError):
            services.change_status(session, None, service, S.SUSPENDED, " ")
        services.change_status(session, None, service, S.WITHDRAWN, "act repealed")
        with pytest.raises(DomainError):
            services.change_status(session, None, service, S.CONSULTING, "back")


def test_resume_returns_to_the_status_before_suspension(app, session):
    agency = make_agency(session)
    service = make_service(session, agency, status=S.TRAINED)
    with app.test_request_context():
        services.change_status(session, None, service, S.SUSPENDED, "act suspended")
        with pytest.raises(DomainError):
            services.change_status(session, None, service, S.CONSULTING, "jump")
        services.resume_service(session, None, service, "act restored")
    assert service.status is S.TRAINED


def _names(session, **kw):
    query = queries.ServiceQuery(**kw)
    return [s.code for s in session.scalars(queries.service_list(session, query))]


def test_search_tolerates_typos_in_either_language_and_finds_codes(app, session):
    agency = make_agency(session)
    make_service(session, agency, code="00201001", name_kk="Жеке басты куәландыратын "
                 "құжаттарды беру", name_ru="Выдача документов, удостоверяющих личность")
    make_service(session, agency, code="00301002", name_kk="Баланың тууын тіркеу",
                 name_ru="Регистрация рождения ребенка")
    assert _names(session, q="удостоверяюших") == ["00201001"]  # щ → ш
    assert _names(session, q="туун тркеу") == ["00301002"]  # dropped letter, kk
    assert _names(session, q="РОЖДЕНИЯ") == ["00301002"]
    assert _names(session, q="00201") == ["00201001"]
    assert _names(session, q="00201001") == ["00201001"]


def test_list_filters_sorts_and_paginates(app, session):
    a1, a2 = make_agency(session), make_agency(session)
    for i in range(7):
        make_service(session, a1 if i % 2 else a2, code=f"0090100{i + 1}",
                     status=S.NEW if i < 3 else S.CONSULTING)
    assert _names(session, agency_id=a1.id) == ["00901002", "00901004", "00901006"]
    assert _names(session, status=S.NEW, desc=True, sort="code") == [
        "00901003", "00901002", "00901001"]
    page = paginate(session, queries.service_list(session, queries.ServiceQuery(
        agency_id=a2.id)), page=2, per_page=3)
    assert page.total == 4 and [s.code for s in page.items] == ["00901007"]


def test_overdue_filter_is_a_hook_registered_by_a_higher_floor(app, session, monkeypatch):
    monkeypatch.setattr(queries, "_overdue_filters", [])  # only this test's filter
    assert not queries.has_overdue_filter()
    agency = make_agency(session)
    keep = make_service(session, agency, code="00801001")
    make_service(session, agency, code="00801002")

    def only_keep(stmt):
        return stmt.where(Service.id == keep.id)

    queries.register_overdue_filter(only_keep)
    assert queries.has_overdue_filter()
    assert _names(session, agency_id=agency.id, overdue=True) == ["00801001"]
    assert len(_names(session, agency_id=agency.id)) == 2


def test_a_mistyped_full_code_still_finds_the_service(app, session):
    agency = make_agency(session)
    make_service(session, agency, code="00201001")
    make_service(session, agency, code="00701009")
    assert _names(session, q="00211001") == ["00201001"]
