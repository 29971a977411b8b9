"""Making a report's PDF and XLSX from its rows, fast enough for 10,000-row months.

The PDF is rendered (through ``portal.pdf.create_document_pdf``) in chunks of a few hundred rows,
on every core when the process may fork, then merged with pypdf; the page numbers
"N / M" are stamped on the merged pages because no single chunk knows M. What every page
repeats (header rows, footer; the title on page 1) is rendered once as a page stamp and
drawn on every page with the numbers. Rows are pre-composed by ``layout.TableLayout`` so
WeasyPrint lays out one text per row.
"""

from __future__ import annotations

import gc
import io
import math
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from flask import Flask, current_app, has_request_context
from flask_babel import force_locale
from markupsafe import Markup

from portal.pdf import create_document_pdf
from portal.reports.layout import MM, TableLayout, metrics
from portal.reports.registry import Bilingual, ReportKind
from portal.timeutil import local_tz

DEFAULT_CHUNK_ROWS = 250
#: Seconds one chunk may take in a child process (a few hundred rows take a few seconds).
CHUNK_TIMEOUT = 600
Progress = Callable[[int], None]
#: Set just before forking: the children inherit the app and the chunks to render, so
#: nothing but chunk numbers and PDF bytes crosses the process boundary.
_fork_app: Flask | None = None
_fork_jobs: list[tuple[ReportKind, Sequence[dict[str, Any]], str, dict[str, Any]]] = []


def format_value(value: Any, locale: str) -> str:
    """A row value as printed in ``locale`` (call inside ``force_locale``)."""
    if value is None:
        return ""
    if isinstance(value, Bilingual):
        return value.get(locale)
    if isinstance(value, dict) and ("kk" in value or "ru" in value):
        return Bilingual(value.get("kk", ""), value.get("ru", "")).get(locale)
    if isinstance(value, Enum) and hasattr(value, "label"):
        return str(value.label)
    if isinstance(value, datetime):
        return value.astimezone(local_tz()).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def css_string(text: str) -> Markup:
    """``text`` (plain, or rendered Markup) as a quoted CSS string, safe inside <style>."""
    plain = text.unescape() if isinstance(text, Markup) else str(text)
    out = ['"']
    for ch in plain:
        if ch in '"\\<>&':
            out.append(f"\\{ord(ch):x} ")
        elif ch in "\n\r":
            out.append(" ")
        else:
            out.append(ch)
    out.append('"')
    return Markup("".join(out))


def compose_rows(kind: ReportKind, rows: Sequence[dict[str, Any]], locale: str) -> list[str]:
    """Every row as its pre-set lines (see layout.py)."""
    table = table_layout(kind)
    m = metrics()
    keys = [c.key for c in kind.pdf_columns]
    with force_locale(locale):
        return [table.compose([format_value(r.get(k), locale) for k in keys], m) for r in rows]


HEADER_SIZE = 6.8
BOLD = "DejaVu Sans:bold"


def compose_header(kind: ReportKind, locale: str) -> tuple[str, str]:
    """The header row and the row of column numbers, pre-set like the rows (bold, smaller);
    laid out once, in the page stamp (see ``_stamp_pdf``)."""
    table = table_layout(kind).with_size(HEADER_SIZE)
    with force_locale(locale):
        labels = [str(c.header) for c in kind.pdf_columns]
    head = table.compose(labels, metrics(BOLD))
    numbers = table.compose([str(n) for n in range(1, len(labels) + 1)], metrics())
    return head, numbers


def table_layout(kind: ReportKind) -> TableLayout:
    """The column geometry of a kind's PDF table."""
    return TableLayout.from_mm([c.width_mm for c in kind.pdf_columns],
                               size=float(kind.extra.get("font_size", 7.5)))


def _chunk_rows(app: Flask, total: int) -> int:
    """Rows per chunk: a few chunks per core balance the work (a chunk costs ~0.1 s more
    than its rows), at most DEFAULT_CHUNK_ROWS so no worker holds a huge layout."""
    if "REPORT_PDF_CHUNK_ROWS" in app.config:
        return int(app.config["REPORT_PDF_CHUNK_ROWS"])
    workers = max(1, int(app.config.get("REPORT_PDF_WORKERS", os.cpu_count() or 1)))
    return max(50, min(DEFAULT_CHUNK_ROWS, math.ceil(total / (workers * 4))))


def _workers(app: Flask, chunks: int) -> int:
    """Processes to render with: forking is only safe while this process has one thread."""
    wanted = int(app.config.get("REPORT_PDF_WORKERS", min(os.cpu_count() or 1, 4)))
    if wanted <= 1 or chunks <= 1 or threading.active_count() > 1 \
            or multiprocessing.current_process().daemon:
        return 1
    return min(wanted, chunks)


