"""The rulebook seed data: versions, effective dates and clause numbers against the seeds."""

import os
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from portal.calendar.workdays import ASTANA_TZ, WorkCalendar
from portal.obligations.rulebook_data import (
    GAPS,
    KEYS,
    RULES,
    RuleSpec,
    check_rulebook,
    rule_for,
    rules_for_trigger,
    versions_of,
)

# The legal acts live in ../shared/seeds beside the checkout (as on CI and in the workplace).
SEEDS = Path(os.environ.get("UCC_SEEDS_DIR")
             or Path(__file__).resolve().parents[3] / "shared" / "seeds")


def in_gap(key: str, d: date) -> bool:
    """True on a day of a declared gap that concerns this rule's acts."""
    acts = {v.act_number for v in versions_of(key)}
    return any(g.act_number in acts and g.start <= d <= g.end for g in GAPS)


@pytest.mark.parametrize("key", sorted(KEYS))
def test_exactly_one_version_on_every_day_of_the_span(key: str) -> None:
    versions = versions_of(key)
    first = versions[0].effective_from
    last = versions[-1].effective_to or date(2027, 12, 31)
    day = first
    while day <= last:
        in_force = [v for v in versions if v.is_in_force(day)]
        assert len(in_force) == (0 if in_gap(key, day) else 1), (key, day)
        day += timedelta(days=1)


def test_rule_for_2015_2017_2024() -> None:
    # Monthly appeals report: cl. 14 (2015), cl. 16 (2016-2022), cl. 31 (2023 edition).
    assert rule_for("monthly_appeals_report", date(2015, 9, 1)).clause == "14"
    assert rule_for("monthly_appeals_report", date(2017, 6, 1)).clause == "16"
    assert rule_for("monthly_appeals_report", date(2024, 6, 1)).clause == "31"
    r2015 = rule_for("discrepancy_explanation", date(2015, 9, 1))
    r2017 = rule_for("discrepancy_explanation", date(2017, 6, 1))
    r2024 = rule_for("discrepancy_explanation", date(2024, 6, 1))
    assert (r2015.act_number, r2015.clause, r2015.deadline_kind) == ("130", "16", "immediately")
    assert (r2017.act_number, r2017.clause, r2017.deadline_kind) == ("81", "17", "next_working_day")
    assert (r2024.act_number, r2024.clause, r2024.deadline_kind) == ("83", "32", "next_working_day")


def test_2015_onboarding_chain_differs_from_later_rules() -> None:
    on = date(2015, 10, 1)
    # 2015: UCC asks within 3 WD, the body appoints within 3 WD, information within 5 WD.
    assert rule_for("annex1_request_to_agency", on).deadline_value == 3
    assert rule_for("annex1_request_to_agency", on).actor == "ucc"
    assert rule_for("responsible_person_after_request", on).deadline_value == 3
    assert rule_for("annex1_after_appointment", on).deadline_value == 5
    with pytest.raises(LookupError):
        rule_for("annex1_after_bylaw", on)
    # Later: one step, 5 WD after the bylaw is approved, and the 2015 steps are gone.
    for later, clause in ((date(2017, 6, 1), "5"), (date(2024, 6, 1), "20")):
        rule = rule_for("annex1_after_bylaw", later)
        assert (rule.clause, rule.deadline_kind, rule.deadline_value) == (clause, "working_days", 5)
        with pytest.raises(LookupError):
            rule_for("annex1_request_to_agency", later)


def test_refusal_notice_had_no_term_under_order_81() -> None:
    assert rule_for("refusal_notice_to_qc", date(2015, 9, 1)).deadline_value == 3
    assert rule_for("refusal_notice_to_qc", date(2017, 6, 1)).deadline_kind == "no_term"
    rule = rule_for("refusal_notice_to_qc", date(2024, 6, 1))
    assert (rule.clause, rule.deadline_value) == ("28", 3)


def test_clauses_only_in_the_2023_edition() -> None:
    assert rule_for("email_appeal_answer", date(2024, 6, 1)).deadline_value == 2
    assert rule_for("call_recording_on_demand", date(2024, 6, 1)).deadline_kind == "hours"
    with pytest.raises(LookupError):
        rule_for("email_appeal_answer", date(2017, 6, 1))
    # ICT clauses first appear in Order 81.
    assert rule_for("ict_outage_notice", date(2017, 6, 1)).clause == "23"
    assert rule_for("ict_monthly_report", date(2024, 6, 1)).clause == "39"
    with pytest.raises(LookupError):
        rule_for("ict_outage_notice", date(2015, 9, 1))


def test_effective_date_boundaries() -> None:
    # Published 09.07.2015; ten calendar days (10-19 July) pass, in force from 20.07.2015.
    assert rule_for("training_after_annex1", date(2015, 7, 20)).act_number == "130"
    with pytest.raises(LookupError):
        rule_for("training_after_annex1", date(2015, 7, 19))
    assert rule_for("training_after_annex1", date(2016, 3, 10)).act_number == "130"
    assert rule_for("training_after_annex1", date(2016, 3, 11)).act_number == "81"
    assert rule_for("training_after_annex1", date(2022, 10, 14)).act_number == "81"
    assert rule_for("training_after_annex1", date(2023, 8, 8)).act_number == "83"


