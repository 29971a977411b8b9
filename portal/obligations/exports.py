"""XLSX and PDF exports of the (filtered) overdue list, in the user's language."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from portal.calendar.workdays import ASTANA_TZ
from portal.i18n import current_locale, localized
from portal.obligations.models import Obligation
from portal.obligations.subjects import subject_labels
from portal.pdf import create_pdf


@dataclass(frozen=True)
class ExportRow:
    """One obligation as the exports show it (already translated)."""

    agency: str
    subject: str
    duty: str
    clause: str
    party: str
    trigger_at: datetime
    due_at: datetime | None
    days_late: int


def export_rows(session: Session, obligations: list[Obligation]) -> list[ExportRow]:
    """Rows for the exports, in the current locale, times in Astana."""
    labels = subject_labels(session, obligations)
    return [ExportRow(
        agency=localized(ob.agency, "name") if ob.agency else "",
        subject=labels[ob.id], duty=ob.description, clause=ob.citation,
        party=ob.party_label, trigger_at=ob.trigger_at.astimezone(ASTANA_TZ),
        due_at=ob.due_at.astimezone(ASTANA_TZ) if ob.due_at else None,
        days_late=ob.days_late) for ob in obligations]


def headers() -> list[str]:
    """Column titles, translated."""
    return [_("No."), _("Agency"), _("Concerns"), _("Obligation"), _("Clause"),
            _("Must act"), _("Started"), _("Due"), _("Days late")]


_WIDTHS = (6, 40, 36, 60, 26, 16, 17, 17, 10)


def to_xlsx(rows: list[ExportRow], title: str, filters_text: str) -> bytes:
    """A workbook with one sheet: title, the filters applied, then the table."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Overdue")[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([filters_text])
    ws.append([])
    ws.append(headers())
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F6")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, row in enumerate(rows, start=1):
        ws.append([n, row.agency, row.subject, row.duty, row.clause, row.party,
                   row.trigger_at.replace(tzinfo=None),
                   row.due_at.replace(tzinfo=None) if row.due_at else None, row.days_late])
        line = header_row + n  # ws.max_row scans every cell: quadratic on big lists
        for col in (7, 8):
            ws.cell(line, col).number_format = "dd.mm.yyyy hh:mm"
        for col in (2, 3, 4):
            ws.cell(line, col).alignment = wrap
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(_WIDTHS))}{header_row + len(rows)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_pdf(rows: list[ExportRow], title: str, filters_text: str, total: int | None = None
           ) -> bytes:
    """A landscape A4 PDF of the list (portal/pdf.py, DejaVu Sans for Kazakh letters).

    ``total`` is the size of the whole list when ``rows`` is only its beginning.
    """
    return create_pdf("obligations/pdf/overdue.html", current_locale(), rows=rows,
                      headers=headers(), title=title, filters_text=filters_text,
                      total=total if total is not None else len(rows),
                      generated_at=datetime.now(ASTANA_TZ))