def _document_pdf(template: str, locale: str, context: dict[str, Any]) -> tuple[Any, bytes]:
    """``create_document_pdf`` with a request context: jobs render outside requests, and
    the app's context processors read the request."""
    if has_request_context():
        return create_document_pdf(template, locale, **context)
    with current_app.test_request_context("/", base_url=current_app.config["PORTAL_BASE_URL"]):
        return create_document_pdf(template, locale, **context)


#: CSS px per pt: WeasyPrint gives positions in CSS px.
PX_PT = 0.75


def _stamp_pdf(kind: ReportKind, locale: str, context: dict[str, Any], which: str
               ) -> tuple[bytes, float]:
    """The page stamp ``which`` ("first": title and header, "next": header) as a one-page
    PDF, and the y in points where its header ends: the chunks' pages start their rows
    there."""
    doc, pdf = _document_pdf(kind.pdf_template, locale,
                             {**context, "stamp": which, "lines": [], "rows": []})
    y = doc.pages[0].anchors["band-end"][1]  # (x, y, ...) in CSS px from the page's top
    return pdf, y * PX_PT


def _render_chunk(index: int) -> bytes:
    """Worker: one chunk, composed and rendered here, in the inherited app."""
    assert _fork_app is not None
    with _fork_app.app_context():
        return _render(_fork_jobs[index])


def _render(job: tuple[ReportKind, Sequence[dict[str, Any]], str, dict[str, Any]]) -> bytes:
    """One chunk's PDF.

    The cyclic garbage collector is off while the chunk renders: WeasyPrint allocates a
    box tree that the collector would otherwise scan over and over (3% of the time,
    measured); what is cyclic is collected once the chunk is done. The caller has frozen
    what existed before, so that collection never scans the report's rows or the app.
    """
    gc.disable()
    try:
        return _chunk_pdf(*job)
    finally:
        gc.enable()
        gc.collect()


def _chunk_pdf(kind: ReportKind, rows: Sequence[dict[str, Any]], locale: str,
               context: dict[str, Any]) -> bytes:
    """One chunk of rows as a PDF; composing happens here so it runs on every core too."""
    lines = compose_rows(kind, rows, locale) if kind.pdf_columns else []
    return _document_pdf(kind.pdf_template, locale,
                         {**context, "rows": rows, "lines": lines})[1]


def render_pdf(kind: ReportKind, rows: Sequence[dict[str, Any]], locale: str,
               context: dict[str, Any], progress: Progress | None = None) -> tuple[bytes, int]:
    """(PDF bytes, page count) of a report: landscape, header row on every page, "N / M"."""
    global _fork_app, _fork_jobs
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    size = _chunk_rows(app, len(rows))
    bounds = [(i, min(i + size, len(rows))) for i in range(0, len(rows), size)] or [(0, 0)]
    shared = {**context, "kind": kind, "css_string": css_string,
              "table": table_layout(kind) if kind.pdf_columns else None,
              "header": compose_header(kind, locale) if kind.pdf_columns else ("", ""),
              "stamp": None}
    first, shared["band_first"] = _stamp_pdf(kind, locale, shared, "first")
    following, shared["band_next"] = _stamp_pdf(kind, locale, shared, "next")
    jobs = [(kind, rows[lo:hi], locale, {**shared, "first_chunk": n == 0,
                                         "last_chunk": n == len(bounds) - 1})
            for n, (lo, hi) in enumerate(bounds)]
    merger = Merger((first, following))
    workers = _workers(app, len(jobs))
    # Neither this process nor the children scan what exists now (children would copy
    # every page they touched while scanning it).
    gc.freeze()
    try:
        if workers == 1:
            for n, job in enumerate(jobs, start=1):
                merger.add(_render(job))
                if progress:
                    progress(int(n * 100 / len(jobs)))
        else:
            _fork_app, _fork_jobs = app, jobs
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.imap(_render_chunk, range(len(jobs)))
                for n in range(1, len(jobs) + 1):
                    # A stuck child must fail the job, not hang the worker for ever.
                    merger.add(results.next(timeout=CHUNK_TIMEOUT))
                    if progress:
                        progress(int(n * 100 / len(jobs)))
    finally:
        gc.unfreeze()
        _fork_app, _fork_jobs = None, []
    return merger.finish()


