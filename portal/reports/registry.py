"""Kinds of monthly reports: who receives one, which rows it has, how it is laid out.

An area describes its report with a ``ReportKind`` (rows as plain dicts, recipients,
columns) and ``portal/reports/kinds.py`` registers it; the machinery in
``portal/reports/services.py`` builds, stores, announces and accounts for every kind
the same way.

Row values may be ``str``, ``int``, ``date``, ``datetime`` (shown in local time), a
``Bilingual`` pair, or an enum with a ``label`` property: they are formatted in each
recipient's language when the PDF and XLSX are made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from portal.security import Role


class Bilingual(NamedTuple):
    """A value with a Kazakh and a Russian form (region, agency names)."""

    kk: str
    ru: str

    def get(self, locale: str) -> str:
        """The form for ``locale``, falling back to the other one."""
        return (self.ru if locale == "ru" else self.kk) or self.kk or self.ru


@dataclass(frozen=True)
class Recipient:
    """Who gets one report: an agency (None: the authority that receives all rows)."""

    agency_id: int | None
    locale: str
    emails: tuple[str, ...]
    name: Bilingual


@dataclass(frozen=True)
class Column:
    """A report column: row key, header, and its width in the PDF (millimetres)."""

    key: str
    header: Any  # LazyString
    width_mm: float
    #: Short one-line values (numbers, dates) never wrap: cheaper to lay out.
    nowrap: bool = False


@dataclass(frozen=True)
class ReportKind:
    """One monthly report of the portal (contract in /tmp/contracts.md)."""

    key: str
    title: Any  # LazyString, shown in lists and as the PDF title
    #: Rulebook key of the monthly deadline, e.g. "monthly_appeals_report" (cl. 31).
    rule_key: str
    recipients: Callable[[Session, date], list[Recipient]]
    #: rows(session, period_start, period_end, recipient agency id or None)
    rows: Callable[[Session, date, date, int | None], list[dict[str, Any]]]
    pdf_template: str
    xlsx_columns: list[tuple[str, Any]]
    viewer_roles: tuple[Role, ...]
    #: The PDF table; rows are composed line by line for a fast layout (see layout.py).
    pdf_columns: tuple[Column, ...] = ()
    #: The key of each row's source id, kept so discrepancies can name rows.
    id_key: str = "id"
    #: Clause the report fulfils, shown in the UI (e.g. "Rules No. 83, cl. 31").
    clause: Any = ""
    extra: dict[str, Any] = field(default_factory=dict)


_KINDS: dict[str, ReportKind] = {}


def register_kind(kind: ReportKind) -> None:
    """Make ``kind`` known (idempotent for the same definition)."""
    _KINDS[kind.key] = kind


def get_kind(key: str) -> ReportKind:
    """The registered kind ``key``; KeyError when unknown."""
    from portal.reports import kinds  # noqa: F401  (registers the kinds on first use)

    return _KINDS[key]


def all_kinds() -> list[ReportKind]:
    """Every registered kind, in registration order."""
    from portal.reports import kinds  # noqa: F401

    return list(_KINDS.values())
