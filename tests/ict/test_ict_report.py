"""The monthly ICT report (Rules No. 83 cl. 39): recipients, rows and the built PDF/XLSX."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from portal.agencies.models import AgencyKind
from portal.calendar.workdays import ASTANA_TZ
from portal.ict import regulation
from portal.ict import report as ict_report
from portal.ict.models import RequestChannel, TimeBasis
from portal.ict.outages import register_outage
from portal.ict.services import answer_request, escalate_request, register_request
from portal.obligations.models import Obligation, ObligationStatus
from portal.reports.services import build_reports
from portal.security import Role
from tests.factories import make_agency, make_user
from tests.ict.conftest import outage_data

MONTH = date(2026, 4, 1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of April 2026, Astana time."""
    return datetime(2026, 4, day, hour, minute, tzinfo=ASTANA_TZ)


@pytest.fixture
def april(app, session):
    """Two bodies' requests in April (one escalated and late), one in May, one outage."""
    category = regulation.save_category(session, None, None, {
        "code": "r-incident", "name_kk": "Инцидент", "name_ru": "Инцидент",
        "time_basis": TimeBasis.CALENDAR_HOURS, "reaction_minutes": 30,
        "resolution_minutes": 240, "active": True, "position": 0})
    make_agency(session, AgencyKind.INFORMATIZATION, email="mcdiai@gov.kz",
                name_kk="Цифрлық даму министрлігі", name_ru="Министерство цифрового развития")
    ici = make_agency(session, AgencyKind.ICI_OPERATOR, email="support@nitec.kz")
    make_user(session, Role.INFORMATIZATION_STAFF, email="analyst@gov.kz", locale="ru")
    ici_user = make_user(session, Role.ICI_OPERATOR, ici, email="duty@nitec.kz")
    health = make_agency(session, AgencyKind.CENTRAL, email="moh@gov.kz", short_kk="ДСМ",
                         short_ru="МЗ")
    akimat = make_agency(session, AgencyKind.LOCAL_REGION, email="akimat@gov.kz")
    make_agency(session, AgencyKind.PROVIDER, email="quiet@gov.kz")  # asked nothing
    operator = make_user(session, Role.UCC_OPERATOR)

    def ask(agency, subject, when, channel=RequestChannel.PHONE_1414):
        return register_request(session, operator, {
            "agency_id": agency.id, "requester_name": "Сұраушы", "category_id": category.id,
            "system": "ЭҚАЖ", "subject": subject, "text": "мәтін", "channel": channel}, now=when)

    with app.app_context():
        fast = ask(health, "Жылдам жауап", at(6, 10))
        answer_request(session, operator, fast, "Жауап", now=at(6, 10, 20))
        slow = ask(health, "АКИ-ге жіберілген", at(7, 11), RequestChannel.EMAIL)
        escalate_request(session, operator, slow, "КБ-да жоқ", now=at(7, 11, 10))
        answer_request(session, ici_user, slow, "АКИ жауабы", now=at(7, 18))
        local = ask(akimat, "Әкімдік сұрағы", at(20, 9))
        ask(health, "Мамырдағы сұрақ", at(30, 23, 59) + timedelta(minutes=2))  # 1 May
        outage = register_outage(session, ici_user, outage_data(at(10, 22)), now=at(10, 8))
    return {"health": health, "akimat": akimat, "ici": ici, "fast": fast, "slow": slow,
            "local": local, "outage": outage}


def test_recipients_are_the_authorities_and_the_bodies_that_asked(session, april) -> None:
    found = {r["agency_id"]: r for r in ict_report.recipients(session, MONTH)}
    assert set(found) == {None, april["ici"].id, april["health"].id, april["akimat"].id}
    assert found[None]["emails"] == ["mcdiai@gov.kz", "analyst@gov.kz"]
    assert found[None]["locale"] == "ru"
    assert found[april["ici"].id]["emails"] == ["support@nitec.kz", "duty@nitec.kz"]
    assert found[april["akimat"].id]["emails"] == ["akimat@gov.kz"]


def test_a_body_gets_its_own_rows_the_authorities_all(app, session, april) -> None:
    end = date(2026, 4, 30)
    # Row texts are lazy: printed here untranslated (English msgids) to compare them.
    with app.test_request_context(), force_locale("en"):
        own = ict_report.rows(session, MONTH, end, april["health"].id)
        numbers = [r["number"] for r in own]
        assert numbers[:2] == [april["fast"].number, april["slow"].number]
        assert f"№ {april['outage'].id} v1" in numbers  # the outage notice it received
        fast, slow = own[0], own[1]
        assert str(fast["compliance"]) == "on time"
        assert str(fast["escalated"]) == "not escalated"
        assert str(slow["compliance"]) == "late" and slow["escalated"] == "07.04.2026 11:10"
        assert "target 4 h" in str(slow["resolution"])
        assert "07.04.2026 15:00" in str(slow["resolution"])  # due 4 calendar hours later
        totals = [r for r in own if r["number"] == "Σ"]
        assert any(str(r["subject"])
                   == "Requests: 2; escalated: 1; within the regulation: 1; late: 1" for r in totals)
        assert not any(str(r["body"]) == "Total by body" for r in totals)

        for everyone in (ict_report.rows(session, MONTH, end, None),
                         ict_report.rows(session, MONTH, end, april["ici"].id)):
            requests = [r for r in everyone if str(r["number"]).startswith("ICT-")]
            assert len(requests) == 3  # the May request is not in April's report
            assert any(str(r["body"]) == "Total by body" for r in everyone)
            outage_row = next(r for r in everyone if r["number"].startswith("№"))
            assert "14.0 h" in str(outage_row["resolution"])  # 08:00 -> 22:00: late
            assert str(outage_row["compliance"]) == "late (cl. 38)"
        assert [r["no"] for r in everyone] == list(range(1, len(everyone) + 1))


def test_built_with_the_report_machinery(app, session, april, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "REPORT_PDF_WORKERS", 1)
    with app.app_context():
        reports = build_reports(session, "ict", MONTH)
    by_agency = {r.recipient_agency_id: r for r in reports}
    assert set(by_agency) == {None, april["ici"].id, april["health"].id, april["akimat"].id}
    authority = by_agency[None]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(authority.pdf)).pages)
    assert authority.locale == "ru" and april["slow"].number in text
    assert "ЭҚАЖ" in text and "Σ" in text
    body = by_agency[april["akimat"].id]
    body_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body.pdf)).pages)
    assert "Әкімдік сұрағы" in body_text and april["slow"].number not in body_text
    sheet = load_workbook(io.BytesIO(authority.xlsx)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert april["fast"].number in values and april["slow"].number in values
    assert authority.row_ids == [april["fast"].id, april["slow"].id, april["local"].id]
    duty = session.scalar(select(Obligation).where(
        Obligation.rule_key == "ict_monthly_report", Obligation.subject_id == authority.id))
    assert duty.rule.clause == "39" and duty.status in (ObligationStatus.FULFILLED_ON_TIME,
                                                       ObligationStatus.FULFILLED_LATE)
