"""Browser: a responsible person submits Annex 1, a UCC manager accepts it (headless Chromium)."""

from __future__ import annotations

import pytest

from portal.registry.models import ServiceStatus
from portal.security import Role
from tests.factories import (
    browser_login,
    make_agency,
    make_person,
    make_service,
    make_user,
)

pytestmark = pytest.mark.browser


def test_responsible_person_submits_annex1_and_ucc_accepts(live_server, page, tmp_path):
    with live_server.session() as s:
        agency = make_agency(s, code="browser-minjust", name_ru="Министерство юстиции (тест)",
                             short_ru="МЮ тест")
        service = make_service(s, agency, code="09901001", name_kk="Баланың тууын тіркеу",
                               name_ru="Регистрация рождения ребенка",
                               status=ServiceStatus.RESPONSIBLE_APPOINTED,
                               internet_resource="https://egov.kz/birth")
        person = make_person(s, agency, full_name="Сейтқали Айгерім")
        person.services.append(service)
        responsible = make_user(s, Role.AGENCY_RESPONSIBLE, agency, locale="ru",
                                username="browser.resp", full_name="Жұмабекова Гүлнұр")
        manager = make_user(s, Role.UCC_MANAGER, locale="ru", username="browser.manager")
        s.commit()
        service_id, resp_name, manager_name = service.id, responsible.username, manager.username

    browser_login(page, live_server.url, resp_name)
    page.locator("nav.mainnav").get_by_role("link", name="Услуги").click()
    page.fill("input[name=q]", "рождения")  # active search: the table updates in place
    page.wait_for_function("document.querySelector('#services-table').innerText"
                           ".includes('09901001')")
    page.wait_for_url("**/registry/services?q=*")
    page.screenshot(path=str(tmp_path / "list.png"), full_page=True)
    page.locator("nav.mainnav").get_by_role("link", name="Приложение 1").click()
    page.get_by_role("link", name="Заполнить приложение 1").click()
    page.get_by_label("09901001 — Регистрация рождения ребенка").check()
    page.get_by_role("button", name="Создать черновик").click()

    page.wait_for_selector("#annex-form")
    assert page.locator("#executor_name").input_value() == "Жұмабекова Гүлнұр"
    row = page.locator("section.annex-row").first
    assert "Сейтқали Айгерім" in row.locator("select").locator("option:checked").inner_text()
    row.get_by_label("7. Услугодатель: Ф.И.О.").fill("Құрманғазы Ұлжан")
    row.get_by_label("7. Услугодатель: должность").fill("руководитель отдела ЦОН")
    row.get_by_label("8. Услугодатель: телефон").fill("+7 7172 55 00 11")
    row.get_by_label("8. Услугодатель: электронная почта").fill("info@gov4c.kz")
    page.screenshot(path=str(tmp_path / "edit.png"), full_page=True)
    page.get_by_role("button", name="Сохранить черновик").click()
    page.wait_for_selector(".flash-success")
    assert page.locator("section.annex-row input[name$=provider_name]").input_value() == \
        "Құрманғазы Ұлжан"
    page.get_by_role("button", name="Сохранить и направить в ЕКЦ").click()
    page.wait_for_selector("#annex-status")
    assert page.locator("#annex-status").inner_text() == "Направлено в ЕКЦ"
    assert "Құрманғазы Ұлжан" in page.locator("table.annex1").inner_text()
    form_url = page.url
    page.screenshot(path=str(tmp_path / "submitted.png"), full_page=True)
    page.get_by_role("button", name="Выйти").click()

    browser_login(page, live_server.url, manager_name)
    page.locator("nav.mainnav").get_by_role("link", name="Приложение 1").click()
    page.locator("#annex-list").get_by_role("link", name=form_url.rsplit("/", 1)[-1]).click()
    page.fill("#comment", "Сведения полные")
    page.get_by_role("button", name="Принять").click()
    page.wait_for_selector(".flash-success")
    assert page.locator("#annex-status").inner_text() == "Принято"
    assert "Сведения полные" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/registry/services/{service_id}")
    assert "Информация направлена" in page.locator("main").inner_text()
    page.screenshot(path=str(tmp_path / "card.png"), full_page=True)
