"""Consistency checks of the bundled demo dataset (portal/demo); no database needed."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections import Counter
from itertools import pairwise
from typing import Any

import pytest

from portal.demo.dataset import (
    AGENCY_KINDS,
    SERVICE_STATUSES,
    SINGLETON_KINDS,
    Dataset,
    build_dataset,
    load_dataset,
    read_documents,
)

KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
# Official Russian names of the regions created in 2022 keep their Kazakh spelling.
KAZAKH_PROPER_NAMES_IN_RUSSIAN = ("Жетісу", "Ұлытау")
PIPELINE = SERVICE_STATUSES[: SERVICE_STATUSES.index("consulting")]


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def has_kazakh_letter(text: str) -> bool:
    return any(ch in KAZAKH_LETTERS for ch in text)


def russian_texts(ds: Dataset) -> list[tuple[str, str]]:
    texts = [(r.code, r.name_ru) for r in ds.regions]
    texts += [(a.code, t) for a in ds.agencies for t in (a.name_ru, a.short_ru)]
    texts += [(s.code, s.name_ru) for s in ds.sections]
    texts += [(s.code, s.name_ru) for s in ds.services]
    texts += [(s.code, t) for s in ds.services for b in s.bylaws for t in (b.title_ru, b.act_ru)]
    texts += [(p.email, p.position_ru) for p in ds.people]
    return texts


def kazakh_texts(ds: Dataset) -> list[tuple[str, str]]:
    texts = [(r.code, r.name_kk) for r in ds.regions]
    texts += [(a.code, t) for a in ds.agencies for t in (a.name_kk, a.short_kk)]
    texts += [(s.code, s.name_kk) for s in ds.sections]
    texts += [(s.code, s.name_kk) for s in ds.services]
    texts += [(s.code, t) for s in ds.services for b in s.bylaws for t in (b.title_kk, b.act_kk)]
    texts += [(p.email, p.position_kk) for p in ds.people]
    return texts


def test_regions_are_17_regions_and_3_cities(ds: Dataset) -> None:
    kinds = Counter(r.kind for r in ds.regions)
    assert kinds == {"region": 17, "city": 2, "capital": 1}
    names = {r.name_ru for r in ds.regions}
    assert {"область Абай", "область Жетісу", "область Ұлытау"} <= names  # created in 2022
    assert {"город Астана", "город Алматы", "город Шымкент"} <= names


def test_every_region_and_city_has_exactly_one_akimat(ds: Dataset) -> None:
    akimats = Counter(a.region for a in ds.agencies if a.is_local)
    assert akimats == {r.code: 1 for r in ds.regions}
    assert ds.agency("akimat_astana").kind == "local_capital"
    assert {a.region for a in ds.agencies_of_kind("local_city")} == {"almaty", "shymkent"}


def test_agency_kinds_and_special_bodies(ds: Dataset) -> None:
    assert {a.kind for a in ds.agencies} == set(AGENCY_KINDS)
    for kind in SINGLETON_KINDS:
        assert len(ds.agencies_of_kind(kind)) == 1, kind
    ucc = ds.singleton("ucc")
    assert ucc.name_kk == "Бірыңғай байланыс орталығы"
    assert ucc.name_ru == "Единый контакт-центр"
    assert ds.agency(ucc.parent or "").kind == "provider"  # operated by the State Corporation
    assert "Ұлттық ақпараттық технологиялар" in ds.singleton("ici_operator").name_kk
    assert "государственной службы" in ds.singleton("qc_authority").name_ru
    assert "цифрового развития" in ds.singleton("informatization").name_ru
    assert len(ds.agencies_of_kind("central")) >= 15


def test_parents_exist_and_committees_hang_under_ministries(ds: Dataset) -> None:
    codes = {a.code for a in ds.agencies}
    with_parent = [a for a in ds.agencies if a.parent]
    assert all(a.parent in codes and a.parent != a.code for a in with_parent)
    committees = [a for a in with_parent if a.kind == "central"]
    assert len(committees) >= 3
    assert all(ds.agency(c.parent or "").parent is None for c in committees)
    assert {c.code for c in ds.children_of("mvd")} == {"kms", "kap"}


def test_about_one_hundred_services_with_unique_8_digit_codes(ds: Dataset) -> None:
    codes = [s.code for s in ds.services]
    assert 95 <= len(codes) <= 120
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"\d{8}", c) for c in codes)
    sections = {s.code for s in ds.sections}
    assert {s.section for s in ds.services} == sections
    assert codes == sorted(codes)


def test_services_reference_existing_agencies_spread_realistically(ds: Dataset) -> None:
    codes = {a.code for a in ds.agencies}
    assert all(s.agency in codes for s in ds.services)
    by_kind = Counter(ds.agency(s.agency).kind for s in ds.services)
    assert by_kind["central"] > len(ds.services) / 2
    assert by_kind["local_region"] + by_kind["local_city"] + by_kind["local_capital"] >= 10
    assert by_kind["provider"] >= 3
    assert len({s.agency for s in ds.services}) >= 30


def test_terms_and_bylaws_are_complete(ds: Dataset) -> None:
    for s in ds.services:
        assert s.term_kind in ("working", "calendar") and s.term_days > 0, s.code
        assert s.bylaws, s.code
        assert s.internet_resource.startswith("https://"), s.code
        for b in s.bylaws:
            # The adilet document id ends with the zero-padded state registration number.
            assert b.url.startswith("https://adilet.zan.kz/rus/docs/V"), s.code
            assert b.url.endswith(b.registration_number.zfill(7)), s.code
            assert (
                b.url[len("https://adilet.zan.kz/rus/docs/V") :][:2] == f"{b.date.year % 100:02d}"
            ), s.code
            assert all(a.date >= b.date for a in b.amendments), s.code
    checked = {
        b.registration_number for s in ds.services for b in s.bylaws
    } & ds.checked_registration_numbers
    assert checked == ds.checked_registration_numbers and len(checked) >= 5


def test_statuses_cover_the_whole_lifecycle(ds: Dataset) -> None:
    counts = Counter(s.demo_status for s in ds.services)
    assert set(counts) == set(SERVICE_STATUSES)
    assert counts.most_common(1)[0][0] == "consulting"
    assert all(n >= 3 for status, n in counts.items() if status != "consulting"), counts


def test_onboarding_bylaws_are_younger_the_earlier_the_stage(ds: Dataset) -> None:
    latest = {
        status: [max(b.date for b in s.bylaws) for s in ds.services if s.demo_status == status]
        for status in PIPELINE
    }
    for earlier, later in pairwise(PIPELINE):
        assert min(latest[earlier]) >= min(latest[later]), (earlier, later)
    oldest_pipeline = min(d for dates in latest.values() for d in dates)
    assert all(
        max(b.date for b in s.bylaws) < oldest_pipeline
        for s in ds.services
        if s.demo_status == "consulting"
    )


def test_responsible_persons_follow_the_lifecycle(ds: Dataset) -> None:
    for s in ds.services:
        responsible = ds.responsible_for(s.code)
        if s.demo_status == "new":
            assert responsible == (), s.code  # cl. 20: nobody appointed yet
        else:
            assert responsible, s.code
            assert all(p.agency == s.agency for p in responsible)


def test_people_belong_to_existing_agencies_with_plausible_contacts(ds: Dataset) -> None:
    emails = [p.email for p in ds.people]
    assert len(set(emails)) == len(emails)
    providers = {s.agency for s in ds.services if s.demo_status != "new"}
    assert providers <= {p.agency for p in ds.people}
    for p in ds.people:
        agency = ds.agency(p.agency)
        assert p.email.split("@")[1] == agency.email.split("@")[1], p.email
        assert (
            re.fullmatch(r"\+7 \d{3,5}( \d{1,3}){3}", p.phone)
            and len(re.sub(r"\D", "", p.phone)) == 11
        ), p.phone
        astana_based = not agency.is_local or agency.region == "astana"
        assert p.phone.startswith("+7 7172 ") == astana_based, p.email
        assert len(p.full_name.split()) == 3, p.full_name
    assert {p.agency for p in ds.people} >= {"nit", "adgs"}  # cl. 17 group and QC contact


def test_kazakh_names_are_not_russian_copies(ds: Dataset) -> None:
    assert all(has_kazakh_letter(s.name_kk) for s in ds.services)
    assert all(has_kazakh_letter(a.name_kk) for a in ds.agencies)
    texts = kazakh_texts(ds)
    assert sum(has_kazakh_letter(t) for _, t in texts) / len(texts) > 0.9
    assert all(s.name_kk != s.name_ru for s in ds.services)


def test_russian_names_have_no_kazakh_letters(ds: Dataset) -> None:
    offenders = []
    for ref, text in russian_texts(ds):
        for proper in KAZAKH_PROPER_NAMES_IN_RUSSIAN:
            text = text.replace(proper, "")
        if has_kazakh_letter(text):
            offenders.append(ref)
    assert offenders == []


def test_no_latin_homoglyphs_in_cyrillic_texts(ds: Dataset) -> None:
    # A Latin "i" or "o" typed inside a Cyrillic word breaks search; Roman numerals are fine.
    offenders = [
        ref
        for ref, t in kazakh_texts(ds) + russian_texts(ds)
        if re.search(r"[A-Za-z]", re.sub(r"\b[IVX]+\b", "", t))
    ]
    assert offenders == []


def test_load_dataset_is_cached_and_records_are_frozen(ds: Dataset) -> None:
    assert load_dataset() is ds
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.services[0].demo_status = "withdrawn"  # type: ignore[misc]


def broken(mutate: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    docs = copy.deepcopy(read_documents())
    mutate(*docs)
    return docs


def first_service(services: dict[str, Any], status: str) -> dict[str, Any]:
    return next(s for s in services["services"] if s["demo_status"] == status)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda a, s, p: s["services"][0].update(agency="nope"), "unknown agency 'nope'"),
        (
            lambda a, s, p: s["services"][1].update(code=s["services"][0]["code"]),
            "duplicate service code",
        ),
        (lambda a, s, p: s["services"][0].update(code="0010101"), "code must be SSSUUNNN"),
        (
            lambda a, s, p: s["services"][0].update(demo_status="archived"),
            "unknown status 'archived'",
        ),
        (lambda a, s, p: s["services"][0].update(term_kind="banking"), "bad term"),
        (
            lambda a, s, p: s["services"][0]["bylaws"][0].update(registration_number="99999"),
            "bad registration number",
        ),
        (lambda a, s, p: a["agencies"][0].update(parent="ghost"), "unknown parent 'ghost'"),
        (
            lambda a, s, p: a["agencies"][-1].update(region="atlantis"),
            "region 'atlantis' is not a known",
        ),
        (
            lambda a, s, p: a["agencies"].append(dict(a["agencies"][0], code="ucc2", kind="ucc")),
            "exactly one agency",
        ),
        (lambda a, s, p: p["people"][0].update(agency="ghost"), "unknown agency 'ghost'"),
        (
            lambda a, s, p: p["people"][0].update(email=p["people"][1]["email"]),
            "duplicate person e-mail",
        ),
        (lambda a, s, p: p["people"][1].update(services=["01001001"]), "is not provided by"),
        (
            lambda a, s, p: first_service(s, "new").update(agency="goscorp"),
            "is new but already has",
        ),
        (
            lambda a, s, p: first_service(s, "trained").update(agency="akimat_pavlodar"),
            "has no responsible person",
        ),
        (lambda a, s, p: s["services"][0].pop("name_kk"), "malformed record"),
    ],
)
def test_inconsistent_data_is_rejected(mutate: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        build_dataset(*broken(mutate))


def test_parent_cycle_is_rejected() -> None:
    def loop(a: dict[str, Any], s: dict[str, Any], p: dict[str, Any]) -> None:
        by_code = {x["code"]: x for x in a["agencies"]}
        by_code["mvd"]["parent"] = "kms"

    with pytest.raises(ValueError, match="parent chain loops"):
        build_dataset(*broken(loop))
