"""Typed, validated loader for the bundled Kazakh demo dataset (no database code).

The data lives in ``portal/demo/data/*.json`` and is read through ``importlib.resources`` so it
also works from an installed wheel (the JSON files must be shipped as package data).

* ``agencies.json`` — the 17 regions and 3 cities, and the bodies of Rules No. 83, cl. 18: central
  bodies with their committees (``parent``), akimats, other providers, the ICI operator, the QC
  authority, the informatization body and the UCC. Official names; illustrative contacts.
* ``services.json`` — about a hundred public services with the Annex 1 data of Rules No. 83
  (register code, names, provider, bylaws, internet resource) plus a term and a demo status.
* ``people.json`` — fictitious responsible persons (Rules No. 83, cl. 20, 27).

Register code scheme (8 digits, ``SSSUUNNN``): ``SSS`` is the section (sphere of life, listed in
``services.json`` → ``sections``), ``UU`` the subsection inside it (01–99) and ``NNN`` the number
of the service inside the subsection (001–999). Example: ``00101001`` = section 001 (civil
registration), subsection 01 (registration of acts), service 001 (birth registration).

Bylaws are modelled on the real acts that define each service's order. Only the registration
numbers listed in ``checked_registration_numbers`` were confirmed against public copies of the
acts; the others are plausible but unverified, and the acts dated 2026 are demo inventions for
the services still being onboarded. Do not cite them as legal references.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Final

# fmt: off
AGENCY_KINDS: Final = (
    "central", "local_region", "local_city", "local_capital", "provider",
    "ici_operator", "qc_authority", "informatization", "ucc",
)
# Each special participant of Rules No. 83, cl. 18 exists exactly once.
SINGLETON_KINDS: Final = ("ici_operator", "qc_authority", "informatization", "ucc")
REGION_KINDS: Final = ("region", "city", "capital")
LOCAL_KIND_TO_REGION_KIND: Final = {
    "local_region": "region",
    "local_city": "city",
    "local_capital": "capital",
}
# Onboarding lifecycle in order (cl. 20 → 21 → 22 → 23), then the two exits.
SERVICE_STATUSES: Final = (
    "new", "responsible_appointed", "info_submitted", "training_scheduled", "trained",
    "protocol_signed", "consulting", "suspended", "withdrawn",
)
# fmt: on
TERM_KINDS: Final = ("working", "calendar")
ALL_SERVICES: Final = "all"

_DATA_PACKAGE = "portal.demo"
_PHONE_RE = re.compile(r"\+7\d{10}")
_EMAIL_RE = re.compile(r"[a-z0-9._-]+@[a-z0-9.-]+\.kz")
_CODE_RE = re.compile(r"\d{8}")
_ADILET_RE = re.compile(r"https://adilet\.zan\.kz/(rus|kaz)/docs/V\d{2}[0-9A-Z]\d{7}")


@dataclass(frozen=True, slots=True)
class RegionData:
    """A region, a city of republican significance or the capital."""

    code: str
    kind: str
    name_kk: str
    name_ru: str


@dataclass(frozen=True, slots=True)
class AgencyData:
    """A government body or organization taking part in the UCC interaction."""

    code: str
    kind: str
    name_kk: str
    name_ru: str
    short_kk: str
    short_ru: str
    region: str | None
    parent: str | None
    email: str
    phone: str

    @property
    def is_local(self) -> bool:
        """True for akimats of regions, cities of republican significance and the capital."""
        return self.kind in LOCAL_KIND_TO_REGION_KIND


@dataclass(frozen=True, slots=True)
class AmendmentData:
    """An act that amended a bylaw (Annex 1, column 5; cl. 26)."""

    number: str
    date: date


@dataclass(frozen=True, slots=True)
class BylawData:
    """A subordinate regulatory act defining the order of a service (Annex 1, column 4)."""

    act_kk: str
    act_ru: str
    title_kk: str
    title_ru: str
    number: str
    date: date
    registration_number: str
    url: str
    amendments: tuple[AmendmentData, ...] = ()


@dataclass(frozen=True, slots=True)
class SectionData:
    """A section of the register (first three digits of a service code)."""

    code: str
    name_kk: str
    name_ru: str


@dataclass(frozen=True, slots=True)
class ServiceData:
    """A public service with its Annex 1 information and demo lifecycle status."""

    code: str
    name_kk: str
    name_ru: str
    agency: str
    term_days: int
    term_kind: str
    bylaws: tuple[BylawData, ...]
    internet_resource: str
    demo_status: str

    @property
    def section(self) -> str:
        """Register section, digits 1–3."""
        return self.code[:3]

    @property
    def subsection(self) -> str:
        """Register subsection, digits 4–5."""
        return self.code[3:5]

    @property
    def number(self) -> str:
        """Number inside the subsection, digits 6–8."""
        return self.code[5:]


@dataclass(frozen=True, slots=True)
class PersonData:
    """A (fictitious) responsible person of an agency (cl. 20, 27)."""

    full_name: str
    position_kk: str
    position_ru: str
    phone: str
    email: str
    agency: str
    services: tuple[str, ...]
    all_services: bool

    def covers(self, service: ServiceData) -> bool:
        """Whether this person is responsible for the given service."""
        if service.agency != self.agency:
            return False
        return self.all_services or service.code in self.services


@dataclass(frozen=True, slots=True)
class Dataset:
    """The whole demo dataset with lookups by code."""

    regions: tuple[RegionData, ...]
    agencies: tuple[AgencyData, ...]
    sections: tuple[SectionData, ...]
    services: tuple[ServiceData, ...]
    people: tuple[PersonData, ...]
    checked_registration_numbers: frozenset[str] = frozenset()
    _regions: dict[str, RegionData] = field(init=False, repr=False, compare=False)
    _agencies: dict[str, AgencyData] = field(init=False, repr=False, compare=False)
    _services: dict[str, ServiceData] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexes are derived data; setting them on a frozen instance is the documented way.
        object.__setattr__(self, "_regions", {r.code: r for r in self.regions})
        object.__setattr__(self, "_agencies", {a.code: a for a in self.agencies})
        object.__setattr__(self, "_services", {s.code: s for s in self.services})

    def region(self, code: str) -> RegionData:
        """Region by code (KeyError if unknown)."""
        return self._regions[code]

    def agency(self, code: str) -> AgencyData:
        """Agency by code (KeyError if unknown)."""
        return self._agencies[code]

    def service(self, code: str) -> ServiceData:
        """Service by register code (KeyError if unknown)."""
        return self._services[code]

    def agencies_of_kind(self, kind: str) -> tuple[AgencyData, ...]:
        """All agencies of one kind, in file order."""
        return tuple(a for a in self.agencies if a.kind == kind)

    def singleton(self, kind: str) -> AgencyData:
        """The one agency of a special kind (ucc, ici_operator, qc_authority, informatization)."""
        (agency,) = self.agencies_of_kind(kind)
        return agency

    def children_of(self, code: str) -> tuple[AgencyData, ...]:
        """Agencies whose parent is the given agency (e.g. a ministry's committees)."""
        return tuple(a for a in self.agencies if a.parent == code)

    def services_of(self, agency_code: str) -> tuple[ServiceData, ...]:
        """Services provided by the given agency."""
        return tuple(s for s in self.services if s.agency == agency_code)

    def people_of(self, agency_code: str) -> tuple[PersonData, ...]:
        """Responsible persons and contacts of the given agency."""
        return tuple(p for p in self.people if p.agency == agency_code)

    def responsible_for(self, service_code: str) -> tuple[PersonData, ...]:
        """Persons responsible for the given service (empty while it is ``new``)."""
        service = self.service(service_code)
        return tuple(p for p in self.people if p.covers(service))


def _parse(ctx: str, build: Any, raw: Any) -> Any:
    """Run one record parser, turning malformed input into a ValueError naming the record."""
    try:
        return build(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{ctx}: malformed record ({exc!r})") from exc


def _record(cls: Any, raw: dict[str, Any], **converted: Any) -> Any:
    """Build a dataclass from the JSON keys named like its fields, with converted values."""
    names = (f.name for f in dataclasses.fields(cls) if f.init)
    return cls(**{name: converted[name] if name in converted else raw[name] for name in names})


def _bylaw(raw: dict[str, Any]) -> BylawData:
    amendments = tuple(
        AmendmentData(a["number"], date.fromisoformat(a["date"])) for a in raw.get("amendments", ())
    )
    return _record(BylawData, raw, date=date.fromisoformat(raw["date"]), amendments=amendments)


def _service(raw: dict[str, Any]) -> ServiceData:
    bylaws = tuple(_bylaw(b) for b in raw["bylaws"])
    return _record(ServiceData, raw, term_days=int(raw["term_days"]), bylaws=bylaws)


def _person(raw: dict[str, Any]) -> PersonData:
    scope = raw["services"]
    everything = scope == ALL_SERVICES
    if not everything and not isinstance(scope, list):
        raise ValueError(f"services must be a list of codes or {ALL_SERVICES!r}")
    services = () if everything else tuple(scope)
    return _record(PersonData, raw, services=services, all_services=everything)


def _duplicates(values: list[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def _check_agencies(ds: Dataset, errors: list[str]) -> None:
    errors += [f"duplicate region code {c!r}" for c in _duplicates([r.code for r in ds.regions])]
    errors += [
        f"region {r.code!r}: bad kind {r.kind!r}" for r in ds.regions if r.kind not in REGION_KINDS
    ]
    errors += [f"duplicate agency code {c!r}" for c in _duplicates([a.code for a in ds.agencies])]
    for a in ds.agencies:
        if a.kind not in AGENCY_KINDS:
            errors.append(f"agency {a.code!r}: unknown kind {a.kind!r}")
        expected = LOCAL_KIND_TO_REGION_KIND.get(a.kind)
        if expected is None and a.region is not None:
            errors.append(f"agency {a.code!r}: only local bodies have a region")
        if expected is not None and (
            a.region not in ds._regions or ds._regions[a.region].kind != expected
        ):
            errors.append(f"agency {a.code!r}: region {a.region!r} is not a known {expected}")
        if a.parent is not None and a.parent not in ds._agencies:
            errors.append(f"agency {a.code!r}: unknown parent {a.parent!r}")
        if not _PHONE_RE.fullmatch(a.phone.replace(" ", "")) or not _EMAIL_RE.fullmatch(a.email):
            errors.append(f"agency {a.code!r}: bad phone {a.phone!r} or e-mail {a.email!r}")
        if _has_parent_cycle(ds, a):
            errors.append(f"agency {a.code!r}: parent chain loops")
    for kind in SINGLETON_KINDS:
        if len(ds.agencies_of_kind(kind)) != 1:
            errors.append(f"exactly one agency of kind {kind!r} is required")


def _has_parent_cycle(ds: Dataset, agency: AgencyData) -> bool:
    seen = {agency.code}
    current = agency.parent
    while current is not None and current in ds._agencies:
        if current in seen:
            return True
        seen.add(current)
        current = ds._agencies[current].parent
    return False


def _check_bylaw(code: str, bylaw: BylawData, errors: list[str]) -> None:
    # The adilet document id ends with the zero-padded state registration number.
    reg = bylaw.registration_number
    url_ok = _ADILET_RE.fullmatch(bylaw.url) and bylaw.url.endswith(reg.zfill(7))
    if not (reg.isdigit() and url_ok):
        errors.append(f"service {code!r}: bylaw No. {bylaw.number} has a bad registration number")
    errors += [
        f"service {code!r}: amendment No. {a.number} predates bylaw No. {bylaw.number}"
        for a in bylaw.amendments
        if a.date < bylaw.date
    ]


def _check_services(ds: Dataset, errors: list[str]) -> None:
    errors += [f"duplicate section code {c!r}" for c in _duplicates([s.code for s in ds.sections])]
    errors += [f"duplicate service code {c!r}" for c in _duplicates([s.code for s in ds.services])]
    sections = {s.code for s in ds.sections}
    for s in ds.services:
        if (
            not _CODE_RE.fullmatch(s.code)
            or s.section not in sections
            or s.subsection == "00"
            or s.number == "000"
        ):
            errors.append(f"service {s.code!r}: code must be SSSUUNNN with a known section")
        if s.agency not in ds._agencies:
            errors.append(f"service {s.code!r}: unknown agency {s.agency!r}")
        if s.term_kind not in TERM_KINDS or not 0 < s.term_days <= 366:
            errors.append(f"service {s.code!r}: bad term {s.term_days} {s.term_kind!r}")
        if s.demo_status not in SERVICE_STATUSES:
            errors.append(f"service {s.code!r}: unknown status {s.demo_status!r}")
        if not s.bylaws:
            errors.append(f"service {s.code!r}: at least one bylaw is required (Annex 1, column 4)")
        if not s.internet_resource.startswith("https://"):
            errors.append(f"service {s.code!r}: internet resource must be an https URL")
        for bylaw in s.bylaws:
            _check_bylaw(s.code, bylaw, errors)


def _check_people(ds: Dataset, errors: list[str]) -> None:
    errors += [f"duplicate person e-mail {e!r}" for e in _duplicates([p.email for p in ds.people])]
    for p in ds.people:
        if p.agency not in ds._agencies:
            errors.append(f"person {p.email!r}: unknown agency {p.agency!r}")
        if not _PHONE_RE.fullmatch(p.phone.replace(" ", "")) or not _EMAIL_RE.fullmatch(p.email):
            errors.append(f"person {p.full_name!r}: bad phone {p.phone!r} or e-mail {p.email!r}")
        for code in p.services:
            service = ds._services.get(code)
            if service is None or service.agency != p.agency:
                errors.append(
                    f"person {p.email!r}: service {code!r} is not provided by {p.agency!r}"
                )


def _check_lifecycle(ds: Dataset, errors: list[str]) -> None:
    # cl. 20: a responsible person exists from "responsible_appointed" on, and not before.
    for s in ds.services:
        if s.agency not in ds._agencies:
            continue
        responsible = [p for p in ds.people if p.covers(s)]
        if s.demo_status == "new" and responsible:
            errors.append(f"service {s.code!r} is new but already has a responsible person")
        if s.demo_status != "new" and not responsible:
            errors.append(f"service {s.code!r} ({s.demo_status}) has no responsible person")


def validate(ds: Dataset) -> None:
    """Raise ValueError listing every inconsistency in the dataset."""
    errors: list[str] = []
    _check_agencies(ds, errors)
    _check_services(ds, errors)
    _check_people(ds, errors)
    _check_lifecycle(ds, errors)
    if errors:
        raise ValueError("demo dataset is inconsistent:\n- " + "\n- ".join(errors))


def build_dataset(
    agencies_doc: dict[str, Any], services_doc: dict[str, Any], people_doc: dict[str, Any]
) -> Dataset:
    """Parse the three JSON documents into a validated Dataset."""

    def parse(doc: dict[str, Any], key: str, build: Any) -> tuple[Any, ...]:
        return tuple(_parse(f"{key} #{i}", build, raw) for i, raw in enumerate(doc[key]))

    regions = parse(agencies_doc, "regions", lambda r: _record(RegionData, r))
    agencies = parse(agencies_doc, "agencies", lambda r: _record(AgencyData, r))
    sections = parse(services_doc, "sections", lambda r: _record(SectionData, r))
    services = parse(services_doc, "services", _service)
    people = parse(people_doc, "people", _person)
    checked = frozenset(services_doc.get("checked_registration_numbers", ()))
    dataset = Dataset(regions, agencies, sections, services, people, checked)
    validate(dataset)
    return dataset


def read_documents() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Fresh copies of the raw agencies, services and people JSON documents."""
    data = resources.files(_DATA_PACKAGE).joinpath("data")
    return tuple(  # type: ignore[return-value]
        json.loads(data.joinpath(name).read_text(encoding="utf-8"))
        for name in ("agencies.json", "services.json", "people.json")
    )


@cache
def load_dataset() -> Dataset:
    """The bundled demo dataset, parsed and validated once per process."""
    return build_dataset(*read_documents())
