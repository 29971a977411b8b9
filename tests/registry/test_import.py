"""Registry import: validated in full, row-by-row report, all or nothing; XLSX export."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from portal.registry import importer
from portal.registry.models import Bylaw, Service, ServiceStatus
from portal.security import Role
from tests.factories import login, make_agency, make_service, make_user, post

HEADER = ",".join(importer.COLUMNS)


def _csv(agency_code: str, *rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").replace("{a}", agency_code).encode("utf-8")


GOOD = ("00501001,Жер учаскесін беру,Предоставление земельного участка,{a},20,working,"
        "https://egov.kz/land,Қағидалар,Правила,301,2020-04-01,20478,https://adilet.zan.kz/x")
SECOND_BYLAW = ("00501001,,,{a},,,,Өзгерту қағидасы,Правила изменения,12,01.02.2021,,")
OTHER = "00501002,Анықтама беру,Выдача справки,{a},,calendar,,,,,,,"


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_a_good_file_creates_services_with_all_their_bylaws(app, session):
    agency = make_agency(session, code="minjust")
    rows = importer.read_rows("r.csv", _csv("minjust", GOOD, SECOND_BYLAW, OTHER))
    plan = importer.plan_import(session, rows)
    assert plan.errors == []
    with app.test_request_context():
        result = importer.apply_import(session, None, plan)
    assert (result.created, result.updated, result.bylaws_added) == (2, 0, 2)
    service = session.scalar(select(Service).where(Service.code == "00501001"))
    assert service.agency_id == agency.id and service.status is ServiceStatus.NEW
    assert sorted(b.number for b in service.bylaws) == ["12", "301"]
    assert {b.approved_on for b in service.bylaws} == {date(2020, 4, 1), date(2021, 2, 1)}


def test_one_bad_row_reports_every_problem_and_imports_nothing(app, session, client):
    make_agency(session, code="minjust")
    admin = make_user(session, Role.ADMIN)
    bad = ("0050100X,Атауы,,nosuch,400,weekly,egov.kz,Қағидалар,,1,32.13.2020,,")
    before = (_count(session, Service), _count(session, Bylaw))
    login(client, admin)
    data = _csv("minjust", GOOD, bad, OTHER)
    resp = post(client, "/registry/import", {"file": (io.BytesIO(data), "registry.csv")},
                token_from="/registry/import", content_type="multipart/form-data")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    for column in ("code", "name_ru", "agency", "term_days", "term_kind", "internet_resource",
                   "bylaw_title_ru", "bylaw_approved_on"):
        assert f"<code>{column}</code>" in html, column
    assert "<td>3</td>" in html  # the bad row is row 3 of the file (header is row 1)
    session.expire_all()
    assert (_count(session, Service), _count(session, Bylaw)) == before


def test_rows_of_one_code_must_agree(app, session):
    make_agency(session, code="minjust")
    clash = GOOD.replace("Предоставление земельного участка", "Другое название")
    plan = importer.plan_import(session, importer.read_rows(
        "r.csv", _csv("minjust", GOOD, clash)))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "name_ru")]


def test_xlsx_import_updates_known_services_without_announcing_old_bylaws(app, session):
    agency = make_agency(session, code="mvd")
    existing = make_service(session, agency, code="00601001", name_ru="Старое")
    book = Workbook()
    sheet = book.active
    sheet.append(list(importer.COLUMNS))
    sheet.append(["00601001", existing.name_kk, "Новое", "mvd", 7, "working", None,
                  "Жаңа қағида", "Новые правила", "55", date(2024, 6, 1), None, None])
    buf = io.BytesIO()
    book.save(buf)
    plan = importer.plan_import(session, importer.read_rows("r.xlsx", buf.getvalue()))
    assert plan.errors == []
    from portal import signals

    seen = []
    signals.bylaw_approved.connect(recv := lambda s, **kw: seen.append(kw))
    try:
        with app.test_request_context():
            result = importer.apply_import(session, None, plan)
    finally:
        signals.bylaw_approved.disconnect(recv)
    assert (result.created, result.updated, result.bylaws_added) == (0, 1, 1)
    assert existing.name_ru == "Новое" and existing.term_days == 7
    assert seen == []


def test_unreadable_files_are_refused(app, session):
    import pytest

    for name, data in (("r.txt", b"x"), ("r.xlsx", b"not a zip"),
                       ("r.csv", b"code,name_kk\n1,2\n"), ("r.csv", "код".encode("cp1251"))):
        with app.test_request_context(), pytest.raises(ValueError):
            importer.read_rows(name, data)


def test_export_round_trips_through_the_importer(app, session, client):
    agency = make_agency(session, code="mzdr")
    make_service(session, agency, code="00701001", name_kk="Қазақша", name_ru="Русский")
    login(client, make_user(session, Role.UCC_OPERATOR))
    resp = client.get("/registry/export.xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:len(importer.COLUMNS)]) == list(importer.COLUMNS)
    mine = [r for r in rows if r[0] == "00701001"]
    assert mine[0][1:4] == ("Қазақша", "Русский", "mzdr") and mine[0][-1] == "consulting"
    plan = importer.plan_import(session, importer.read_rows("x.xlsx", resp.data))
    assert plan.errors == [] and "00701001" in plan.services
