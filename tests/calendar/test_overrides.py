"""Decree overrides in the database: working-day arithmetic, recomputed deadlines, pages, CLI."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from portal.calendar.models import DayOverride
from portal.calendar.services import load_calendar, remove_override, set_override
from portal.calendar.workdays import ASTANA_TZ
from portal.errors import DomainError
from portal.obligations.engine import open_obligation
from portal.security import Role
from tests.factories import login, make_user, post


def eod(y: int, m: int, d: int) -> datetime:
    return datetime.combine(date(y, m, d), time.max, ASTANA_TZ)


def ob(session, key: str, trigger: datetime, n: int, **kw):
    return open_obligation(session, rule_key=key, trigger_at=trigger, subject_type="probe",
                           subject_id=n, agency_id=None, **kw)


def test_decreed_transfer_in_working_day_arithmetic(session) -> None:
    # A hypothetical decree for 2026: Saturday 28 March worked, Monday 30 March off.
    set_override(session, None, date(2026, 3, 28), True, "ҚР Үкіметінің қаулысы (сынақ)")
    set_override(session, None, date(2026, 3, 30), False, "ҚР Үкіметінің қаулысы (сынақ)")
    cal = load_calendar(session)
    assert cal.is_working_day(date(2026, 3, 28)) and not cal.is_working_day(date(2026, 3, 30))
    # Fri 20.03 + 5: Nauryz to Wed 25; 26, 27, Sat 28 (worked), (Sun 29, Mon 30 off), 31, 1 Apr.
    assert cal.add_working_days(date(2026, 3, 20), 4) == date(2026, 3, 31)
    assert cal.add_working_days(date(2026, 3, 20), 5) == date(2026, 4, 1)
    assert cal.next_working_day(date(2026, 3, 28)) == date(2026, 3, 31)


def test_override_moves_open_deadlines_and_reports_how_many(session) -> None:
    trigger = datetime(2026, 3, 20, 10, tzinfo=ASTANA_TZ)
    wd = ob(session, "annex1_after_bylaw", trigger, 1)  # 5 WD -> 1 April
    nwd = ob(session, "discrepancy_explanation", datetime(2026, 3, 26, 9, tzinfo=ASTANA_TZ), 2)
    given = ob(session, "info_request_answer", trigger, 3, due_at=eod(2026, 3, 31))
    hours = ob(session, "call_recording_on_demand", trigger, 4)
    after = ob(session, "annex1_after_bylaw", datetime(2026, 3, 27, 10, tzinfo=ASTANA_TZ), 5)
    assert (wd.due_at, nwd.due_at, after.due_at) == (eod(2026, 4, 1), eod(2026, 3, 27),
                                                     eod(2026, 4, 3))
    _, moved = set_override(session, None, date(2026, 3, 27), False, "Decree No. 1 (test)")
    assert moved == 2  # the working-day and next-working-day terms running over the 27th
    assert wd.due_at == eod(2026, 4, 2)
    assert nwd.due_at == eod(2026, 3, 30)
    assert after.due_at == eod(2026, 4, 3)  # the trigger day is never counted
    assert given.due_at == eod(2026, 3, 31) and hours.due_at == datetime(
        2026, 3, 20, 14, tzinfo=ASTANA_TZ)
    override = session.scalar(select(DayOverride).where(DayOverride.day == date(2026, 3, 27)))
    assert remove_override(session, None, override) == 2
    assert (wd.due_at, nwd.due_at) == (eod(2026, 4, 1), eod(2026, 3, 27))


def test_override_must_change_something_and_cite_a_decree(session) -> None:
    with pytest.raises(DomainError):
        set_override(session, None, date(2026, 3, 23), False, "Decree")  # Nauryz: already off
    with pytest.raises(DomainError):
        set_override(session, None, date(2026, 3, 28), True, "  ")


def test_month_page_shows_holidays_in_kk_and_ru(client, session) -> None:
    user = make_user(session, Role.UCC_OPERATOR)
    login(client, user)
    html = client.get("/calendar/?month=2026-03").get_data(as_text=True)
    assert "Наурыз мейрамы" in html and 'data-day="2026-03-23"' in html
    assert 'class="off" data-day="2026-03-24"' in html  # the transferred day off
    user.locale = "ru"
    session.flush()
    html = client.get("/calendar/?month=2026-05").get_data(as_text=True)
    assert "День Победы" in html
    assert 'id="override-form"' not in html  # only admins edit the calendar


def test_admin_adds_and_removes_an_override(client, session) -> None:
    admin = make_user(session, Role.ADMIN, locale="ru")
    ob(session, "annex1_after_bylaw", datetime(2026, 3, 20, 10, tzinfo=ASTANA_TZ), 1)
    login(client, admin)
    resp = post(client, "/calendar/overrides",
                {"day": "2026-03-27", "working": "0", "reason": "Постановление № 1 (тест)"},
                token_from="/calendar/", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and ": 1." in html
    assert "Постановление № 1 (тест)" in html
    override = session.scalar(select(DayOverride).where(DayOverride.day == date(2026, 3, 27)))
    assert override is not None and override.created_by_id == admin.id
    bad = post(client, "/calendar/overrides", {"day": "2026-03-23", "working": "0",
                                               "reason": "x"}, token_from="/calendar/")
    assert bad.status_code == 422
    override_id = override.id
    resp = post(client, f"/calendar/overrides/{override_id}/delete", token_from="/calendar/",
                follow_redirects=True)
    assert resp.status_code == 200
    session.expunge_all()
    assert session.get(DayOverride, override_id) is None


def test_operator_cannot_change_the_calendar(client, session) -> None:
    login(client, make_user(session, Role.UCC_OPERATOR))
    resp = post(client, "/calendar/overrides", {"day": "2026-03-27", "working": "0",
                                                "reason": "x"}, token_from="/calendar/")
    assert resp.status_code == 403


def test_cli_add_working_days_uses_db_overrides(app, session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["calendar", "add-working-days", "2026-03-20", "5"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2026-04-01"
    set_override(session, None, date(2026, 3, 27), False, "Decree (test)")
    session.flush()
    result = runner.invoke(args=["calendar", "add-working-days", "2026-03-20", "5"])
    assert result.output.strip() == "2026-04-02"
    result = runner.invoke(args=["calendar", "is-working-day", "2026-03-23"])
    assert (result.exit_code, result.output.strip()) == (1, "no")
    result = runner.invoke(args=["calendar", "nth-day-of-next-month", "2026-04-30", "5"])
    assert result.output.strip() == "2026-05-05"
    assert runner.invoke(args=["calendar", "add-working-days", "20.03.2026", "5"]).exit_code == 2
