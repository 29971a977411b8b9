"""Obligation pages: agency scoping, the overdue dashboard, filters, sorting, exports."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.calendar.workdays import ASTANA_TZ
from portal.obligations.engine import open_obligation
from portal.obligations.models import ObligationStatus
from portal.security import Role
from tests.factories import login, make_agency, make_service, make_user, post


def days_ago(n: int) -> datetime:
    return datetime.now(ASTANA_TZ) - timedelta(days=n)


@pytest.fixture
def world(session):
    """Two agencies with services and obligations: some overdue, one not yet due."""
    a = make_agency(session, name_kk="Әділет министрлігі", name_ru="Министерство юстиции",
                    short_kk="ӘМ", short_ru="МЮ")
    b = make_agency(session, name_kk="Денсаулық министрлігі", name_ru="Министерство здравоохранения",
                    short_kk="ДМ", short_ru="МЗ")
    sa, sb = make_service(session, a), make_service(session, b)
    obs = {
        "a_late_20": open_obligation(session, rule_key="annex1_after_bylaw", trigger_at=days_ago(40),
                                     subject_type="service", subject_id=sa.id, agency_id=a.id,
                                     service_id=sa.id),
        "a_late_26": open_obligation(session, rule_key="info_update_after_amendment",
                                     trigger_at=days_ago(12), subject_type="service",
                                     subject_id=sa.id, agency_id=a.id, service_id=sa.id),
        "b_late_20": open_obligation(session, rule_key="annex1_after_bylaw", trigger_at=days_ago(20),
                                     subject_type="service", subject_id=sb.id, agency_id=b.id,
                                     service_id=sb.id),
        "b_future": open_obligation(session, rule_key="training_after_annex1",
                                    trigger_at=days_ago(0), subject_type="service",
                                    subject_id=sb.id, agency_id=b.id, service_id=sb.id),
    }
    users = {"manager": make_user(session, Role.UCC_MANAGER, locale="ru"),
             "resp_a": make_user(session, Role.AGENCY_RESPONSIBLE, a),
             "qc": make_user(session, Role.QC_STAFF)}
    return {"a": a, "b": b, "obs": obs, "users": users}


def rows_of(html: str) -> list[int]:
    import re

    return [int(x) for x in re.findall(r'data-obligation="(\d+)"', html)]


def test_agency_sees_only_its_obligations_nearest_first(client, world) -> None:
    login(client, world["users"]["resp_a"])
    html = client.get("/obligations/").get_data(as_text=True)
    obs = world["obs"]
    assert rows_of(html) == [obs["a_late_20"].id, obs["a_late_26"].id]
    assert "№ 83 Қағидалар, 20-тармақ" in html
    # Asking for another agency in the query string changes nothing.
    html = client.get(f"/obligations/?agency={world['b'].id}").get_data(as_text=True)
    assert rows_of(html) == [obs["a_late_20"].id, obs["a_late_26"].id]
    assert client.get(f"/obligations/{obs['b_late_20'].id}").status_code == 404
    assert client.get(f"/obligations/{obs['a_late_20'].id}").status_code == 200
    assert client.get("/obligations/overdue").status_code == 403
    assert client.get("/obligations/overdue.xlsx").status_code == 403


def test_dashboard_counts_and_list(client, world) -> None:
    login(client, world["users"]["manager"])
    resp = client.get("/obligations/overdue")
    html = resp.get_data(as_text=True)
    obs = world["obs"]
    # Most late first; the one not yet due is not overdue.
    assert rows_of(html) == [obs["a_late_20"].id, obs["b_late_20"].id, obs["a_late_26"].id]
    assert "Правила № 83, п. 20" in html and "Правила № 83, п. 26" in html
    agency_block = html[html.index('id="counts-agency"'):html.index('id="counts-rule"')]
    assert agency_block.index("Министерство юстиции") < agency_block.index(
        "Министерство здравоохранения")
    assert ">2<" in agency_block.replace(" ", "")


@pytest.mark.parametrize(("query", "expected"), [
    ("agency={a}", ["a_late_20", "a_late_26"]),
    ("rule=annex1_after_bylaw", ["a_late_20", "b_late_20"]),
    ("min_days=20", ["a_late_20"]),
    ("party=ucc", []),
    ("sort=agency&dir=desc", ["a_late_20", "a_late_26", "b_late_20"]),
    ("sort=late&dir=desc", ["a_late_26", "b_late_20", "a_late_20"]),
])
def test_dashboard_filters_and_sorting(client, world, query, expected) -> None:
    login(client, world["users"]["manager"])
    html = client.get("/obligations/overdue?" + query.format(a=world["a"].id)).get_data(
        as_text=True)
    assert rows_of(html) == [world["obs"][k].id for k in expected]


def test_htmx_gets_the_fragment_only(client, world) -> None:
    login(client, world["users"]["manager"])
    resp = client.get(f"/obligations/overdue?agency={world['a'].id}",
                      headers={"HX-Request": "true"})
    html = resp.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="overdue-results">') and "<html" not in html
    assert "HX-Request" in resp.headers["Vary"]
    assert f"overdue.xlsx?agency={world['a'].id}" in html  # exports keep the filters


def test_xlsx_export_follows_the_filters(client, world) -> None:
    login(client, world["users"]["manager"])
    resp = client.get("/obligations/overdue.xlsx?rule=annex1_after_bylaw&sort=agency")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = [r for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    assert [r[1] for r in rows] == ["Министерство здравоохранения", "Министерство юстиции"]
    assert {r[4] for r in rows} == {"Правила № 83, п. 20"}
    assert all(isinstance(r[8], int) and r[8] >= 1 for r in rows)
    assert "Правило" in ws["A2"].value  # the filters applied are written above the table


def test_pdf_export_is_landscape_and_lists_the_rows(client, world) -> None:
    login(client, world["users"]["qc"])  # QC staff may read and export
    resp = client.get(f"/obligations/overdue.pdf?agency={world['a'].id}")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(resp.data))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Әділет министрлігі" in text and "Денсаулық" not in text
    assert "№ 83 Қағидалар, 20-тармақ" in " ".join(text.split())


def test_pdf_export_is_capped_and_says_so(client, world, monkeypatch) -> None:
    from portal.obligations import queries

    monkeypatch.setattr(queries, "PDF_LIMIT", 1)
    login(client, world["users"]["qc"])
    resp = client.get("/obligations/overdue.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
                    .split())
    assert "Барлығы 3" in text and "XLSX" in text


def test_manager_cancels_with_a_reason(client, session, world) -> None:
    login(client, world["users"]["manager"])
    ob = world["obs"]["b_future"]
    path = f"/obligations/{ob.id}"
    assert post(client, f"{path}/cancel", {"reason": ""}, token_from=path).status_code == 422
    resp = post(client, f"{path}/cancel", {"reason": "Услуга исключена из реестра"},
                token_from=path)
    assert resp.status_code == 303
    session.expire_all()
    assert ob.status is ObligationStatus.CANCELLED
    assert ob.close_reason == "Услуга исключена из реестра"
    html = client.get(path).get_data(as_text=True)
    assert "obligations.cancel" in html and "Услуга исключена из реестра" in html


def test_widgets(app, client, world) -> None:
    from portal.obligations.widgets import agency_widget, manager_widget

    with app.test_request_context():
        html = agency_widget(world["users"]["resp_a"])
        assert html.index(f"/obligations/{world['obs']['a_late_20'].id}") < html.index(
            f"/obligations/{world['obs']['a_late_26'].id}")
        assert "№ 83 Қағидалар, 20-тармақ" in html
        stats = manager_widget(world["users"]["manager"])
        assert "/obligations/overdue" in stats


def test_rulebook_page_lists_every_version(client, world) -> None:
    login(client, world["users"]["resp_a"])
    html = client.get("/obligations/rules").get_data(as_text=True)
    assert "№ 130 Қағидалар, 8-тармақ" in html and "№ 81 Қағидалар, 6-тармақ" in html


def test_registry_overdue_filter_is_registered(session, world) -> None:
    from sqlalchemy import select

    from portal.obligations.subscribers import services_with_overdue
    from portal.registry.models import Service
    from portal.registry.queries import _overdue_filters

    assert services_with_overdue in _overdue_filters
    ids = set(session.scalars(services_with_overdue(select(Service.id))))
    assert ids == {world["obs"]["a_late_20"].service_id, world["obs"]["b_late_20"].service_id}
