"""Registry screens over HTTP: list and htmx fragment, card, conflicts, access across agencies."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.registry.annex_models import Annex1Status, Annex1Submission, InfoRequest
from portal.registry.models import Service, ServiceStatus
from portal.security import Role
from portal.timeutil import local_today
from tests.factories import login, make_agency, make_person, make_service, make_user, post


def _version(html: str) -> str:
    match = re.search(r'name="version" type="hidden" value="(\d+)"', html) or re.search(
        r'name="version" value="(\d+)"', html)
    assert match, "no version field in the form"
    return match.group(1)


def test_list_searches_and_answers_htmx_with_the_fragment(app, session, client):
    agency = make_agency(session)
    make_service(session, agency, code="00201001", name_ru="Выдача паспорта",
                 name_kk="Төлқұжат беру")
    make_service(session, agency, code="00201002", name_ru="Регистрация брака",
                 name_kk="Некені тіркеу")
    login(client, make_user(session, Role.UCC_OPERATOR))
    page = client.get("/registry/services?q=паспрта")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html and "00201001" in html
    assert "00201002" not in html
    frag = client.get("/registry/services?q=некені&sort=name", headers={"HX-Request": "true"})
    body = frag.get_data(as_text=True)
    assert "HX-Request" in frag.headers["Vary"] and "<html" not in body
    assert body.lstrip().startswith('<div id="services-table">') and "00201002" in body


def test_card_shows_contacts_to_the_own_agency_only(app, session, client):
    agency, other = make_agency(session), make_agency(session)
    service = make_service(session, agency)
    person = make_person(session, agency)
    person.services.append(service)
    session.flush()
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, other))
    html = client.get(f"/registry/services/{service.id}").get_data(as_text=True)
    assert person.full_name in html and person.email not in html
    assert f"/registry/services/{service.id}/edit" not in html
    client2 = app.test_client()
    login(client2, make_user(session, Role.AGENCY_RESPONSIBLE, agency))
    html = client2.get(f"/registry/services/{service.id}").get_data(as_text=True)
    assert person.email in html and f"/registry/services/{service.id}/edit" in html


def test_second_save_of_an_edit_form_gets_a_conflict_message(app, session, client):
    agency = make_agency(session)
    service = make_service(session, agency, code="00301007",
                           internet_resource="https://egov.kz/old")
    responsible = make_user(session, Role.AGENCY_RESPONSIBLE, agency, locale="ru")
    manager = make_user(session, Role.UCC_MANAGER, locale="ru")
    other = app.test_client()
    login(client, responsible)
    login(other, manager)
    url = f"/registry/services/{service.id}/edit"
    mine = _version(client.get(url).get_data(as_text=True))
    theirs = _version(other.get(url).get_data(as_text=True))
    form = {"name_kk": service.name_kk, "name_ru": service.name_ru, "term_days": "5",
            "term_kind": "working", "internet_resource_note": "", "change_notes": "",
            "code": service.code}
    first = post(other, url, form | {"internet_resource": "https://egov.kz/new",
                                     "version": theirs}, token_from=url)
    assert first.status_code == 302, re.findall(r"error[^>]*>([^<]+)<", first.get_data(as_text=True))
    second = post(client, url, form | {"internet_resource": "https://egov.kz/mine",
                                       "change_notes": "моя правка", "version": mine},
                  token_from=url)
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "другой пользователь" in html
    assert "https://egov.kz/old</del> → <ins>https://egov.kz/new</ins>" in html
    assert "моя правка" in html  # the user's text is kept
    session.expire_all()
    assert session.get(Service, service.id).internet_resource == "https://egov.kz/new"
    again = post(client, url, form | {"internet_resource": "https://egov.kz/mine",
                                      "version": _version(html)}, token_from=url)
    assert again.status_code == 302


def test_forms_explain_problems_in_the_users_language(app, session, client):
    agency = make_agency(session)
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, agency, locale="kk"))
    resp = post(client, "/registry/services/new", {
        "code": "12345", "name_kk": "", "name_ru": "Услуга", "term_kind": "working"},
        token_from="/registry/services/new")
    html = resp.get_data(as_text=True)
    assert "Тізілім коды дәл 8 цифрдан тұрады" in html
    assert "Бұл өріс міндетті түрде керек." in html
    url = f"/registry/agencies/{agency.id}/people/new"
    resp = post(client, url, {"full_name": "Ә", "position_kk": "сарапшы", "position_ru": "",
                              "phone": "abc", "email": "no", "appointed_on": "2026-01-05"},
                token_from=url)
    html = resp.get_data(as_text=True)
    assert "Телефон нөмірін +7 7172 74 00 00 түрінде енгізіңіз." in html
    assert "Жарамсыз эл. пошта адресі." in html


def test_drafts_are_invisible_outside_their_agency(app, session, client):
    agency, other = make_agency(session), make_agency(session)
    draft = Annex1Submission(agency_id=agency.id, status=Annex1Status.DRAFT)
    session.add(draft)
    session.flush()
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, other))
    assert client.get(f"/registry/annex1/{draft.id}").status_code == 404
    assert client.get(f"/registry/annex1/{draft.id}/pdf").status_code == 404
    manager = app.test_client()
    login(manager, make_user(session, Role.UCC_MANAGER))
    assert manager.get(f"/registry/annex1/{draft.id}").status_code == 404
    assert f"/registry/annex1/{draft.id}\"" not in manager.get("/registry/annex1").get_data(
        as_text=True)
    owner = app.test_client()
    login(owner, make_user(session, Role.AGENCY_RESPONSIBLE, agency))
    assert owner.get(f"/registry/annex1/{draft.id}").status_code == 200
    assert f'href="/registry/annex1/{draft.id}"' in owner.get("/registry/annex1").get_data(
        as_text=True)


def test_other_agencies_cannot_change_anything(app, session, client):
    agency, other = make_agency(session), make_agency(session)
    service = make_service(session, agency)
    person = make_person(session, agency)
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, other))
    for url in (f"/registry/services/{service.id}/edit", f"/registry/people/{person.id}/edit",
                f"/registry/services/{service.id}/bylaws/new"):
        assert post(client, url, {"name_ru": "x"}).status_code == 403
    assert post(client, f"/registry/people/{person.id}/login").status_code == 403
    # Their own "new form" cannot name a foreign service either.
    resp = post(client, "/registry/annex1/new", {"service_ids": [service.id]},
                token_from="/registry/annex1/new")
    assert resp.status_code == 200
    session.expire_all()
    assert session.query(Annex1Submission).filter_by(agency_id=other.id).count() == 0


def test_one_click_login_shows_the_password_once(app, session, client):
    agency = make_agency(session)
    person = make_person(session, agency)
    login(client, make_user(session, Role.UCC_MANAGER))
    resp = post(client, f"/registry/people/{person.id}/login")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    username = re.search(r'id="new-username">([^<]+)<', html).group(1)
    password = re.search(r'id="new-password">([^<]+)<', html).group(1)
    fresh = app.test_client()
    login(fresh, username, password)
    assert fresh.get(f"/registry/people/{person.id}").status_code == 200


def test_request_answer_with_a_file_and_download(app, session, client):
    agency = make_agency(session)
    service = make_service(session, agency)
    login(client, make_user(session, Role.UCC_OPERATOR))
    due = (local_today() + timedelta(days=2)).isoformat()
    resp = post(client, "/registry/requests/new", {
        "agency_id": agency.id, "service_id": service.id, "subject": "Нақтылау",
        "body": "Мерзімді нақтылаңыз", "due_on": due, "action": "send"},
        token_from="/registry/requests/new")
    assert resp.status_code == 302
    req = session.query(InfoRequest).filter_by(agency_id=agency.id).one()
    answering = app.test_client()
    login(answering, make_user(session, Role.AGENCY_RESPONSIBLE, agency))
    import io

    url = f"/registry/requests/{req.id}"
    resp = post(answering, f"{url}/answer", {
        "answer": "5 жұмыс күні", "files": [(io.BytesIO(b"%PDF-1.4 x"), "жауап.pdf")]},
        token_from=url, content_type="multipart/form-data")
    assert resp.status_code == 302
    session.expire_all()
    file_id = session.get(InfoRequest, req.id).attachments[0].id
    download = client.get(f"{url}/files/{file_id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 x"
    assert "attachment" in download.headers["Content-Disposition"]


def test_manager_suspends_and_resumes_with_a_reason(app, session, client):
    service = make_service(session, make_agency(session), status=ServiceStatus.CONSULTING)
    login(client, make_user(session, Role.UCC_MANAGER))
    url = f"/registry/services/{service.id}/status"
    assert post(client, url, {"action": "suspended", "reason": ""}, token_from=url
                ).status_code == 200
    assert post(client, url, {"action": "suspended", "reason": "Акт тоқтатылды"},
                token_from=url).status_code == 302
    assert post(client, url, {"action": "resume", "reason": "Қайта күшіне енді"},
                token_from=url).status_code == 302
    session.expire_all()
    assert session.get(Service, service.id).status is ServiceStatus.CONSULTING


def test_long_lists_paginate_with_and_without_htmx(app, session, client):
    agency = make_agency(session)
    for i in range(30):
        make_service(session, agency, code=f"01901{i + 1:03d}")
    login(client, make_user(session, Role.UCC_MANAGER))
    first = client.get(f"/registry/services?agency_id={agency.id}").get_data(as_text=True)
    assert 'rel="next"' in first and first.count("/registry/services/") >= 25
    second = client.get(f"/registry/services?agency_id={agency.id}&page=2",
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'rel="prev"' in second and "01901030" in second and "01901001" not in second


def test_late_replacement_notice_is_flagged(app, session, client):
    from datetime import date

    agency = make_agency(session)
    old = make_person(session, agency, appointed_on=date(2025, 1, 10))
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, agency, locale="ru"))
    url = f"/registry/people/{old.id}/replace"
    resp = post(client, url, {
        "replaced_on": "2026-03-02", "notified_on": "2026-03-20", "notice": "Письмо № 7",
        "full_name": "Новиков Асхат", "position_kk": "сарапшы", "position_ru": "эксперт",
        "phone": "+7 7172 11 22 33", "email": "a.novikov@example.kz"}, token_from=url)
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "позже пяти рабочих дней" in page
    assert "с опозданием: срок 10.03.2026" in page
