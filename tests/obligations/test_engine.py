"""The obligations engine contract: versions by date, deadlines, idempotency, closing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.calendar.workdays import ASTANA_TZ
from portal.obligations import engine
from portal.obligations.engine import cancel, fulfil, open_obligation, open_obligations_for
from portal.obligations.models import Obligation, ObligationStatus
from portal.obligations.rulebook import rules_by_key, sync_rules
from portal.obligations.rulebook_data import RULES


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """An Astana moment."""
    return datetime(y, m, d, hh, mm, tzinfo=ASTANA_TZ)


def eod(y: int, m: int, d: int) -> datetime:
    return datetime.combine(date(y, m, d), time.max, ASTANA_TZ)


def open_(session, key: str, trigger: datetime, subject_id: int = 1, **kw) -> Obligation:
    kw.setdefault("subject_type", "service")
    return open_obligation(session, rule_key=key, trigger_at=trigger, subject_id=subject_id,
                           agency_id=kw.pop("agency_id", None), **kw)


def test_migration_seeded_every_rule_version(session) -> None:
    assert session.scalar(select(func.count()).select_from(engine.Rule)) == len(RULES)
    assert sync_rules(session) == {"added": 0, "updated": 0}


def test_cl20_across_nauryz_2026_under_order_83(session) -> None:
    # Bylaw approved Fri 20.03.2026: Nauryz 21-25 March, so the 5th working day is 1 April.
    ob = open_(session, "annex1_after_bylaw", at(2026, 3, 20), subject_id=101)
    assert ob.due_at == eod(2026, 4, 1)
    assert (ob.rule.act_number, ob.rule.clause, ob.party) == ("83", "20", "agency")
    assert ob.rule.citation("ru") == "Правила № 83, п. 20"
    assert ob.rule.citation("kk") == "№ 83 Қағидалар, 20-тармақ"
    assert not ob.rule_inferred and not ob.due_explicit
    assert ob.status is ObligationStatus.OPEN


@pytest.mark.parametrize(("trigger", "act", "clause"), [
    (at(2015, 10, 1), "130", "8"),
    (at(2019, 6, 3), "81", "6"),
    (at(2024, 6, 3), "83", "21"),
])
def test_version_in_force_on_the_trigger_date(session, trigger, act, clause) -> None:
    ob = open_(session, "training_after_annex1", trigger, subject_id=trigger.year)
    assert (ob.rule.act_number, ob.rule.clause, ob.rule_inferred) == (act, clause, False)
    assert ob.due_at == engine.end_of_day(
        engine.get_calendar(session).add_working_days(trigger.date(), 10))


def test_refusal_notice_terms_differ_between_versions(session) -> None:
    # No. 130 cl. 12: three working days; No. 81 cl. 13 sets no term; No. 83 cl. 28: three.
    old = open_(session, "refusal_notice_to_qc", at(2016, 1, 14), subject_type="refusal_notice")
    mid = open_(session, "refusal_notice_to_qc", at(2019, 1, 14), subject_type="refusal_notice",
                subject_id=2)
    new = open_(session, "refusal_notice_to_qc", at(2025, 1, 14), subject_type="refusal_notice",
                subject_id=3)
    assert old.due_at == eod(2016, 1, 19) and old.rule.clause == "12"
    assert mid.due_at is None and not mid.is_overdue and mid.rule.clause == "13"
    assert new.due_at == eod(2025, 1, 17) and new.rule.clause == "28"


def test_gap_falls_back_to_the_earlier_version_flagged(session) -> None:
    # 10.01.2023 lies in the gap (No. 83 as amended by No. 368/НҚ is not in the seeds).
    ob = open_(session, "annex1_after_bylaw", at(2023, 1, 10))
    assert (ob.rule.act_number, ob.rule.clause, ob.rule_inferred) == ("81", "5", True)
    assert ob.due_at == eod(2023, 1, 17)
    # No earlier version at all: the e-mail answer rule exists only from 2023.
    early = open_(session, "email_appeal_answer", at(2020, 5, 4), subject_type="appeal")
    assert (early.rule.act_number, early.rule.clause, early.rule_inferred) == ("83", "8", True)


def test_today_never_fails_for_any_key(session) -> None:
    now = datetime.now(ASTANA_TZ)
    for n, key in enumerate(sorted({spec.key for spec in RULES})):
        ob = open_(session, key, now, subject_type="probe", subject_id=n,
                   event_at=now + timedelta(days=3))
        assert ob.id and ob.rule.key == key


def test_deadline_kinds(session) -> None:
    rec = open_(session, "call_recording_on_demand", at(2024, 3, 7, 17), subject_type="demand")
    assert rec.due_at == at(2024, 3, 7, 21)
    # Thu 07.03.2024 -> Fri 8 March is a holiday -> Monday 11 March.
    exp = open_(session, "discrepancy_explanation", at(2024, 3, 7), subject_type="disc")
    assert exp.due_at == eod(2024, 3, 11)
    old = open_(session, "discrepancy_explanation", at(2015, 9, 1), subject_type="disc",
                subject_id=2)
    assert old.due_at == at(2015, 9, 1)  # 2015: "immediately"
    report = open_(session, "monthly_appeals_report", at(2026, 1, 31, 23), subject_type="report")
    assert report.due_at == eod(2026, 2, 5)
    monitoring = open_(session, "monitoring_violations_report", at(2026, 1, 31),
                       subject_type="report")
    assert monitoring.due_at == eod(2026, 2, 15) and monitoring.party == "informatization_body"
    outage = at(2026, 5, 12, 22)
    notice = open_(session, "ict_outage_notice", at(2026, 5, 4), subject_type="outage",
                   event_at=outage)
    assert notice.due_at == outage - timedelta(hours=24)
    with pytest.raises(ValueError, match="event_at"):
        open_(session, "ict_outage_notice", at(2026, 5, 4), subject_type="outage", subject_id=9)
    protocol = open_(session, "protocol_after_training", at(2026, 5, 4))
    assert protocol.due_at is None and protocol.days_late == 0


def test_given_due_date_wins_and_party_override(session) -> None:
    due = eod(2026, 2, 20)
    ob = open_(session, "info_request_answer", at(2026, 2, 2), subject_type="info_request",
               due_at=due, party="ici_operator")
    assert (ob.due_at, ob.due_explicit, ob.party) == (due, True, "ici_operator")


def test_idempotent_open_and_replay(session) -> None:
    first = open_(session, "annex1_after_bylaw", at(2026, 3, 2), subject_id=7)
    again = open_(session, "annex1_after_bylaw", at(2026, 3, 5), subject_id=7)
    assert again.id == first.id and again.trigger_at == at(2026, 3, 2)
    fulfil(session, rule_key="annex1_after_bylaw", subject_type="service", subject_id=7,
           at=at(2026, 3, 4))
    replay = open_(session, "annex1_after_bylaw", at(2026, 3, 2), subject_id=7)
    assert replay.id == first.id and replay.status is ObligationStatus.FULFILLED_ON_TIME
    later = open_(session, "annex1_after_bylaw", at(2026, 6, 1), subject_id=7)
    assert later.id != first.id and later.status is ObligationStatus.OPEN
    assert len(open_obligations_for(session, "service", 7)) == 1


def test_fulfil_on_the_deadline_is_on_time_a_moment_later_is_late(session) -> None:
    a = open_(session, "annex1_after_bylaw", at(2026, 3, 20), subject_id=1)
    b = open_(session, "annex1_after_bylaw", at(2026, 3, 20), subject_id=2)
    done = fulfil(session, rule_key="annex1_after_bylaw", subject_type="service", subject_id=1,
                  at=a.due_at)
    assert done is a and a.status is ObligationStatus.FULFILLED_ON_TIME and a.days_late == 0
    late = fulfil(session, rule_key="annex1_after_bylaw", subject_type="service", subject_id=2,
                  at=b.due_at + timedelta(microseconds=1))
    assert late is b and b.status is ObligationStatus.FULFILLED_LATE and b.days_late == 1
    assert b.closed_at == b.due_at + timedelta(microseconds=1)
    assert fulfil(session, rule_key="annex1_after_bylaw", subject_type="service", subject_id=2,
                  at=at(2026, 5, 1)) is None


def test_cancel_needs_an_open_obligation(session) -> None:
    ob = open_(session, "training_after_annex1", at(2026, 4, 6), subject_id=3)
    closed = cancel(session, rule_key="training_after_annex1", subject_type="service",
                    subject_id=3, reason="service withdrawn by decree")
    assert closed is ob and ob.status is ObligationStatus.CANCELLED
    assert ob.close_reason == "service withdrawn by decree" and ob.closed_at is not None
    assert cancel(session, rule_key="training_after_annex1", subject_type="service",
                  subject_id=3, reason="again") is None


def test_overdue_and_days_late_count_astana_dates(session) -> None:
    ob = open_(session, "annex1_after_bylaw", datetime.now(ASTANA_TZ) - timedelta(days=30),
               subject_id=44)
    assert ob.is_overdue
    expected = (datetime.now(ASTANA_TZ).date() - ob.due_at.astimezone(ASTANA_TZ).date()).days
    assert ob.days_late == expected > 0


def test_open_obligations_for_nearest_first(session) -> None:
    open_(session, "training_after_annex1", at(2026, 4, 6), subject_id=5)
    open_(session, "info_update_after_amendment", at(2026, 4, 1), subject_id=5)
    open_(session, "protocol_after_training", at(2026, 3, 1), subject_id=5)
    keys = [o.rule_key for o in open_obligations_for(session, "service", 5)]
    assert keys == ["info_update_after_amendment", "training_after_annex1",
                    "protocol_after_training"]


def test_naive_times_are_refused(session) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        open_(session, "annex1_after_bylaw", datetime(2026, 3, 2, 10, 0))


def test_unknown_key_is_an_error(session) -> None:
    with pytest.raises(KeyError):
        rules_by_key(session, "no_such_rule")


def test_audit_entries_for_open_and_close(session) -> None:
    from portal.obligations.services import history

    ob = open_(session, "annex1_after_bylaw", at(2026, 3, 2), subject_id=77)
    fulfil(session, rule_key="annex1_after_bylaw", subject_type="service", subject_id=77,
           at=at(2026, 3, 3))
    assert [e.action for e in history(session, ob)] == ["obligations.open", "obligations.fulfil"]


def test_a_rule_missing_from_the_table_is_synced_on_first_use(session) -> None:
    from sqlalchemy import delete

    session.execute(delete(engine.Rule).where(engine.Rule.key == "ict_request_reaction"))
    session.info.clear()
    ob = open_(session, "ict_request_reaction", at(2026, 4, 6), subject_type="ict_request",
               due_at=at(2026, 4, 6, 14), party="ucc")
    assert (ob.rule.clause, ob.due_at) == ("37", at(2026, 4, 6, 14))
    assert len(rules_by_key(session, "ict_request_reaction")) == 2


@pytest.mark.parametrize(("signed", "act", "clause", "start"), [
    (date(2015, 12, 30), "130", "9", date(2016, 1, 11)),  # New Year and Christmas skipped
    (date(2019, 3, 20), "81", "8", date(2019, 4, 1)),  # Nauryz 21, 22 and 25 (from Sat 23)
    (date(2026, 3, 20), "83", "23", date(2026, 4, 1)),
])
def test_consultation_start_five_working_days_after_protocol(session, signed, act, clause,
                                                           start) -> None:
    ob = open_(session, "consultation_start_after_protocol",
               datetime.combine(signed, time(15), ASTANA_TZ), subject_id=signed.year)
    assert (ob.rule.act_number, ob.rule.clause) == (act, clause)
    assert ob.due_at == datetime.combine(start, time.max, ASTANA_TZ)


def test_rules_cli(app, session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rules", "sync"])
    assert result.exit_code == 0 and "0 added" in result.output
    listed = runner.invoke(args=["rules", "list", "--on", "2019-06-01"]).output
    assert "annex1_after_bylaw" in listed and "No. 81" in listed and "No. 83" not in listed
