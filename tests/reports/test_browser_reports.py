"""Browser: a manager regenerates last month's Annex 2 reports and watches the progress;
QC staff then open the month and download the PDF."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, time

import pytest
from playwright.sync_api import expect
from rq import SimpleWorker
from sqlalchemy import select

import jobs
from portal.agencies.models import AgencyKind
from portal.appeals.models import Channel, Character
from portal.appeals.services import register_appeal
from portal.calendar.workdays import ASTANA_TZ
from portal.queue import get_queue
from portal.reports.models import Report
from portal.reports.services import previous_month
from portal.security import Role
from portal.timeutil import local_today
from tests.factories import browser_login, make_agency, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def people(live_server) -> dict:
    month = previous_month(local_today())
    with live_server.app.test_request_context(), live_server.session() as s:
        make_agency(s, AgencyKind.QC_AUTHORITY, code="br-reports-qc", email="qc@example.kz")
        ministry = make_agency(s, AgencyKind.CENTRAL, code="br-reports-min",
                               name_kk="Денсаулық сақтау министрлігі",
                               name_ru="Министерство здравоохранения")
        numbers = []
        for day, surname in ((3, "Мұхаметжанова"), (9, "Ким")):
            appeal = register_appeal(s, None, {
                "channel": Channel.LINE_1414, "phone": "+7 701 000 11 22",
                "received_at": datetime.combine(month.replace(day=day), time(11), ASTANA_TZ),
                "agency_id": ministry.id, "character": Character.STAFF_CONDUCT,
                "applicant_surname": surname, "applicant_name": "Әйгерім",
                "content": "Емханада қабылдаудан бас тартты"})
            numbers.append(appeal.number)
        manager = make_user(s, Role.UCC_MANAGER, username="browser.reports.manager",
                            locale="ru")
        qc = make_user(s, Role.QC_STAFF, username="browser.reports.qc", locale="kk")
        s.commit()
        return {"manager": manager.username, "qc": qc.username, "numbers": numbers,
                "period": month.strftime("%Y-%m")}


def _run_worker(live_server) -> None:
    """What ``portal worker`` does, in this thread, against the live server's app."""
    previous = jobs._app
    jobs.set_app(live_server.app)
    try:
        queue = get_queue(live_server.app)
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:
        jobs.set_app(previous)


def test_manager_generates_and_qc_downloads_the_pdf(live_server, page, browser, people,
                                                    tmp_path) -> None:
    get_queue(live_server.app).empty()
    browser_login(page, live_server.url, people["manager"])
    page.goto(f"{live_server.url}/reports/")
    page.locator("form[action$='/regenerate'] button").first.click()
    page.wait_for_url(re.compile(rf".*/reports/month/annex2/{people['period']}/$"))
    expect(page.locator("#report-batch progress")).to_be_visible()  # polling while queued
    _run_worker(live_server)
    # htmx replaces the block once the job is done: no reload.
    expect(page.locator("#report-batch a.download-pdf").first).to_be_visible(timeout=15_000)
    expect(page.locator("#report-batch progress")).to_have_count(0)

    qc_context = browser.new_context(locale="kk-KZ", accept_downloads=True)
    qc = qc_context.new_page()
    try:
        browser_login(qc, live_server.url, people["qc"])
        qc.goto(f"{live_server.url}/reports/")
        qc.locator(f"a[href$='/reports/month/annex2/{people['period']}/']").click()
        row = qc.locator("tr[data-report]").first
        expect(row).to_contain_text("барлық жолдар")  # the QC authority's report, in Kazakh
        with qc.expect_download() as info:
            row.locator("a.download-pdf").click()
        path = tmp_path / "annex2.pdf"
        info.value.save_as(path)
    finally:
        qc_context.close()
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode()
    with live_server.session() as s:
        locale = s.scalar(select(Report.locale).where(Report.kind == "annex2",
                                                      Report.recipient_agency_id.is_(None)))
    title = {"kk": "Бірыңғай байланыс орталығына келіп түскен өтініштер (шағымдар) туралы есеп",
             "ru": "Отчет об обращениях (жалобах), поступивших в Единый контакт-центр"}
    assert title[locale] in text  # the QC authority's staff's language
    for number in people["numbers"]:
        assert number in text
    assert "Мұхаметжанова" in text and "1 / 1" in text
