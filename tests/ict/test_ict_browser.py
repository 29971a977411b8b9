"""Browser: an ICI operator registers a planned outage; a body's user sees it (cl. 38)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.agencies.models import AgencyKind
from portal.db import utcnow
from portal.ict.models import Outage
from portal.notify.models import OutboxMessage
from portal.security import Role
from portal.timeutil import local_tz
from tests.factories import browser_login, make_agency, make_user

pytestmark = pytest.mark.browser


def test_ici_operator_registers_an_outage_and_a_body_sees_it(live_server, page, browser,
                                                             tmp_path) -> None:
    tag = uuid.uuid4().hex[:6]
    with live_server.session() as s:
        ici = make_agency(s, AgencyKind.ICI_OPERATOR)
        body = make_agency(s, AgencyKind.CENTRAL, email=f"kense.{tag}@min.gov.kz")
        operator = make_user(s, Role.ICI_OPERATOR, ici, username=f"ici.{tag}")
        reader = make_user(s, Role.AGENCY_RESPONSIBLE, body, username=f"body.{tag}")
        s.commit()
        ici_name, reader_name = operator.username, reader.username
    systems = f"Электрондық үкімет шлюзі {tag}"
    start = (utcnow() + timedelta(hours=30)).astimezone(local_tz())

    browser_login(page, live_server.url, ici_name)
    page.locator("#ict-widget a.button").click()  # "Register a planned outage"
    page.wait_for_selector("#ict-outage-form")
    page.select_option("#scope", "full")
    page.select_option("#works_kind", "equipment")
    page.fill("#systems", systems)
    page.fill("#starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#ends_at", (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#description_kk", "Желілік жабдықты ауыстыру.")
    page.fill("#description_ru", "Замена сетевого оборудования.")
    page.locator("#ict-outage-form button[type=submit]").click()
    page.wait_for_selector("#ict-outage")
    assert systems in page.locator("#ict-outage dd.systems").inner_text()
    assert page.locator("tr[data-version='1']").count() == 1
    page.screenshot(path=str(tmp_path / "outage.png"), full_page=True)

    with live_server.session() as s:
        outage = s.scalars(select(Outage).where(Outage.systems == systems)).one()
        queued = s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.key == f"outage:{outage.id}:v1:kense.{tag}@min.gov.kz"))
        assert queued == 1 and not outage.late_notice

    other = browser.new_context(locale="kk-KZ")
    body_page = other.new_page()
    body_page.set_default_timeout(10_000)
    try:
        browser_login(body_page, live_server.url, reader_name)
        item = body_page.locator(f"#ict-widget li[data-outage='{outage.id}']")
        assert systems in item.inner_text()
        item.locator("a").click()
        body_page.wait_for_selector("#ict-outage")
        assert f"kense.{tag}@min.gov.kz" in body_page.locator("#ict-outage").inner_text()
        assert body_page.locator("#ict-outage form").count() == 0  # a body cannot change it
        body_page.goto(f"{live_server.url}/outages")
        assert systems in body_page.locator(f"article[data-outage='{outage.id}']").inner_text()
    finally:
        other.close()
