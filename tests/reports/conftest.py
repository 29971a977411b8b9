"""A month of appeals about a ministry, its committee and a regional akimat (Annex 2 tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from portal.agencies.models import Agency, AgencyKind
from portal.appeals.models import Appeal, Channel, Character
from portal.appeals.services import register_appeal
from portal.auth.models import User
from portal.calendar.workdays import ASTANA_TZ
from portal.security import Role
from tests.factories import make_agency, make_region, make_user


@dataclass
class Month:
    """March 2026 as the reports see it."""

    qc: Agency
    ministry: Agency
    committee: Agency
    akimat: Agency
    idle: Agency
    qc_user: User
    ministry_user: User
    akimat_user: User
    appeals: dict[str, Appeal]


def _appeal(session: Any, key: str, when: datetime, agency: Agency, character: Character,
            **kw: Any) -> Appeal:
    data = dict(channel=Channel.LINE_1414, phone="+7 701 000 00 00", received_at=when,
                agency_id=agency.id, character=character, content=f"Мазмұны {key}")
    data.update(kw)
    return register_appeal(session, None, data)


def _at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ASTANA_TZ)


@pytest.fixture
def march(session) -> Month:
    """Appeals registered around March 2026 in Astana time."""
    make_region(session, "almaty_region", name_kk="Алматы облысы", name_ru="Алматинская область")
    make_region(session, "astana", name_kk="Астана қаласы", name_ru="город Астана")
    qc = make_agency(session, AgencyKind.QC_AUTHORITY, email="kense@kyzmet.gov.kz",
                     name_kk="Мемлекеттік қызмет істері агенттігі",
                     name_ru="Агентство по делам государственной службы")
    ministry = make_agency(session, AgencyKind.CENTRAL, email="info@enbek.gov.kz",
                           name_kk="Еңбек министрлігі", name_ru="Министерство труда")
    committee = make_agency(session, AgencyKind.PROVIDER, parent_id=ministry.id,
                            name_kk="Еңбек комитеті", name_ru="Комитет труда")
    akimat = make_agency(session, AgencyKind.LOCAL_REGION, email="akimat@almaty.kz",
                         region_code="almaty_region", name_kk="Алматы облысының әкімдігі",
                         name_ru="Акимат Алматинской области")
    idle = make_agency(session, AgencyKind.CENTRAL, email="idle@gov.kz")
    qc_user = make_user(session, Role.QC_STAFF, locale="ru", email="analyst@kyzmet.gov.kz")
    ministry_user = make_user(session, Role.AGENCY_RESPONSIBLE, ministry, locale="kk",
                              email="resp@enbek.gov.kz")
    akimat_user = make_user(session, Role.AGENCY_RESPONSIBLE, akimat, locale="ru")
    appeals = {
        "ministry": _appeal(session, "ministry", _at(3, 2), ministry, Character.STANDARD_VIOLATION,
                            applicant_surname="Сейітқали", applicant_name="Айгүл",
                            region_code="astana", measures="Түсіндірілді",
                            request_number="ЖТ-17"),
        "committee": _appeal(session, "committee", _at(3, 15), committee, Character.STAFF_CONDUCT,
                             applicant_surname="Петров", applicant_name="Иван"),
        "akimat": _appeal(session, "akimat", _at(3, 31, 23, 59), akimat, Character.OTHER,
                          applicant_surname="Әбенова", applicant_name="Гүлім",
                          region_code="almaty_region"),
        "consultation": _appeal(session, "consultation", _at(3, 10), ministry,
                                Character.CONSULTATION),
        "april": _appeal(session, "april", _at(4, 1, 0, 10),
                         akimat, Character.STAFF_CONDUCT),
        "february": _appeal(session, "february", _at(2, 28, 23, 59), ministry,
                            Character.STAFF_CONDUCT),
    }
    return Month(qc, ministry, committee, akimat, idle, qc_user, ministry_user, akimat_user,
                 appeals)
