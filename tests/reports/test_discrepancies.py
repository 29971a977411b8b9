"""Discrepancies (Rules No. 83, cl. 32): the QC authority asks, the UCC explains by the next
working day."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from portal.calendar.workdays import ASTANA_TZ
from portal.errors import DomainError
from portal.obligations.models import Obligation, ObligationStatus
from portal.reports.discrepancies import mark_discrepancy, parse_rows
from portal.reports.models import Discrepancy, DiscrepancyStatus
from portal.reports.services import build_reports
from portal.security import Role
from tests.factories import login, make_user, post


def test_row_numbers_are_parsed_and_checked() -> None:
    assert parse_rows("3, 5-7;1  2 – 2", 10) == [1, 2, 3, 5, 6, 7]
    for bad in ("0", "11", "7-5", "a"):
        with pytest.raises(DomainError):
            parse_rows(bad, 10)


def _qc_report(app, session):
    with app.app_context():
        reports = build_reports(session, "annex2", date(2026, 3, 1))
    return next(r for r in reports if r.recipient_agency_id is None)


def test_qc_marks_rows_and_the_explanation_is_due_next_working_day(app, session,
                                                                   march) -> None:
    report = _qc_report(app, session)
    qc = app.test_client()
    login(qc, march.qc_user)
    path = f"/reports/{report.id}"
    bad = post(qc, f"{path}/discrepancies", {"rows": "4", "description": "Сәйкес емес"},
               token_from=path)
    assert bad.status_code == 422
    ok = post(qc, f"{path}/discrepancies", {"rows": "1, 3",
                                           "description": "Комитет есебінде 2 жол жоқ"},
              token_from=path)
    assert ok.status_code == 303
    item = session.scalar(select(Discrepancy).where(Discrepancy.report_id == report.id))
    assert item.rows == [1, 3] and item.status is DiscrepancyStatus.OPEN
    ob = session.scalar(select(Obligation).where(Obligation.subject_type == "report_discrepancy",
                                                 Obligation.subject_id == item.id))
    assert ob.rule_key == "discrepancy_explanation" and ob.status is ObligationStatus.OPEN
    asked = ob.trigger_at.astimezone(ASTANA_TZ).date()
    due = ob.due_at.astimezone(ASTANA_TZ)
    assert due.date() > asked and due.weekday() < 5 and (due.hour, due.minute) == (23, 59)
    page = qc.get(path).get_data(as_text=True)
    a = march.appeals
    assert f'href="/appeals/{a["ministry"].id}">1</a>' in page
    assert f'href="/appeals/{a["akimat"].id}">3</a>' in page

    staff = app.test_client()
    login(staff, make_user(session, Role.UCC_MANAGER))
    assert post(staff, f"/reports/discrepancies/{item.id}/explain", {"explanation": "Жол 3 "
                "31 наурызда 23:59-да тіркелген"}, token_from=path).status_code == 303
    session.expire_all()
    item = session.get(Discrepancy, item.id)
    assert item.status is DiscrepancyStatus.EXPLAINED and "23:59" in item.explanation
    assert session.get(Obligation, ob.id).status is ObligationStatus.FULFILLED_ON_TIME
    assert post(qc, f"/reports/discrepancies/{item.id}/explain", {"explanation": "x"},
                token_from=path).status_code == 403


def test_a_late_explanation_is_recorded_late(app, session, march) -> None:
    report = _qc_report(app, session)
    item = mark_discrepancy(session, march.qc_user, report, rows_text="2",
                            description="Күні басқа")
    friday = datetime(2026, 3, 20, 17, 0, tzinfo=ASTANA_TZ)  # Nauryz follows
    session.execute(update(Obligation).where(Obligation.subject_id == item.id,
                                             Obligation.subject_type == "report_discrepancy")
                    .values(trigger_at=friday, due_at=datetime(2026, 3, 26, 23, 59,
                                                               tzinfo=ASTANA_TZ)))
    from portal.reports.discrepancies import explain

    explain(session, make_user(session, Role.ADMIN), item, "Түсініктеме")
    ob = session.scalar(select(Obligation).where(Obligation.subject_id == item.id,
                                                 Obligation.subject_type == "report_discrepancy"))
    assert ob.status is ObligationStatus.FULFILLED_LATE
