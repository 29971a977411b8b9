"""Repeated refusals within one month escalate to the QC authority (Rules No. 83, cl. 28)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from portal import signals
from portal.calendar.workdays import ASTANA_TZ
from portal.obligations import refusals
from portal.obligations.models import (
    Obligation,
    ObligationStatus,
    RefusalNotice,
    RefusalNoticeStatus,
)
from tests.factories import make_agency

_ids = iter(range(9000, 99999))


def at(y: int, m: int, d: int, hh: int = 11) -> datetime:
    return datetime(y, m, d, hh, tzinfo=ASTANA_TZ)


def refuse(session, agency, when: datetime, request_id: int | None = None) -> int:
    rid = request_id or next(_ids)
    signals.info_request_sent.send("registry", session=session, actor=None, request_id=rid,
                                   agency_id=agency.id, service_id=None,
                                   due_on=when.date(), sent_at=when.replace(hour=9))
    signals.info_request_refused.send("registry", session=session, actor=None, request_id=rid,
                                      agency_id=agency.id, refused_at=when)
    return rid


def notice_obligations(session, notice: RefusalNotice) -> list[Obligation]:
    return list(session.scalars(select(Obligation).where(
        Obligation.rule_key == "refusal_notice_to_qc", Obligation.subject_id == notice.id)))


def drafts(session, agency) -> list[RefusalNotice]:
    return list(session.scalars(select(RefusalNotice).where(
        RefusalNotice.agency_id == agency.id).order_by(RefusalNotice.id)))


@pytest.mark.parametrize(("first", "second", "escalates"), [
    (date(2026, 3, 30), date(2026, 4, 2), True),   # across calendar months
    (date(2026, 2, 28), date(2026, 3, 31), True),  # 31 March looks back to 28 February
    (date(2026, 2, 27), date(2026, 3, 31), False),
    (date(2026, 4, 10), date(2026, 5, 11), False),
    (date(2026, 4, 10), date(2026, 5, 10), True),
])
def test_window_is_one_running_month(session, first, second, escalates) -> None:
    agency = make_agency(session)
    refuse(session, agency, datetime.combine(first, time(11), ASTANA_TZ))
    result = refuse(session, agency, datetime.combine(second, time(11), ASTANA_TZ))
    assert bool(drafts(session, agency)) is escalates, result


def test_first_refusal_alone_closes_the_request_only(session) -> None:
    agency = make_agency(session)
    rid = refuse(session, agency, at(2026, 4, 2))
    [ob] = session.scalars(select(Obligation).where(Obligation.subject_id == rid,
                                                   Obligation.subject_type == "info_request"))
    assert ob.status is ObligationStatus.CANCELLED and ob.details["refused"] is True
    assert drafts(session, agency) == []


def test_second_refusal_drafts_notice_and_opens_cl28(session) -> None:
    agency = make_agency(session)
    other = make_agency(session)
    r1 = refuse(session, agency, at(2026, 4, 2))
    refuse(session, other, at(2026, 4, 3))  # another agency's refusal does not count
    r2 = refuse(session, agency, at(2026, 4, 9))
    [notice] = drafts(session, agency)
    assert notice.request_ids == sorted([r1, r2]) and notice.status is RefusalNoticeStatus.DRAFT
    [ob] = notice_obligations(session, notice)
    # Thu 09.04.2026 + 3 WD: 10, 13, 14 April.
    assert (ob.rule.clause, ob.party, ob.agency_id) == ("28", "ucc", agency.id)
    assert ob.due_at == datetime.combine(date(2026, 4, 14), time.max, ASTANA_TZ)
    r3 = refuse(session, agency, at(2026, 4, 10))
    assert drafts(session, agency) == [notice] and r3 in notice.request_ids
    assert notice_obligations(session, notice) == [ob]


def test_sending_fulfils_and_a_new_repeat_drafts_again(session) -> None:
    agency = make_agency(session)
    refuse(session, agency, at(2026, 4, 2))
    refuse(session, agency, at(2026, 4, 9))
    [notice] = drafts(session, agency)
    ob = refusals.mark_sent(session, None, notice, sent_on=date(2026, 4, 13),
                            reference="01-12/345", pdf=b"%PDF-1.7 test")
    assert ob is not None and ob.status is ObligationStatus.FULFILLED_ON_TIME
    assert notice.status is RefusalNoticeStatus.SENT and notice.sent_reference == "01-12/345"
    refuse(session, agency, at(2026, 4, 20))
    first, second = drafts(session, agency)
    assert second.status is RefusalNoticeStatus.DRAFT and len(second.request_ids) == 3


def test_order_81_notice_has_no_term(session) -> None:
    agency = make_agency(session)
    refuse(session, agency, at(2019, 4, 2))
    refuse(session, agency, at(2019, 4, 9))
    [notice] = drafts(session, agency)
    [ob] = notice_obligations(session, notice)
    assert (ob.rule.act_number, ob.rule.clause, ob.due_at) == ("81", "13", None)


def test_refusal_of_an_unknown_request_still_counts(session) -> None:
    agency = make_agency(session)
    for day in (2, 3):
        signals.info_request_refused.send("registry", session=session, actor=None,
                                          request_id=next(_ids), agency_id=agency.id,
                                          refused_at=at(2026, 4, day))
    assert len(drafts(session, agency)) == 1


def test_month_before_clamps_to_month_end() -> None:
    assert refusals.month_before(date(2026, 3, 31)) == date(2026, 2, 28)
    assert refusals.month_before(date(2024, 3, 30)) == date(2024, 2, 29)
    assert refusals.month_before(date(2026, 1, 15)) == date(2025, 12, 15)
