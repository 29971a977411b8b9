"""Browser: both sides sign the acceptance protocol, which freezes it (Rules No. 83, cl. 21-23)."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from datetime import timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from portal.db import utcnow
from portal.obligations import engine
from portal.onboarding import training
from portal.onboarding.models import AcceptanceProtocol
from portal.registry.models import Service, ServiceStatus
from portal.security import Role
from portal.timeutil import local_today
from tests.factories import (
    browser_login,
    make_agency,
    make_person,
    make_service,
    make_user,
)

pytestmark = pytest.mark.browser

MANAGER_NAME = "Иванов Пётр Сергеевич"
AGENCY_NAME = "Серікбаев Нұрлан Асқарұлы"


def seed(live_server) -> dict[str, object]:
    """A trained service (training held today), a UCC manager and the agency's responsible."""
    tag = uuid.uuid4().hex[:6]
    with live_server.session() as s, live_server.app.test_request_context():
        agency = make_agency(s, code=f"onb-{tag}", name_ru=f"Министерство тестов {tag}",
                             name_kk=f"Сынақ министрлігі {tag}")
        service = make_service(s, agency, status=ServiceStatus.INFO_SUBMITTED,
                               name_ru=f"Предоставление земельного участка {tag}",
                               name_kk=f"Жер учаскесін беру {tag}")
        service.responsibles.append(make_person(s, agency, full_name="Әлібекова Гүлнар"))
        manager = make_user(s, Role.UCC_MANAGER, username=f"mgr.{tag}", locale="ru",
                            full_name=MANAGER_NAME)
        responsible = make_user(s, Role.AGENCY_RESPONSIBLE, agency, username=f"resp.{tag}",
                                locale="ru", full_name=AGENCY_NAME)
        engine.open_obligation(s, rule_key="training_after_annex1",
                               trigger_at=utcnow() - timedelta(days=3), subject_type="service",
                               subject_id=service.id, agency_id=agency.id, service_id=service.id)
        held = training.schedule_training(s, manager, service, {
            "scheduled_on": local_today(), "place": "Астана", "questions": "",
            "participants": "Ахметова Д.", "notes": ""})
        training.mark_held(s, manager, held, local_today())
        assert service.status is ServiceStatus.TRAINED
        s.commit()
        return {"service_id": service.id, "code": service.code, "manager": manager.username,
                "responsible": responsible.username}


def sign(page: Page) -> None:
    """Sign the shown document: the form carries the SHA-256 shown next to the button."""
    shown = page.locator("form.signform p code.hash").inner_text()
    assert page.locator("form.signform input[name=pdf_sha256]").input_value() == shown
    page.locator("form.signform button[type=submit]").click()
    page.wait_for_selector(".flashes")


def test_manager_and_agency_sign_the_protocol(live_server, page):
    data = seed(live_server)
    url = live_server.url

    # The UCC manager draws up the protocol in Russian and signs the UCC side.
    browser_login(page, url, str(data["manager"]))
    page.goto(f"{url}/onboarding/services/{data['service_id']}")
    page.locator("#onboarding-service summary", has_text="Составить протокол").click()
    form = page.locator(f"form[action$='/services/{data['service_id']}/protocols']")
    form.locator("select[name=locale]").select_option("ru")
    form.locator("input[name=place]").fill("Астана")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/onboarding/protocols/\d+$"))
    protocol_url = page.url
    expect(page.locator("#onboarding-protocol h1")).to_contain_text(f"№ {data['code']}-1")
    document_hash = page.locator("#onboarding-protocol dl code.hash").first.inner_text()
    pdf = page.request.get(f"{protocol_url}/document.pdf")
    assert pdf.ok and hashlib.sha256(pdf.body()).hexdigest() == document_hash
    sign(page)
    signatures = page.locator("#onboarding-protocol table.grid tbody")
    expect(signatures).to_contain_text(MANAGER_NAME)
    expect(signatures).to_contain_text("не подписан")
    expect(page.locator("form.signform")).to_have_count(0)
    assert page.request.get(f"{protocol_url}/signed.pdf").status == 404  # one side only
    page.locator("header form[action$='/logout'] button").click()
    page.wait_for_url("**/login*")

    # The agency's responsible person finds it on the home page and signs the agency side.
    browser_login(page, url, str(data["responsible"]))
    page.locator("#onboarding-widget a", has_text=f"№ {data['code']}-1").click()
    page.wait_for_url(protocol_url)
    sign(page)

    expect(page.locator(".flashes")).to_contain_text("Начало консультирования")
    expect(signatures).to_contain_text(MANAGER_NAME)
    expect(signatures).to_contain_text(AGENCY_NAME)
    expect(signatures).not_to_contain_text("не подписан")
    expect(page.locator("#onboarding-protocol .badge.ok")).to_contain_text("обеими сторонами")
    expect(page.locator("form.signform")).to_have_count(0)

    with live_server.session() as s:
        protocol = s.query(AcceptanceProtocol).filter_by(service_id=data["service_id"]).one()
        service = s.get(Service, data["service_id"])
        assert protocol.frozen and protocol.pdf_sha256 == document_hash
        assert service.status is ServiceStatus.PROTOCOL_SIGNED
        assert service.consultation_start == protocol.consultation_start
        assert protocol.consultation_start > protocol.signed_on  # five working days, cl. 23
        start, final_sha = protocol.consultation_start, protocol.final_sha256
    starts = page.locator("#onboarding-protocol dt", has_text="Начало консультирования")
    expect(starts.locator("xpath=following-sibling::dd[1]")).to_contain_text(
        format_date(start, "long", locale="ru"))

    # The final PDF carries both signers and the SHA-256 of the document they signed.
    link = page.locator("#onboarding-protocol a[href$='/signed.pdf']")
    response = page.request.get(url + str(link.get_attribute("href")))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(response.body()).hexdigest() == final_sha
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert MANAGER_NAME in text and AGENCY_NAME in text
    assert document_hash in re.sub(r"\s+", "", text)
