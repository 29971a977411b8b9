"""Browser: an operator types letter by letter, results follow; ↑/↓/Enter; JS off works too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.knowledge import services
from portal.security import Role
from tests.factories import browser_login, make_user

pytestmark = pytest.mark.browser

ARTICLES = [
    ("br-pension", "Жасына байланысты зейнетақы тағайындау", "Назначение пенсии по возрасту",
     "Зейнетақы тағайындау үшін ХҚКО-ға немесе egov.kz порталына өтініш беріледі.",
     "Для назначения пенсии подайте заявление в ЦОН или на портале egov.kz."),
    ("br-savings", "Зейнетақы жинақтарын алу", "Получение пенсионных накоплений",
     "БЖЗҚ-дағы зейнетақы жинақтарын алу тәртібі.",
     "Порядок получения пенсионных накоплений из ЕНПФ."),
    ("br-id", "Жеке куәлік алу", "Получение удостоверения личности",
     "Жеке куәлік ХҚКО арқылы беріледі.", "Удостоверение личности выдает ЦОН."),
]


@pytest.fixture(scope="module")
def operator(live_server) -> str:
    with live_server.app.test_request_context(), live_server.session() as s:
        for ext, tkk, tru, bkk, bru in ARTICLES:
            art = services.create_article(s, None, {
                "title_kk": tkk, "title_ru": tru, "body_kk": bkk, "body_ru": bru,
                "tags": [], "service_id": None}, ext)
            services.submit_for_review(s, None, art)
            services.publish(s, None, art)
        user = make_user(s, Role.UCC_OPERATOR, username="browser.kb.operator", locale="ru")
        s.commit()
        return user.username


def test_live_search_letter_by_letter_and_keyboard_navigation(live_server, page, operator,
                                                             tmp_path):
    browser_login(page, live_server.url, operator)
    page.goto(f"{live_server.url}/kb/")
    box = page.locator("#kb-q")
    box.press_sequentially("зейнетакы тагайын", delay=60)  # Kazakh typed with Russian letters
    first = page.locator("[data-kb-hit]").first
    # Waits poll through locators: the page's CSP forbids the eval wait_for_function uses.
    # Typed in Kazakh: the Kazakh title leads, the Russian one follows it.
    expect(first.locator("a.kb-title")).to_have_text("Жасына байланысты зейнетақы тағайындау")
    expect(first.locator(".kb-other")).to_have_text("Назначение пенсии по возрасту")
    assert "<mark>зейнетақы</mark>" in first.inner_html()
    page.wait_for_url(re.compile(r".*/kb/\?q=.+"))  # hx-push-url: shareable
    assert box.input_value() == "зейнетакы тагайын"
    assert page.locator("[data-kb-hit]").count() >= 1

    box.fill("")
    box.press_sequentially("зейнетақы", delay=60)
    page.wait_for_url(re.compile(r".*q=%D0%B7%D0%B5%D0%B9%D0%BD%D0%B5%D1%82%D0%B0%D2%9B%D1%8B(&|$)"))
    expect(page.locator("[data-kb-hit]")).to_have_count(2)
    expect(page.locator(".kb-partial")).to_have_count(0)  # one word: nothing partial
    titles = page.locator("[data-kb-hit] a.kb-title").all_inner_texts()
    assert all("ейнетақы" in t for t in titles)  # both pension articles, not the ID card
    box.press("ArrowDown")
    hits = page.locator("[data-kb-hit]")
    page.screenshot(path=str(tmp_path / "kb-search.png"), full_page=True)
    expect(hits.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(hits.nth(1)).to_have_attribute("aria-selected", "true")
    expect(hits.nth(0)).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    expect(hits.nth(0)).to_have_attribute("aria-selected", "true")
    assert box.get_attribute("aria-activedescendant") == hits.nth(0).get_attribute("id")
    expected = hits.nth(0).locator("a.kb-title").inner_text()
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/kb/articles/\d+.*"))
    assert page.locator("#kb-article h1").inner_text() == expected
    page.screenshot(path=str(tmp_path / "kb-article.png"), full_page=True)

    other = page.locator(".kb-langs a.button")
    other_lang = other.get_attribute("lang")
    other.click()
    expect(page.locator("#kb-article")).to_have_attribute("lang", other_lang)
    assert f"lang={other_lang}" in page.url


def test_the_same_page_works_without_javascript(live_server, browser, operator):
    context = browser.new_context(locale="ru-RU", java_script_enabled=False)
    page = context.new_page()
    try:
        browser_login(page, live_server.url, operator)
        page.goto(f"{live_server.url}/kb/")
        page.fill("#kb-q", "удостоверене личности")  # a typo
        page.locator("#kb-search button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/kb/\?q=.+"))
        assert "Получение удостоверения личности" in page.locator("#kb-results").inner_text()
        page.locator("[data-kb-hit] a.kb-title").first.click()
        assert page.locator("#kb-article h1").is_visible()
    finally:
        context.close()
