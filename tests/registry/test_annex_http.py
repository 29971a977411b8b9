"""Annex 1 over HTTP: fill, submit, review, compare versions, and the PDF's text in kk and ru."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from portal.registry.annex_models import Annex1Status, Annex1Submission
from portal.registry.models import ServiceStatus
from portal.security import Role
from tests.factories import login, make_agency, make_person, make_service, make_user, post


def _squash(text: str) -> str:
    """PDF text with line breaks and repeated spaces folded (cells wrap lines)."""
    return re.sub(r"\s+", " ", text.replace("-\n", "")).strip()


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return _squash(" ".join(page.extract_text() for page in reader.pages))


def _version(html: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)


def _setup(session):
    agency = make_agency(session, name_kk="Әділет министрлігі", name_ru="Министерство юстиции")
    service = make_service(session, agency, code="00101001",
                           name_kk="Баланың тууын тіркеу", name_ru="Регистрация рождения ребенка",
                           status=ServiceStatus.RESPONSIBLE_APPOINTED,
                           internet_resource="https://egov.kz/birth")
    bylaw = service.bylaws[0]
    bylaw.title_kk = "Азаматтық хал актілерін тіркеу қағидалары"
    bylaw.title_ru = "Правила регистрации актов гражданского состояния"
    bylaw.number, bylaw.registration_number = "112", "10764"
    person = make_person(session, agency, full_name="Сейтқали Айгерім Болатқызы")
    person.services.append(service)
    session.flush()
    return agency, service, person


def _fill_and_submit(client, sub_id, person_id, row_id, provider="Құрманғазы Ұлжан"):
    url = f"/registry/annex1/{sub_id}/edit"
    version = _version(client.get(url).get_data(as_text=True))
    p = f"row-{row_id}-"
    return post(client, url, {
        "version": version, "executor_name": "Жұмабекова Гүлнұр", "action": "submit",
        p + "responsible_person_id": person_id, p + "provider_name": provider,
        p + "provider_position": "ХҚКО бөлім басшысы", p + "provider_phone": "+7 7172 55 00 11",
        p + "provider_email": "info@gov4c.kz"}, token_from=url)


def test_fill_submit_accept_and_read_the_pdf_in_both_languages(app, session, client):
    agency, service, person = _setup(session)
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, agency))
    resp = post(client, "/registry/annex1/new", {"service_ids": [service.id],
                                                 "executor_name": "Жұмабекова Гүлнұр"},
                token_from="/registry/annex1/new")
    sub_id = int(resp.headers["Location"].rsplit("/", 2)[-2])
    sub = session.get(Annex1Submission, sub_id)
    resp = _fill_and_submit(client, sub_id, person.id, sub.rows[0].id)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    session.expire_all()
    assert sub.status is Annex1Status.SUBMITTED

    manager = app.test_client()
    login(manager, make_user(session, Role.UCC_MANAGER))
    url = f"/registry/annex1/{sub_id}"
    assert post(manager, f"{url}/accept", {"comment": ""}, token_from=url).status_code == 302
    session.expire_all()
    assert sub.status is Annex1Status.ACCEPTED

    kk = manager.get(f"{url}/pdf?lang=kk")
    assert kk.status_code == 200 and kk.mimetype == "application/pdf"
    text = _pdf_text(kk.data)
    for phrase in ("Мемлекеттік көрсетілетін қызмет туралы ақпарат", "1-қосымша", "Нысан",
                   "Р/с №", "Мемлекеттік көрсетілетін қызметтің тізілімдегі №",
                   "Мемлекеттік көрсетілетін қызметтің атауы",
                   "Нормативтік құқықтық актілердің өзгерістері туралы мәлімет",
                   "Мемлекеттік көрсетілетін қызмет туралы ақпарат орналасқан интернет-ресурс",
                   "00101001", "Баланың тууын тіркеу", "Азаматтық хал актілерін тіркеу",
                   "10764", "Сейтқали Айгерім Болатқызы", "Құрманғазы Ұлжан", "info@gov4c.kz",
                   "Жауапты орындаушының Т.А.Ә.: Жұмабекова Гүлнұр",
                   "Күні:"):
        assert phrase in text, phrase
    assert all(str(n) in text for n in range(1, 9))
    assert "https://egov.kz/birth" in text.replace(" ", "")  # long URLs wrap in the cell
    pdf_path = app.config["DATA_DIR"] / "annex1-kk.pdf"
    pdf_path.write_bytes(kk.data)  # kept for looking at the rendering by eye

    ru = manager.get(f"{url}/pdf?lang=ru&version=1")
    (app.config["DATA_DIR"] / "annex1-ru.pdf").write_bytes(ru.data)
    text = _pdf_text(ru.data)
    for phrase in ("Информация о государственной услуге", "Приложение 1", "Форма", "№ п/п",
                   "№ государственной услуги в реестре", "Наименование государственной услуги",
                   "Сведения об изменениях нормативных правовых актов",
                   "Регистрация рождения ребенка", "Правила регистрации актов",
                   "Ф.И.О. ответственного исполнителя: Жұмабекова Гүлнұр", "Дата:"):
        assert phrase in text, phrase


def test_returned_form_is_resubmitted_and_versions_compare(app, session, client):
    agency, service, person = _setup(session)
    login(client, make_user(session, Role.AGENCY_RESPONSIBLE, agency, locale="ru"))
    resp = post(client, "/registry/annex1/new", {"service_ids": [service.id]},
                token_from="/registry/annex1/new")
    sub_id = int(resp.headers["Location"].rsplit("/", 2)[-2])
    row_id = session.get(Annex1Submission, sub_id).rows[0].id
    assert _fill_and_submit(client, sub_id, person.id, row_id).status_code == 302
    manager = app.test_client()
    login(manager, make_user(session, Role.UCC_MANAGER, locale="ru"))
    url = f"/registry/annex1/{sub_id}"
    assert post(manager, f"{url}/return", {"comment": "Укажите другого услугодателя"},
                token_from=url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Укажите другого услугодателя" in page
    assert _fill_and_submit(client, sub_id, person.id, row_id, provider="Нұрланов Ерлан"
                            ).status_code == 302
    compare = manager.get(f"{url}/compare?a=1&b=2").get_data(as_text=True)
    assert "Версия 1" in compare and "Версия 2" in compare
    changed = re.findall(r'<tr class="changed">\s*<th scope="row">(\d)\.', compare)
    assert changed == ["7"]  # only column 7 (the provider's name) differs
    assert "Құрманғазы Ұлжан" in compare and "Нұрланов Ерлан" in compare


def test_concurrent_edits_of_one_draft_conflict_over_http(app, session, client):
    agency, service, person = _setup(session)
    user = make_user(session, Role.AGENCY_RESPONSIBLE, agency, locale="ru")
    colleague = app.test_client()
    login(client, user)
    login(colleague, make_user(session, Role.AGENCY_RESPONSIBLE, agency, locale="ru"))
    resp = post(client, "/registry/annex1/new", {"service_ids": [service.id]},
                token_from="/registry/annex1/new")
    sub_id = int(resp.headers["Location"].rsplit("/", 2)[-2])
    row_id = session.get(Annex1Submission, sub_id).rows[0].id
    url = f"/registry/annex1/{sub_id}/edit"
    mine = _version(client.get(url).get_data(as_text=True))
    theirs = _version(colleague.get(url).get_data(as_text=True))
    p = f"row-{row_id}-"
    assert post(colleague, url, {"version": theirs, "executor_name": "Коллега",
                                 p + "provider_name": "Первый", "action": "save"},
                token_from=url).status_code == 302
    resp = post(client, url, {"version": mine, "executor_name": "Я",
                              p + "provider_name": "Второй", "action": "save"}, token_from=url)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "другой пользователь" in html
    assert "<ins>Первый</ins>" in html and 'value="Второй"' in html
