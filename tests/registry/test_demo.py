"""The registry's demo data: forms in every state, requests, refusals, amendments, a replacement."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal import create_app, migrate
from portal.db import db
from portal.registry.annex_models import (
    Annex1Status,
    Annex1Submission,
    InfoRequest,
    InfoRequestStatus,
)
from portal.registry.models import BylawAmendment, ResponsibleReplacement, Service, ServiceStatus
from tests.factories import login


@pytest.fixture(scope="module")
def demo_app(make_database, shared_config, tmp_path_factory):
    url = make_database("portal_regdemo")
    migrate.upgrade(url)
    app = create_app({**shared_config, "DATABASE_URL": url, "SECRET_KEY": "demo",
                      "DATA_DIR": tmp_path_factory.mktemp("regdemo")})
    from portal.demo.seed import seed_demo

    with app.app_context():
        seed_demo(password="Demo-pass-1414")
    yield app
    db.engine_for(app).dispose()


def test_demo_has_forms_in_every_state_and_a_second_version(demo_app):
    with demo_app.app_context():
        s = db.session
        states = set(s.scalars(select(Annex1Submission.status).distinct()))
        assert states == set(Annex1Status)
        twice = [sub for sub in s.scalars(select(Annex1Submission)) if len(sub.versions) == 2]
        assert twice and twice[0].status is Annex1Status.ACCEPTED
        assert set(s.scalars(select(Service.status).distinct())) == set(ServiceStatus)


def test_demo_has_requests_refusals_amendments_and_a_replacement(demo_app):
    with demo_app.app_context():
        s = db.session
        statuses = set(s.scalars(select(InfoRequest.status).distinct()))
        assert statuses == set(InfoRequestStatus)
        repeated = s.scalar(select(func.count()).select_from(
            select(InfoRequest.agency_id).where(InfoRequest.status == InfoRequestStatus.REFUSED)
            .group_by(InfoRequest.agency_id).having(func.count() >= 2).subquery()))
        assert repeated >= 1
        assert s.scalar(select(func.count(BylawAmendment.id))) >= 10
        assert s.scalar(select(func.count(ResponsibleReplacement.id))) == 1


def test_demo_agency_and_manager_see_their_work(demo_app):
    agency = demo_app.test_client()
    login(agency, "agency", "Demo-pass-1414")
    home = agency.get("/").get_data(as_text=True)
    assert 'id="registry-widget"' in home
    forms = agency.get("/registry/annex1").get_data(as_text=True)
    assert forms.count('href="/registry/annex1/') >= 4
    manager = demo_app.test_client()
    login(manager, "manager", "Demo-pass-1414")
    assert manager.get("/registry/annex1?status=submitted").status_code == 200
    refusals = manager.get("/registry/refusals").get_data(as_text=True)
    assert max(int(n) for n in re.findall(r"</a></td><td>(\d+)</td>", refusals)) >= 2
    listing = manager.get("/registry/services?q=зейнетақы").get_data(as_text=True)
    assert "services-table" in listing
