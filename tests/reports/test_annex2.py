"""The monthly Annex 2 report (Rules No. 83, cl. 31): recipients, rows, PDF, XLSX, sending."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.calendar.workdays import ASTANA_TZ
from portal.notify.models import OutboxMessage
from portal.obligations.models import Obligation, ObligationStatus
from portal.reports.models import Report, ReportStatus
from portal.reports.services import build_reports
from tests.factories import login

TITLES = {"kk": "Бірыңғай байланыс орталығына келіп түскен өтініштер (шағымдар) туралы есеп",
          "ru": "Отчет об обращениях (жалобах), поступивших в Единый контакт-центр"}
FOOTERS = {"kk": f"Бірыңғай байланыс орталығы · {TITLES['kk']} · наурыз 2026",
           "ru": f"Единый контакт-центр · {TITLES['ru']} · март 2026"}


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler extracts it (what a reader copies out of the file)."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                         check=True, timeout=60)
    return out.stdout.decode()


def _build(app, session, **kw) -> dict:
    with app.app_context():
        reports = build_reports(session, "annex2", date(2026, 3, 1), **kw)
    return {r.recipient_agency_id: r for r in reports}


def test_each_recipient_gets_its_rows(app, session, march) -> None:
    reports = _build(app, session)
    assert set(reports) == {None, march.ministry.id, march.akimat.id}
    a = march.appeals
    expected = {None: {"ministry", "committee", "akimat"},
                march.ministry.id: {"ministry", "committee"},  # its committee's too
                march.akimat.id: {"akimat"}}
    for agency_id, keys in expected.items():
        report = reports[agency_id]
        assert report.status is ReportStatus.DONE and report.row_count == len(keys)
        text = pdf_text(report.pdf)
        for key, appeal in a.items():
            assert (appeal.number in text) == (key in keys), (agency_id, key)
        assert report.row_ids == [a[k].id for k in sorted(keys, key=lambda k: a[k].received_at)]
    qc_text = pdf_text(reports[None].pdf)
    assert "Сейітқали Айгүл" in qc_text and "Әбенова Гүлім" in qc_text
    assert "ЖТ-17" in qc_text and "Түсіндірілді" in qc_text
    lines = qc_text.splitlines()
    for day, moment in (("31.03.2026", "23:59"), ("02.03.2026", "10:00")):
        # the date column prints the time under the date
        at = next(i for i, line in enumerate(lines) if day in line)
        assert moment in lines[at + 1], lines[at:at + 2]


def test_pdf_is_landscape_numbered_and_in_the_recipients_language(app, session, march) -> None:
    reports = _build(app, session)
    qc, ministry = reports[None], reports[march.ministry.id]
    assert (qc.locale, ministry.locale) == ("ru", "kk")  # the recipients' users' language
    for report in (qc, ministry):
        reader = PdfReader(io.BytesIO(report.pdf))
        box = reader.pages[0].mediabox
        assert float(box.width) > float(box.height)  # landscape
        text = pdf_text(report.pdf)
        assert TITLES[report.locale] in text
        assert f"1 / {report.pdf_pages}" in text and report.pdf_pages == len(reader.pages)
    assert "Алматинская" in pdf_text(reports[march.akimat.id].pdf)  # its users read Russian
    assert "Астана қаласы" in pdf_text(ministry.pdf)


def test_long_report_is_rendered_in_chunks_with_header_and_numbers(app, session, march,
                                                                    monkeypatch) -> None:
    monkeypatch.setitem(app.config, "REPORT_PDF_CHUNK_ROWS", 1)
    qc = _build(app, session)[None]
    reader = PdfReader(io.BytesIO(qc.pdf))
    assert qc.pdf_pages == len(reader.pages) == 3  # one chunk per row here
    for n in range(1, len(reader.pages) + 1):
        text = pdf_text(_page(reader, n - 1))
        assert f"{n} / 3" in text
        # Header rows and footer are rendered once and drawn on every page of every chunk;
        # the title heads the first page only (and is in every page's footer).
        words = " ".join(text.split())
        assert FOOTERS[qc.locale] in words
        assert "Регион" in words and "Принятые меры" in words
        assert words.count(TITLES[qc.locale]) == (2 if n == 1 else 1)
        assert march.appeals[("ministry", "committee", "akimat")[n - 1]].number in text


def _page(reader: PdfReader, index: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_page(reader.pages[index])
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_xlsx_has_the_same_rows(app, session, march) -> None:
    report = _build(app, session)[march.ministry.id]
    sheet = load_workbook(io.BytesIO(report.xlsx)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    assert len(header) == 9 and header[0]
    data = rows[3:]
    assert [r[1] for r in data] == [march.appeals["ministry"].number,
                                    march.appeals["committee"].number]
    assert data[0][2] == datetime(2026, 3, 2, 10, 0)
    assert data[0][8] == "ЖТ-17" and data[0][4] == "Сейітқали Айгүл"


def test_sending_closes_the_obligation_and_runs_are_idempotent(app, session, march) -> None:
    reports = _build(app, session)
    messages = session.scalars(select(OutboxMessage).where(
        OutboxMessage.key.like("report:%")).order_by(OutboxMessage.key)).all()
    by_to = {m.recipient: m for m in messages}
    assert set(by_to) == {"kense@kyzmet.gov.kz", "analyst@kyzmet.gov.kz", "info@enbek.gov.kz",
                          "resp@enbek.gov.kz", "akimat@almaty.kz"}
    assert [a.filename for a in by_to["info@enbek.gov.kz"].attachments] == [
        "annex2-2026-03.pdf", "annex2-2026-03.xlsx"]
    assert by_to["kense@kyzmet.gov.kz"].locale == "ru"
    for report in reports.values():
        ob = session.scalar(select(Obligation).where(Obligation.subject_type == "report",
                                                     Obligation.subject_id == report.id))
        assert ob.rule_key == "monthly_appeals_report"
        assert ob.due_at == datetime(2026, 4, 5, 23, 59, 59, 999999, tzinfo=ASTANA_TZ)
        assert ob.status is ObligationStatus.FULFILLED_LATE  # sent long after 5 April
        assert report.sent_at is not None and report.revision == 1

    again = _build(app, session)
    assert {r.revision for r in again.values()} == {1}
    count = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.key.like("report:%")))
    assert count == len(messages)

    forced = _build(app, session, force=True)
    assert {r.revision for r in forced.values()} == {2}
    corrected = session.scalars(select(OutboxMessage).where(
        OutboxMessage.key.like("report:%:r2:%"))).all()
    assert len(corrected) == len(messages)


def test_an_agency_downloads_only_its_own_reports(app, session, march) -> None:
    reports = _build(app, session)
    client = app.test_client()
    login(client, march.ministry_user)
    own = client.get(f"/reports/{reports[march.ministry.id].id}/download.pdf")
    assert own.status_code == 200 and own.data.startswith(b"%PDF")
    assert own.mimetype == "application/pdf"
    for other in (reports[None], reports[march.akimat.id]):
        assert client.get(f"/reports/{other.id}/download.pdf").status_code == 404
        assert client.get(f"/reports/{other.id}").status_code == 404
    page = client.get("/reports/month/annex2/2026-03/").get_data(as_text=True)
    assert f'data-report="{reports[march.ministry.id].id}"' in page
    assert f'data-report="{reports[None].id}"' not in page
    qc = app.test_client()
    login(qc, march.qc_user)
    for report in reports.values():
        got = qc.get(f"/reports/{report.id}/download.xlsx")
        assert got.status_code == 200 and got.data[:2] == b"PK"


def test_bodies_without_complaints_get_no_report(app, session, march) -> None:
    reports = _build(app, session)
    assert march.idle.id not in reports
    assert session.scalar(select(func.count()).select_from(Report)) == 3


def test_wrapped_cells_stay_in_their_columns(app, session, march) -> None:
    """Rows are pre-composed lines (tabs and fixed spaces): a cell's second line must start
    exactly where its first line does, in the PDF as drawn."""
    report = _build(app, session)[march.akimat.id]
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=report.pdf,
                         capture_output=True, check=True).stdout.decode()
    words = {}
    for line in out.splitlines():
        if "<word" in line:
            x = float(line.split('xMin="')[1].split('"')[0])
            y = float(line.split('yMin="')[1].split('"')[0])
            words.setdefault(line.rsplit(">", 2)[-2].split("<")[0], []).append((x, y))
    (x1, y1), (x2, y2) = words["Алматинская"][0], words["область"][0]
    assert y2 > y1 and abs(x1 - x2) < 0.5  # region column, lines 1 and 2
    (xa, ya), (xb, yb) = words["Әбенова"][0], words["Гүлім"][0]
    assert abs(xa - xb) < 0.5 or abs(ya - yb) < 0.5  # same column, wrapped or not
    assert words["Мазмұны"][0][0] > x1 + 100  # content starts in its own column
