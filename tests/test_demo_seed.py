"""The demo dataset loads into a fresh database and every demo login reaches its home page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import create_app, migrate
from portal.db import db
from portal.registry.models import ResponsiblePerson, Service, ServiceStatus
from portal.security import Role
from tests.factories import csrf_token


@pytest.fixture(scope="module")
def demo_app(make_database, shared_config, tmp_path_factory):
    url = make_database("portal_demo")
    migrate.upgrade(url)
    app = create_app({**shared_config, "DATABASE_URL": url, "SECRET_KEY": "demo",
                      "DATA_DIR": tmp_path_factory.mktemp("demo")})
    from portal.demo.seed import seed_demo

    with app.app_context():
        app.config["DEMO_LOGINS"] = seed_demo(password="Demo-pass-1414")
    yield app
    db.engine_for(app).dispose()


def test_demo_dataset_is_realistic(demo_app):
    with demo_app.app_context():
        session = db.session
        assert 90 <= session.scalar(select(func.count(Service.id))) <= 130
        statuses = set(session.scalars(select(Service.status).distinct()))
        assert statuses == set(ServiceStatus)
        assert session.scalar(select(func.count(ResponsiblePerson.id))) >= 20
        consulting = session.scalars(select(Service).where(
            Service.status == ServiceStatus.CONSULTING)).all()
        assert all(s.consultation_start is not None for s in consulting)
        assert all(len(s.code) == 8 and s.code.isdigit() for s in consulting)


def test_demo_knowledge_base_is_searchable(demo_app):
    from portal.knowledge.models import Article
    from portal.knowledge.search import search

    with demo_app.app_context():
        session = db.session
        assert session.scalar(select(func.count(Article.id))) >= 100
        # Kazakh typed with Russian letters finds the benefit articles of the demo.
        results = search(session, "жардемакы", limit=5)
        assert results.hits and any("жәрдемақы" in h.title_kk.lower() for h in results.hits)


def test_demo_appeals_cover_last_month(demo_app):
    from portal.appeals.models import Appeal, Character

    with demo_app.app_context():
        session = db.session
        assert session.scalar(select(func.count(Appeal.id))) == 300
        characters = set(session.scalars(select(Appeal.character).distinct()))
        assert characters == set(Character)
        numbers = session.scalars(select(Appeal.number)).all()
        assert len(set(numbers)) == 300 and all(len(n) == 11 for n in numbers)


def test_seeding_twice_is_refused(demo_app):
    import click

    from portal.demo.seed import seed_demo

    with demo_app.app_context(), pytest.raises(click.ClickException):
        seed_demo()


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_each_demo_login_lands_on_its_home(demo_app, locale):
    logins = demo_app.config["DEMO_LOGINS"]
    assert {row["role"] for row in logins} == {r.value for r in Role}
    for row in logins:
        client = demo_app.test_client()
        client.post("/lang", data={"locale": locale, "csrf_token": csrf_token(client)})
        resp = client.post("/login", data={"username": row["username"],
                                           "password": row["password"],
                                           "csrf_token": csrf_token(client)})
        assert resp.status_code == 302, row
        home = client.get("/")
        html = home.get_data(as_text=True)
        assert home.status_code == 200
        assert f'data-role="{row["role"]}"' in html
        assert f'<html lang="{locale}">' in html
