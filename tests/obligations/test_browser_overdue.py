"""Browser: a manager walks the overdue dashboard to a filtered, sorted export."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from portal.calendar.workdays import ASTANA_TZ
from portal.obligations.engine import open_obligation
from portal.security import Role
from tests.factories import browser_login, make_agency, make_service, make_user

pytestmark = pytest.mark.browser


def seed(live_server) -> dict[str, str]:
    """Two agencies with overdue obligations, committed for the server thread to see."""
    tag = uuid.uuid4().hex[:6]
    now = datetime.now(ASTANA_TZ)
    with live_server.session() as s:
        justice = make_agency(s, name_ru=f"Министерство юстиции {tag}", short_ru=f"МЮ-{tag}")
        health = make_agency(s, name_ru=f"Министерство здравоохранения {tag}",
                             short_ru=f"МЗ-{tag}")
        for agency, ages in ((justice, (40, 25)), (health, (30,))):
            for age in ages:
                service = make_service(s, agency)
                open_obligation(s, rule_key="annex1_after_bylaw",
                                trigger_at=now - timedelta(days=age), subject_type="service",
                                subject_id=service.id, agency_id=agency.id,
                                service_id=service.id)
        service = make_service(s, justice)
        open_obligation(s, rule_key="info_update_after_amendment",
                        trigger_at=now - timedelta(days=15), subject_type="service",
                        subject_id=service.id, agency_id=justice.id, service_id=service.id)
        manager = make_user(s, Role.UCC_MANAGER, username=f"mgr.{tag}", locale="ru")
        s.commit()
        return {"user": manager.username, "justice": justice.name_ru, "health": health.name_ru,
                "justice_id": str(justice.id)}


def test_manager_filters_the_overdue_dashboard_and_exports(live_server, page, tmp_path):
    data = seed(live_server)
    browser_login(page, live_server.url, data["user"])
    page.locator("#widget-obligations a[href$='/obligations/overdue']").click()
    page.wait_for_selector("#overdue-results")
    counts = page.locator("#counts-agency").inner_text()
    assert data["justice"] in counts and data["health"] in counts

    # Filter by agency through htmx: the list, counts and export links follow.
    rows = page.locator("#obligations-table tbody tr")
    page.select_option("#obligation-filters select[name=agency]", data["justice_id"])
    page.wait_for_url(f"**/obligations/overdue?*agency={data['justice_id']}*")
    expect(rows).to_have_count(3)
    assert data["health"] not in page.locator("#counts-agency").inner_text()

    # Narrow to cl. 20; "Days late" is sorted most late first, a click reverses it.
    page.select_option("#obligation-filters select[name=rule]", "annex1_after_bylaw")
    expect(rows).to_have_count(2)
    page.locator("#obligations-table th a.sort", has_text="Days late").or_(
        page.locator("#obligations-table th a.sort", has_text="Дней просрочки")).click()
    page.wait_for_url("**dir=desc*")
    page.locator("#obligations-table th a.sort[aria-sort=descending]").wait_for()
    page.screenshot(path=str(tmp_path / "overdue.png"), full_page=True)

    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    ws = load_workbook(path).active
    exported = [r for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    assert len(exported) == 2
    assert {r[1] for r in exported} == {data["justice"]}
    assert {r[4] for r in exported} == {"Правила № 83, п. 20"}
    assert 1 <= exported[0][8] < exported[1][8]  # least late first, as shown on the page


def test_a_filter_changed_right_after_an_update_is_not_lost(live_server, page):
    """The form is swapped with the results; its new controls must answer at once.

    The second filter is changed from the first swap's own ``htmx:afterSwap`` handler, one
    task later: before the settle delay was 0, htmx had not yet wired the new form then.
    """
    data = seed(live_server)
    browser_login(page, live_server.url, data["user"])
    page.goto(f"{live_server.url}/obligations/overdue")
    page.evaluate("""() => document.body.addEventListener("htmx:afterSwap", () => {
        setTimeout(() => {
            const rule = document.querySelector("#obligation-filters select[name=rule]");
            rule.value = "annex1_after_bylaw";
            rule.dispatchEvent(new Event("change", {bubbles: true}));
        }, 0);
    }, {once: true})""")
    page.select_option("#obligation-filters select[name=agency]", data["justice_id"])
    page.wait_for_url("**rule=annex1_after_bylaw*")
    expect(page.locator("#obligations-table tbody tr")).to_have_count(2)