def test_gap_without_seed_text_is_refused_with_the_reason() -> None:
    with pytest.raises(LookupError, match="368/НҚ"):
        rule_for("annex1_after_bylaw", date(2023, 1, 10))


def test_unknown_key_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        rule_for("no_such_rule", date(2024, 1, 1))


def test_rules_for_trigger() -> None:
    keys_2024 = {r.key for r in rules_for_trigger("month_closed", date(2024, 1, 31))}
    assert keys_2024 == {
        "monthly_appeals_report",
        "ict_monthly_report",
        "monitoring_violations_report",
    }
    monitoring = rule_for("monitoring_violations_report", date(2024, 1, 31))
    assert (monitoring.deadline_value, monitoring.actor) == (15, "informatization_body")
    keys_2015 = {r.key for r in rules_for_trigger("month_closed", date(2015, 8, 31))}
    assert keys_2015 == {"monthly_appeals_report"}
    proactive = rules_for_trigger("proactive_offer_sent", date(2024, 1, 31))
    assert [(r.act_number, r.clause, r.deadline_kind, r.deadline_value) for r in proactive] == [
        ("155/НҚ", "4", "hours", 24)
    ]


def test_citation_and_texts() -> None:
    rule = rule_for("annex1_after_bylaw", date(2024, 6, 1))
    assert rule.citation("ru") == "Правила № 83, п. 20"
    assert rule.citation("kk") == "№ 83 Қағидалар, 20-тармақ"
    assert rule.amended_by == "№ 292/НҚ, 28.07.2023"
    for spec in RULES:
        assert spec.description_kk and spec.description_ru, spec.key
        assert spec.act_title_kk and spec.act_title_ru, spec.key


def test_deadlines_differ_between_versions_on_the_calendar() -> None:
    # A discrepancy request on Thursday 07.03.2024: Friday 8 March is Women's Day, so
    # "next working day" (cl. 32) is Monday 11 March; the 2015 rule wanted it at once.
    cal = WorkCalendar()
    asked = date(2024, 3, 7)
    assert rule_for("discrepancy_explanation", asked).deadline_kind == "next_working_day"
    assert cal.next_working_day(asked) == date(2024, 3, 11)
    # A call-recording demand at 17:00 is due within 4 clock hours, not working hours.
    demand = datetime(2024, 3, 7, 17, 0, tzinfo=ASTANA_TZ)
    rule = rule_for("call_recording_on_demand", demand.date())
    assert demand + timedelta(hours=rule.deadline_value) == datetime(
        2024, 3, 7, 21, 0, tzinfo=ASTANA_TZ
    )


def test_check_rejects_overlap_hole_and_bad_values() -> None:
    base = versions_of("training_after_annex1")
    overlapping = replace(base[1], effective_from=base[0].effective_to)
    with pytest.raises(ValueError, match="overlap"):
        check_rulebook((base[0], overlapping))
    late = replace(base[1], effective_from=base[1].effective_from + timedelta(days=30))
    with pytest.raises(ValueError, match="not a declared gap"):
        check_rulebook((base[0], late))
    with pytest.raises(ValueError, match="takes the value"):
        check_rulebook((replace(base[0], deadline_kind="next_working_day", deadline_value=2),))
    with pytest.raises(ValueError, match="positive"):
        check_rulebook((replace(base[0], deadline_value=0),))


NUMBERS_KK = {2: "екі", 3: "үш", 4: "төрт", 5: "бес", 10: "он", 15: "15-", 24: "жиырма төрт"}


def expected_phrase(rule: RuleSpec) -> str:
    """The Kazakh words that state the rule's term in the act."""
    number = NUMBERS_KK.get(rule.deadline_value, "")
    return {
        "working_days": f"{number} жұмыс күн",
        "hours": f"{number} сағат",
        "day_of_next_month": "бесінші күн" if rule.deadline_value == 5 else f"{number}күн",
        "hours_before": "бір тәулік",
        "immediately": "дереу",
        "next_working_day": "келесі жұмыс күн",
        "no_term": {
            "protocol_after_training": "хаттама",
            "info_request_answer": "сұрау сал",
            "ict_request_reaction": "өңдеу регламентінде",
            "ict_request_resolution": "өңдеу регламентінде",
        }.get(rule.key, "бас тарт"),
    }[rule.deadline_kind]


def clause_text(source: str, clause: str) -> str:
    """Text of clause `clause` of the rules in seed `source`, whitespace collapsed."""
    text = next(SEEDS.glob(f"{source}_*.txt")).read_text(encoding="utf-8")
    # The rules follow the order's own clauses, so the last match is the rules' clause.
    start = [m.end() for m in re.finditer(rf"\n\s*{clause}\. ", text)][-1]
    end = re.compile(rf"\n\s*{int(clause) + 1}\. ").search(text, start)
    return " ".join(text[start : end.start() if end else len(text)].split())


@pytest.mark.skipif(not SEEDS.is_dir() and not os.environ.get("CI"),
                    reason="seed acts not available (set UCC_SEEDS_DIR)")
@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.act_number}-{r.clause}-{r.key}")
def test_clause_and_term_match_the_seed_text(rule: RuleSpec) -> None:
    text = clause_text(rule.source, rule.clause)
    assert expected_phrase(rule) in text, text[:300]
    if rule.deadline_kind == "no_term" and rule.key == "refusal_notice_to_qc":
        assert "жұмыс күн" not in text
