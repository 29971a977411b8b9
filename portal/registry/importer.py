"""Registry import (CSV, XLSX) validated in full before anything is written, and XLSX export.

One row per bylaw: rows repeating a code add bylaws to that service. If any row is
bad, the report lists every problem by row and column and nothing is imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.agencies.models import Agency
from portal.registry import services
from portal.registry.models import Bylaw, Service, TermKind
from portal.registry.validation import URL_RE, code_problem

COLUMNS = ("code", "name_kk", "name_ru", "agency", "term_days", "term_kind",
           "internet_resource", "bylaw_title_kk", "bylaw_title_ru", "bylaw_number",
           "bylaw_approved_on", "bylaw_registration_number", "bylaw_url")
REQUIRED_COLUMNS = ("code", "name_kk", "name_ru", "agency")
SERVICE_COLUMNS = ("name_kk", "name_ru", "agency", "term_days", "term_kind",
                   "internet_resource")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000


@dataclass
class RowError:
    """One problem: spreadsheet row number (header = 1), column and message."""

    row: int
    column: str
    message: str


@dataclass
class ImportPlan:
    """The validated content of a file: services by code with their bylaws."""

    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    bylaws_added: int = 0


def read_rows(filename: str, data: bytes) -> list[dict[str, Any]]:
    """Rows of a CSV or XLSX file as dicts keyed by the header; ValueError if unreadable."""
    if len(data) > MAX_BYTES:
        raise ValueError(_("The file is larger than 5 MB."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as err:  # noqa: BLE001 - any parse failure means "not a workbook"
            raise ValueError(_("The file is not a readable XLSX workbook.")) from err
        table = [list(r) for r in sheet.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ValueError(_("Save the CSV file in UTF-8.")) from err
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else "excel"
        table = list(csv.reader(io.StringIO(text), dialect))
    else:
        raise ValueError(_("Upload a .csv or .xlsx file."))
    if not table:
        raise ValueError(_("The file is empty."))
    header = [str(h or "").strip().lower() for h in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValueError(_("Columns missing from the first row: %(cols)s.",
                           cols=", ".join(missing)))
    if len(table) - 1 > MAX_ROWS:
        raise ValueError(_("At most %(n)d rows can be imported at once.", n=MAX_ROWS))
    return [{h: row[i] if i < len(row) else None for i, h in enumerate(header) if h}
            for row in table[1:]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = _text(value)
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def _service_values(row: dict[str, Any], agencies: dict[str, int],
                    errors: list[tuple[str, str]]) -> dict[str, Any]:
    """Service columns of one row, checked; problems appended as (column, message)."""
    out: dict[str, Any] = {"name_kk": _text(row.get("name_kk")),
                           "name_ru": _text(row.get("name_ru"))}
    for loc, msg in (("kk", _("Fill in the Kazakh text.")), ("ru", _("Fill in the Russian text."))):
        if not out[f"name_{loc}"]:
            errors.append((f"name_{loc}", msg))
    agency = _text(row.get("agency"))
    if agency not in agencies:
        errors.append(("agency", _("Unknown agency code “%(code)s”.", code=agency)))
    out["agency_id"] = agencies.get(agency)
    term = _text(row.get("term_days"))
    out["term_days"] = int(term) if term.isdigit() and 0 < int(term) <= 365 else None
    if term and out["term_days"] is None:
        errors.append(("term_days", _("The service term is 1 to 365 days.")))
    kind = _text(row.get("term_kind")).lower() or TermKind.WORKING.value
    if kind not in {k.value for k in TermKind}:
        errors.append(("term_kind", _("Write “working” or “calendar”.")))
    out["term_kind"] = kind
    out["internet_resource"] = _text(row.get("internet_resource"))
    if out["internet_resource"] and not URL_RE.match(out["internet_resource"]):
        errors.append(("internet_resource", _("Enter a full web address starting with "
                                              "https://")))
    return out


def _bylaw_values(row: dict[str, Any], errors: list[tuple[str, str]]) -> dict[str, Any] | None:
    values = {"title_kk": _text(row.get("bylaw_title_kk")),
              "title_ru": _text(row.get("bylaw_title_ru")),
              "number": _text(row.get("bylaw_number")),
              "registration_number": _text(row.get("bylaw_registration_number")),
              "url": _text(row.get("bylaw_url"))}
    raw_date = row.get("bylaw_approved_on")
    if not any(values.values()) and not _text(raw_date):
        return None
    for key in ("title_kk", "title_ru", "number"):
        if not values[key]:
            errors.append((f"bylaw_{key}", _("Required when a bylaw is given.")))
    values["approved_on"] = _date(raw_date)
    if values["approved_on"] is None:
        errors.append(("bylaw_approved_on", _("Write the date as 2026-03-20 or 20.03.2026.")))
    if values["url"] and not URL_RE.match(values["url"]):
        errors.append(("bylaw_url", _("Enter a full web address starting with https://")))
    return values


def plan_import(session: Session, rows: list[dict[str, Any]]) -> ImportPlan:
    """Check every row; the plan carries all problems (row numbers as in the file).

    A row repeating a code may leave the service columns blank (it adds a bylaw);
    values it does give must match the first row of that code.
    """
    plan = ImportPlan()
    agencies = {code: id_ for code, id_ in session.execute(select(Agency.code, Agency.id))}
    firsts: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(rows, start=2):
        if not any(_text(v) for v in row.values()):
            continue
        problems: list[tuple[str, str]] = []
        code = _text(row.get("code"))
        if problem := code_problem(code):
            problems.append(("code", problem))
        first = firsts.get(code)
        if first is not None:
            problems.extend((key, _("Differs from an earlier row with the same code."))
                            for key in SERVICE_COLUMNS
                            if _text(row.get(key)) and _text(row.get(key)) != _text(first.get(key)))
            row = row | {k: first.get(k) for k in SERVICE_COLUMNS if not _text(row.get(k))}
        else:
            firsts[code] = row
        values = _service_values(row, agencies, problems)
        bylaw = _bylaw_values(row, problems)
        plan.errors.extend(RowError(number, c, m) for c, m in problems)
        if not problems:
            entry = plan.services.setdefault(code, values | {"bylaws": []})
            if bylaw:
                entry["bylaws"].append(bylaw)
    if not plan.services and not plan.errors:
        plan.errors.append(RowError(1, "", _("The file has no rows to import.")))
    return plan


def apply_import(session: Session, actor: Any, plan: ImportPlan) -> ImportResult:
    """Write a plan without errors: create or update services, add missing bylaws."""
    assert not plan.errors, "apply_import needs a plan without errors"
    result = ImportResult()
    existing = {s.code: s for s in session.scalars(
        select(Service).where(Service.code.in_(list(plan.services)))
        .options(selectinload(Service.bylaws)))}
    for code, values in plan.services.items():
        bylaws = values.pop("bylaws")
        agency_id = values.pop("agency_id")
        service = existing.get(code)
        if service is None:
            service = services.create_service(session, actor, agency_id, values | {"code": code})
            result.created += 1
            announce = True  # a new service's bylaw starts its cl. 20 onboarding
        else:
            values = {k: v for k, v in values.items() if v not in ("", None)}
            changed = services.update_service(session, actor, service,
                                              values | {"agency_id": agency_id}, service.version)
            result.updated += bool(changed)
            announce = False  # a registry sync of known services is not a new approval
        have = {(b.number, b.approved_on) for b in service.bylaws}
        for bylaw in bylaws:
            if (bylaw["number"], bylaw["approved_on"]) in have:
                continue
            services.add_bylaw(session, actor, service, bylaw, announce=announce)
            have.add((bylaw["number"], bylaw["approved_on"]))
            result.bylaws_added += 1
    return result


def export_xlsx(session: Session) -> bytes:
    """The whole registry as XLSX in the import layout (plus the status, for reading)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "registry"
    sheet.append([*COLUMNS, "status"])
    stmt = (select(Service).options(selectinload(Service.bylaws), selectinload(Service.agency))
            .order_by(Service.code))
    for svc in session.scalars(stmt):
        base = [svc.code, svc.name_kk, svc.name_ru, svc.agency.code, svc.term_days,
                svc.term_kind.value, svc.internet_resource]
        bylaws: list[Bylaw | None] = list(svc.bylaws) or [None]
        for b in bylaws:
            tail = ([b.title_kk, b.title_ru, b.number, b.approved_on, b.registration_number,
                     b.url] if b else [None] * 6)
            sheet.append([*base, *tail, svc.status.value])
    for cell in sheet["J"][1:]:
        cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
