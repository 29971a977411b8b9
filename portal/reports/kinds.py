"""The report kinds of the portal, registered from the areas that own their data.

Areas below this floor describe their report with plain data (recipients as dicts,
columns as tuples); ``adapt`` turns that into a ``ReportKind``. One line per kind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import ModuleType
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from portal.appeals import report as annex2
from portal.ict import report as ict_report
from portal.reports.registry import Bilingual, Column, Recipient, ReportKind, register_kind
from portal.security import Role


def _recipients(source: Callable[[Session, date], list[dict[str, Any]]]
                ) -> Callable[[Session, date], list[Recipient]]:
    def recipients(session: Session, period_start: date) -> list[Recipient]:
        return [Recipient(d["agency_id"], d["locale"], tuple(d["emails"]),
                          Bilingual(d.get("name_kk", ""), d.get("name_ru", "")))
                for d in source(session, period_start)]
    return recipients


def adapt(module: ModuleType, *, key: str, viewer_roles: tuple[Role, ...], clause: Any,
          **extra: Any) -> ReportKind:
    """A ReportKind from a module exposing TITLE, RULE_KEY, COLUMNS, PDF_TEMPLATE,
    recipients() and rows()."""
    columns = tuple(Column(k, header, width, nowrap) for k, header, width, nowrap
                    in module.COLUMNS)
    return ReportKind(key=key, title=module.TITLE, rule_key=module.RULE_KEY,
                      recipients=_recipients(module.recipients), rows=module.rows,
                      pdf_template=module.PDF_TEMPLATE,
                      xlsx_columns=list(getattr(module, "XLSX_COLUMNS", None)
                                        or [(c.key, c.header) for c in columns]),
                      viewer_roles=viewer_roles, pdf_columns=columns, clause=clause,
                      extra=extra)


register_kind(adapt(annex2, key="annex2", clause=_l("Rules No. 83, cl. 31, Annex 2"),
                    viewer_roles=(Role.ADMIN, Role.UCC_MANAGER, Role.QC_STAFF,
                                  Role.INFORMATIZATION_STAFF)))
register_kind(adapt(ict_report, key="ict", clause=ict_report.CLAUSE,
                    viewer_roles=ict_report.VIEWER_ROLES))
