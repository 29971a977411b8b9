"""The Annex 2 report on appeals: its recipients, rows and columns (Rules No. 83 cl. 31, Annex 2).

Plain data only (this floor is below portal.reports, which registers the kind in
``portal/reports/kinds.py``).

Rows: the appeals (complaints) of the month, i.e. every appeal whose character is not
a plain consultation - Annex 2 is titled "report on appeals (complaints)" and the 2016
form's "character" column only knows complaints. Columns: the in-force form's seven
(no., appeal no., registration date, region, applicant, content, measures taken) plus
the 2016 form's character and request number (printed with the measures, as in 2016).

Recipients (cl. 31): the QC authority gets all rows (recipient agency None); each
central state body and each local executive body gets the rows of appeals concerning
it or a body subordinate to it, when there are any.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from portal.agencies.models import Agency, AgencyKind, Region
from portal.appeals.models import Appeal, Character
from portal.auth.models import User
from portal.security import Role
from portal.timeutil import local_tz

#: Characters printed in Annex 2 (everything except plain consultations).
REPORTED = (Character.STANDARD_VIOLATION, Character.STAFF_CONDUCT, Character.OTHER)
RULE_KEY = "monthly_appeals_report"
#: Bodies that receive their own rows (cl. 31: central and local executive bodies).
RECIPIENT_KINDS = (AgencyKind.CENTRAL, AgencyKind.LOCAL_REGION, AgencyKind.LOCAL_CITY,
                   AgencyKind.LOCAL_CAPITAL)

#: (row key, header, width in mm, one-line) - A4 landscape has 277 mm between margins.
#: Content and measures get the width: they set a row's height, and a row is 4-5 lines
#: tall, so the short columns may wrap within it for free (the date prints above the
#: time). Region, applicant and character are as wide as their longest words
#: ("Карагандинская", "Мұхамеджанова", "Қызметкерлердің"), so those break at spaces and
#: hyphens, not inside a word.
COLUMNS: list[tuple[str, Any, float, bool]] = [
    ("no", _l("No."), 10, True),
    ("number", _l("Appeal No."), 20, True),
    ("registered", _l("Registration date"), 17, False),
    ("region", _l("Region"), 25, False),
    ("applicant", _l("Applicant's surname and name"), 25, False),
    ("character", _l("Character of the appeal"), 27, False),
    ("content", _l("Content of the appeal"), 96, False),
    ("measures_request", _l("Measures taken, request No."), 57, False),
]
#: The worksheet keeps the request number in a column of its own.
XLSX_COLUMNS: list[tuple[str, Any]] = [
    *[(key, header) for key, header, _w, _n in COLUMNS[:-1]],
    ("measures", _l("Measures taken")), ("request_number", _l("Request No.")),
]
#: The report prints the character briefly (the full wording of the 2016 form's two
#: columns would take five lines of every row in the narrow column).
SHORT_CHARACTER = {
    Character.CONSULTATION: _l("Consultation"),
    Character.STANDARD_VIOLATION: _l("Violation of the standard"),
    Character.STAFF_CONDUCT: _l("Actions of employees"),
    Character.OTHER: _l("Other"),
}
PDF_TEMPLATE = "reports/pdf/annex2.html"
TITLE = _l("Report on appeals (complaints) received by the Unified Contact Center")


def month_bounds(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    """[start, end) of the period as aware moments in the portal's time zone."""
    tz = local_tz()
    return (datetime.combine(period_start, time.min, tz),
            datetime.combine(period_end + timedelta(days=1), time.min, tz))


def _concerning(agency_id: int) -> Any:
    """Appeals about the agency itself or a body subordinate to it (its parent_id)."""
    child = aliased(Agency)
    return or_(Appeal.agency_id == agency_id,
               Appeal.agency_id.in_(select(child.id).where(child.parent_id == agency_id)))


def rows(session: Session, period_start: date, period_end: date,
         agency_id: int | None) -> list[dict[str, Any]]:
    """The Annex 2 rows of one recipient, in order of registration."""
    start, end = month_bounds(period_start, period_end)
    stmt = (select(Appeal.id, Appeal.number, Appeal.received_at, Region.name_kk,
                   Region.name_ru, Appeal.applicant_surname, Appeal.applicant_name,
                   Appeal.character, Appeal.content, Appeal.measures, Appeal.request_number)
            .outerjoin(Region, Region.code == Appeal.region_code)
            .where(Appeal.received_at >= start, Appeal.received_at < end,
                   Appeal.character.in_(REPORTED))
            .order_by(Appeal.received_at, Appeal.id))
    if agency_id is not None:
        stmt = stmt.where(_concerning(agency_id))
    out = []
    for n, r in enumerate(session.execute(stmt), start=1):
        combined = r.measures
        if r.request_number:
            combined = f"{combined}\n№ {r.request_number}" if combined else f"№ {r.request_number}"
        out.append({
            "id": r.id, "no": n, "number": r.number, "registered": r.received_at,
            "region": {"kk": r.name_kk or "", "ru": r.name_ru or ""},
            "applicant": " ".join(p for p in (r.applicant_surname, r.applicant_name) if p),
            "character": SHORT_CHARACTER[r.character], "content": r.content,
            "measures": r.measures, "request_number": r.request_number,
            "measures_request": combined,
        })
    return out


def _locale_of(users: list[User]) -> str:
    """The language most of a body's users chose; Kazakh (the state language) otherwise."""
    counts = Counter(u.locale for u in users if u.locale in ("kk", "ru"))
    return "ru" if counts and counts["ru"] > counts["kk"] else "kk"


def _emails(agency: Agency | None, users: list[User]) -> list[str]:
    found = [agency.email] if agency is not None and agency.email else []
    found += [u.email for u in users if u.email]
    return list(dict.fromkeys(e.strip().lower() for e in found if e.strip()))


def recipients(session: Session, period_start: date) -> list[dict[str, Any]]:
    """Who gets the Annex 2 report for the month starting ``period_start`` (cl. 31)."""
    period_end = (period_start.replace(day=28) + timedelta(days=4)).replace(day=1) \
        - timedelta(days=1)
    start, end = month_bounds(period_start, period_end)
    qc = session.scalars(select(Agency).where(Agency.kind == AgencyKind.QC_AUTHORITY,
                                              Agency.is_active).order_by(Agency.id)).first()
    qc_users = list(session.scalars(select(User).where(User.role == Role.QC_STAFF,
                                                       User.active)))
    out = [{"agency_id": None, "locale": _locale_of(qc_users), "emails": _emails(qc, qc_users),
            "name_kk": qc.name_kk if qc else "", "name_ru": qc.name_ru if qc else ""}]
    concerned = select(Appeal.agency_id).where(
        Appeal.received_at >= start, Appeal.received_at < end,
        Appeal.character.in_(REPORTED), Appeal.agency_id.is_not(None)).distinct()
    child = aliased(Agency)
    parents = select(child.parent_id).where(child.id.in_(concerned))
    bodies = session.scalars(select(Agency).where(
        Agency.kind.in_(RECIPIENT_KINDS), or_(Agency.id.in_(concerned), Agency.id.in_(parents))
    ).order_by(Agency.kind, Agency.name_ru))
    for agency in bodies:
        users = list(session.scalars(select(User).where(
            User.agency_id == agency.id, User.role == Role.AGENCY_RESPONSIBLE, User.active)))
        out.append({"agency_id": agency.id, "locale": _locale_of(users),
                    "emails": _emails(agency, users), "name_kk": agency.name_kk,
                    "name_ru": agency.name_ru})
    return out