class Merger:
    """Concatenates chunk PDFs as they arrive (while the other chunks still render), then
    prints "N / M" at the bottom right of every page and draws the first page of
    ``stamps[0]`` on the first page, of ``stamps[1]`` on the others."""

    def __init__(self, stamps: tuple[bytes, bytes]) -> None:
        from pypdf import PdfWriter

        self.writer = PdfWriter()
        self.stamps = stamps

    def add(self, part: bytes) -> None:
        """Append the pages of one chunk."""
        from pypdf import PdfReader

        self.writer.append(PdfReader(io.BytesIO(part)))

    def finish(self) -> tuple[bytes, int]:
        """(PDF bytes, page count) of the numbered, stamped whole."""
        from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

        writer = self.writer
        first, following = (_form(writer, stamp) for stamp in self.stamps)
        font = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
        push = DecodedStreamObject()
        push.set_data(b"q\n")
        push_ref = writer._add_object(push)
        total = len(writer.pages)
        for number, page in enumerate(writer.pages, start=1):
            # Named apart: the pages of one chunk may share one resource dictionary.
            form = ("/PortalStampFirst", first) if number == 1 else ("/PortalStamp", following)
            _stamp(writer, page, f"{number} / {total}", font, push_ref, form)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue(), total


def _form(writer: Any, pdf: bytes) -> Any:
    """The first page of ``pdf`` as a form XObject of ``writer``: drawn on many pages, its
    content and fonts are stored once."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    contents = page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in page.mediabox)
    # Cloned into the writer: the stamp's fonts become objects of the merged file.
    form[NameObject("/Resources")] = page["/Resources"].get_object().clone(writer)
    return writer._add_object(form.flate_encode())


def _stamp(writer: Any, page: Any, text: str, font: Any, push_ref: Any,
           form: tuple[str, Any]) -> None:
    """Draw ``text`` (ASCII) at the page's bottom right in Helvetica, and ``form`` (its
    resource name and reference)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    # Helvetica digits are 0.556 em, space and slash 0.278 em (+1.5 pt word spacing, so
    # text extraction keeps the spaces): right-aligned to the 10 mm margin.
    width = sum(0.278 if ch in " /" else 0.556 for ch in text) * 7 + 3
    x, y = float(page.mediabox.width) - 10 * MM - width, 6 * MM
    stamp = DecodedStreamObject()
    stamp.set_data(f"Q q {form[0]} Do Q q BT /PortalPageNo 7 Tf 1.5 Tw 0.25 g {x:.2f} {y:.2f} "
                   f"Td ({text}) Tj ET Q\n".encode("latin-1"))
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else DictionaryObject()
    fonts[NameObject("/PortalPageNo")] = font
    resources[NameObject("/Font")] = fonts
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
    xobjects[NameObject(form[0])] = form[1]
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    contents = page.get("/Contents")
    existing = list(contents.get_object()) if isinstance(contents.get_object(), list) \
        else [contents]
    # q ... Q around the page's own content: the stamp starts from a clean state.
    page[NameObject("/Contents")] = ArrayObject([push_ref, *existing,
                                                 writer._add_object(stamp)])


def render_xlsx(kind: ReportKind, rows: Sequence[dict[str, Any]], locale: str,
                title: str, subtitle: str) -> bytes:
    """The rows as a worksheet: title, header, one line per row, real dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=kind.key[:31])
    widths = {c.key: c.width_mm for c in kind.pdf_columns}
    for i, (key, _header) in enumerate(kind.xlsx_columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(8, widths.get(key, 30) / 2.2)
    ws.freeze_panes = "A4"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    with force_locale(locale):
        head = WriteOnlyCell(ws, value=title)
        head.font = Font(bold=True, size=12)
        ws.append([head])
        ws.append([subtitle])
        header = []
        for _key, label in kind.xlsx_columns:
            cell = WriteOnlyCell(ws, value=str(label))
            cell.font, cell.alignment = bold, wrap
            header.append(cell)
        ws.append(header)
        for row in rows:
            ws.append([_xlsx_cell(ws, row.get(key), locale, wrap)
                       for key, _label in kind.xlsx_columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_cell(ws: Any, value: Any, locale: str, wrap: Any) -> Any:
    """A worksheet cell: numbers and dates stay typed, the rest is text in ``locale``."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        value = value.astimezone(local_tz()).replace(tzinfo=None)
    elif not isinstance(value, int | float | date) or isinstance(value, bool):
        value = format_value(value, locale)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, datetime):
        cell.number_format = "DD.MM.YYYY HH:MM"
    elif isinstance(value, str) and len(value) > 30:
        cell.alignment = wrap
    return cell
