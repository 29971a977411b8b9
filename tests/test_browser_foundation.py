"""Browser: log in through the real page, switch language, navigate by role, log out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.security import Role
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_login_language_switch_and_logout(live_server, page, tmp_path):
    with live_server.session() as s:
        admin = make_user(s, Role.ADMIN, username="browser.admin", full_name="Серік Әлиев")
        s.commit()
        username = admin.username
    page.goto(f"{live_server.url}/")
    assert "/login" in page.url
    page.get_by_role("button", name="RU").click()  # language chosen on the login page
    assert page.locator("h1").inner_text() == "Войти"
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_selector("section.home")
    assert page.locator("h1").inner_text() == "Администратор"
    assert page.locator("nav.mainnav").get_by_role("link", name="Пользователи").is_visible()
    page.get_by_role("button", name="KK").click()
    assert page.locator("h1").inner_text() == "Әкімші"
    page.locator("nav.mainnav").get_by_role("link", name="Пайдаланушылар").click()
    page.fill("input[name=q]", "browser.admin")  # live filter through htmx
    expect(page.locator("#users-table tbody tr")).to_have_count(1)
    assert "browser.admin" in page.locator("#users-table").inner_text()
    page.wait_for_url("**/admin/users/?q=browser.admin*")  # hx-push-url: the filter is shareable
    page.screenshot(path=str(tmp_path / "users.png"), full_page=True)
    page.get_by_role("button", name="Шығу").click()
    assert "/login" in page.url


def test_operator_sees_only_operator_navigation(live_server, page):
    with live_server.session() as s:
        operator = make_user(s, Role.UCC_OPERATOR, username="browser.operator")
        s.commit()
        username = operator.username
    page.goto(f"{live_server.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("button[type=submit].primary").click()
    page.wait_for_selector("section.home")
    nav = page.locator("nav.mainnav").inner_text()
    assert "Пайдаланушылар" not in nav and "Өзгерістер журналы" not in nav
    assert page.goto(f"{live_server.url}/admin/users/").status == 403
