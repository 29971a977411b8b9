"""Browser: an operator finds the answer in the Knowledge Base and registers the call as an
appeal from the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.agencies.models import AgencyKind
from portal.appeals.models import Appeal, Character
from portal.knowledge import services as kb
from portal.security import Role
from tests.factories import (
    browser_login,
    make_agency,
    make_region,
    make_service,
    make_user,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(live_server) -> dict:
    with live_server.app.test_request_context(), live_server.session() as s:
        make_region(s, "br_region", name_kk="Ақмола облысы", name_ru="Акмолинская область")
        agency = make_agency(s, AgencyKind.CENTRAL, code="br-appeals-mvd",
                             name_kk="Ішкі істер министрлігі", name_ru="МВД")
        service = make_service(s, agency, code="70101001",
                               name_kk="Соттылығы жоқ екендігі туралы анықтама беру",
                               name_ru="Выдача справки о наличии либо отсутствии судимости")
        article = kb.create_article(s, None, {
            "title_kk": "Соттылық туралы анықтама", "title_ru": "Справка о судимости",
            "body_kk": "Анықтаманы egov.kz порталынан алуға болады.",
            "body_ru": "Справку можно получить на портале egov.kz.", "tags": [],
            "service_id": service.id}, "br-appeals-conviction")
        kb.submit_for_review(s, None, article)
        kb.publish(s, None, article)
        user = make_user(s, Role.UCC_OPERATOR, username="browser.appeals.operator",
                         locale="kk", full_name="Дана Әлімова")
        s.commit()
        return {"operator": user.username, "article_id": article.id, "service": service.code}


def test_operator_from_search_to_a_registered_appeal(live_server, page, world) -> None:
    browser_login(page, live_server.url, world["operator"])
    page.goto(f"{live_server.url}/kb/")
    page.locator("#kb-q").press_sequentially("соттылык", delay=40)
    hit = page.locator("[data-kb-hit] a.kb-title").first
    expect(hit).to_have_text("Соттылық туралы анықтама")
    hit.click()
    page.wait_for_url(re.compile(rf".*/kb/articles/{world['article_id']}.*"))
    # The after-call form as the article page opens it (article and its service preset).
    page.goto(f"{live_server.url}/appeals/new?article_id={world['article_id']}&call_id=BR-1")
    service = page.locator("#service")
    expect(service).to_have_value(re.compile(rf"^{world['service']} — "))
    # The cursor is already in the content field: the operator only types.
    expect(page.locator("#content")).to_be_focused()
    page.keyboard.type("Анықтаманы қалай алуға болады? Мерзімі өтіп кетті.")
    page.keyboard.press("Tab")
    page.keyboard.type("egov.kz арқылы алу тәртібі түсіндірілді.")
    page.keyboard.press("Tab")  # into the character radio group
    page.keyboard.press("ArrowRight")  # → violation of the bylaw or service standard
    page.keyboard.press("Tab")
    page.keyboard.type("Сейітқали")
    page.keyboard.press("Tab")
    page.keyboard.type("Айгүл")
    page.keyboard.press("Tab")
    page.keyboard.type("+7 701 123 45 67")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("900101300126")
    page.keyboard.press("Tab")
    expect(page.locator("#region_code")).to_be_focused()
    region = page.locator("#region_code")
    for _ in range(40):  # arrow keys through the closed drop-down to Ақмола облысы
        if region.input_value() == "br_region":
            break
        page.keyboard.press("ArrowDown")
    expect(region).to_have_value("br_region")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r".*/appeals/\d+$"))
    number = page.locator("h1").inner_text()
    assert re.search(r"\d{4}-\d{6}", number)
    expect(page.locator("#appeal-data")).to_contain_text("Мерзімі өтіп кетті")
    with live_server.session() as s:
        appeal = s.scalar(select(Appeal).where(Appeal.call_id == "BR-1"))
        assert appeal is not None and appeal.number in number
        assert appeal.article_id == world["article_id"] and appeal.service.code == "70101001"
        assert appeal.character is Character.STANDARD_VIOLATION
        assert appeal.iin == "900101300126" and appeal.applicant_surname == "Сейітқали"
        assert appeal.region_code == "br_region"
        assert appeal.measures == "egov.kz арқылы алу тәртібі түсіндірілді."
