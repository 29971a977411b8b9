"""Annex 1 as a table: the eight columns of the form (Rules No. 83, Annex 1) and version diffs.

Texts are built in the active locale, so the PDF renders them inside ``force_locale``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.i18n import current_locale
from portal.registry.annex_models import Annex1Version

#: Headers of columns 1-8, worded as in Annex 1 (translations carry the legal text).
COLUMN_HEADERS = (
    _l("Row No."),
    _l("No. of the public service in the register"),
    _l("Name of the public service"),
    _l("Bylaws defining the order of providing the public service (with their details)"),
    _l("Information on changes to the regulatory legal acts"),
    _l("Internet resource with the information about the public service"),
    _l("Surname, name, patronymic and position of the responsible person and of the service "
       "provider"),
    _l("Contact phones and e-mail of the responsible person of the state body and of the "
       "service provider"),
)


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def _bylaws(snap: dict[str, Any], loc: str) -> str:
    lines = []
    for b in snap["bylaws"]:
        args = {"title": b["title"][loc] or b["title"]["ru" if loc == "kk" else "kk"],
                "number": b["number"], "date": _day(b["approved_on"])}
        if b.get("registration_number"):
            lines.append(_("%(title)s, No. %(number)s of %(date)s (state registration "
                           "No. %(reg)s)", reg=b["registration_number"], **args))
        else:
            lines.append(_("%(title)s, No. %(number)s of %(date)s", **args))
    return "\n".join(lines)


def _changes(snap: dict[str, Any]) -> str:
    lines = [_("%(date)s: act No. %(number)s %(title)s (amends act No. %(bylaw)s)",
               date=_day(a["amended_on"]), number=a["act_number"] or "—",
               title=a["act_title"], bylaw=a["bylaw_number"]).replace("  ", " ")
             for a in snap["amendments"]]
    if snap.get("change_notes"):
        lines.append(snap["change_notes"])
    return "\n".join(lines) or _("No changes")


def _people(snap: dict[str, Any], loc: str) -> str:
    resp, prov = snap.get("responsible"), snap["provider"]
    lines = []
    if resp:
        lines.append(_("Responsible person: %(name)s, %(position)s", name=resp["full_name"],
                       position=resp["position"][loc]))
    if prov.get("full_name"):
        lines.append(_("Service provider: %(name)s, %(position)s", name=prov["full_name"],
                       position=prov["position"]))
    return "\n".join(lines)


def _joined(phone: str, email: str) -> str:
    # A phone number never breaks across lines in a narrow cell.
    return ", ".join(x for x in (phone.replace(" ", "\u00a0"), email) if x)


def _contacts(snap: dict[str, Any]) -> str:
    resp, prov = snap.get("responsible"), snap["provider"]
    lines = []
    if resp:
        lines.append(_("Responsible person: %(contacts)s",
                       contacts=_joined(resp["phone"], resp["email"])))
    if prov.get("phone") or prov.get("email"):
        lines.append(_("Service provider: %(contacts)s",
                       contacts=_joined(prov["phone"], prov["email"])))
    return "\n".join(lines)


def columns(snap: dict[str, Any], position: int, locale: str | None = None) -> list[str]:
    """The eight cells of one Annex 1 row in ``locale`` (default: the active one)."""
    loc = locale or current_locale()
    return [str(position), snap["code"], snap["name"][loc], _bylaws(snap, loc), _changes(snap),
            snap["internet_resource"], _people(snap, loc), _contacts(snap)]


def _resp(part: str) -> Callable[[dict[str, Any]], Any]:
    def get(snap: dict[str, Any]) -> Any:
        resp = snap.get("responsible") or {}
        prov = snap["provider"]
        if part == "who":
            return (resp.get("full_name"), resp.get("position"), prov.get("full_name"),
                    prov.get("position"))
        return (resp.get("phone"), resp.get("email"), prov.get("phone"), prov.get("email"))
    return get


#: Which snapshot parts make each column (2-8), to tell what changed in any language.
COLUMN_PARTS: dict[int, Callable[[dict[str, Any]], Any]] = {
    2: lambda s: s["code"],
    3: lambda s: s["name"],
    4: lambda s: s["bylaws"],
    5: lambda s: (s["amendments"], s.get("change_notes")),
    6: lambda s: s["internet_resource"],
    7: _resp("who"),
    8: _resp("contacts"),
}


@dataclass
class RowDiff:
    """One service across two versions: cells (or None if absent) and changed columns."""

    code: str
    left: list[str] | None
    right: list[str] | None
    changed: set[int] = field(default_factory=set)


def compare(left: Annex1Version, right: Annex1Version) -> list[RowDiff]:
    """Side-by-side rows of two versions with the changed columns (1-based numbers)."""
    lrows = {s["code"]: (i, s) for i, s in enumerate(left.data, 1)}
    rrows = {s["code"]: (i, s) for i, s in enumerate(right.data, 1)}
    order = list(rrows) + [c for c in lrows if c not in rrows]
    out = []
    for code in order:
        lpos, lsnap = lrows.get(code, (0, None))
        rpos, rsnap = rrows.get(code, (0, None))
        diff = RowDiff(code, columns(lsnap, lpos) if lsnap else None,
                       columns(rsnap, rpos) if rsnap else None)
        if lsnap and rsnap:
            diff.changed = {n for n, part in COLUMN_PARTS.items() if part(lsnap) != part(rsnap)}
        else:
            diff.changed = set(range(2, 9))
        out.append(diff)
    return out
