"""Configuration, health check, audit viewer, htmx fragments, security headers, CLI."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from sqlalchemy import select

from portal.agencies.models import Agency, AgencyKind
from portal.config import ConfigError, load_config
from portal.security import Role
from tests.factories import login, make_agency, make_user, post


def test_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("PORTAL_DEV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY, DATABASE_URL"):
        load_config()
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/portal")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config()
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    cfg = load_config()
    assert cfg["DATABASE_URL"] == "postgresql+psycopg://db/portal"


def test_dev_mode_generates_a_persistent_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_DEV", "1")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/portal")
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    first = load_config()["SECRET_KEY"]
    assert len(first) == 64 and load_config()["SECRET_KEY"] == first


def test_healthz_reports_database_and_redis(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_security_headers(client):
    resp = client.get("/login")
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


def test_htmx_request_gets_fragment_only(client, session):
    login(client, make_user(session, Role.ADMIN))
    full = client.get("/agencies/")
    frag = client.get("/agencies/", headers={"HX-Request": "true"})
    assert "<html" in full.get_data(as_text=True)
    body = frag.get_data(as_text=True)
    assert "<html" not in body and body.strip().startswith('<div id="agencies-table">')
    assert "HX-Request" in frag.headers["Vary"]


def test_agency_edit_is_audited_and_validated(client, session):
    admin = make_user(session, Role.ADMIN)
    agency = make_agency(session, name_ru="Старое имя")
    login(client, admin)
    form = {"code": agency.code, "kind": "central", "name_kk": agency.name_kk,
            "name_ru": "Новое имя", "short_kk": "", "short_ru": "", "region_code": "",
            "parent_id": str(agency.id), "email": "", "phone": ""}
    resp = post(client, f"/agencies/{agency.id}", form, token_from=f"/agencies/{agency.id}")
    assert resp.status_code == 200  # own parent refused
    form["parent_id"] = ""
    resp = post(client, f"/agencies/{agency.id}", form, token_from=f"/agencies/{agency.id}")
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Agency, agency.id).name_ru == "Новое имя"
    audit = client.get(f"/admin/audit?object_type=Agency&object_id={agency.id}")
    text = audit.get_data(as_text=True)
    assert "agency.update" in text and "Старое имя" in text and "Новое имя" in text


def test_cli_create_user(app, session, monkeypatch):
    runner = app.test_cli_runner()
    agency = make_agency(session, code="cliagency")
    session.commit()  # the CLI runs in its own app context, on the test connection
    result = runner.invoke(args=["create-user", "cli.user", "--role", "agency_responsible",
                                 "--full-name", "Сәуле Ахметова", "--agency", "cliagency",
                                 "--password", "Cli-pass-2026"])
    assert result.exit_code == 0, result.output
    from portal.auth.models import User

    user = session.scalar(select(User).where(User.username == "cli.user"))
    assert user is not None and user.agency_id == agency.id
    bad = runner.invoke(args=["create-user", "x", "--role", "admin", "--full-name", "X",
                              "--password", "Cli-pass-2026"])
    assert bad.exit_code != 0 and "3-80" in bad.output


def test_committing_commits_or_rolls_back_and_tells_the_user(app, session):
    from flask import get_flashed_messages

    from portal.db import db
    from portal.errors import DomainError, committing

    with app.test_request_context():
        with committing() as unit:
            kept = make_agency(db.session, code="kept-agency")
            unit.success = f"Saved {kept.code}."
        assert unit.ok
        with committing("never shown") as failed:
            make_agency(db.session, code="dropped-agency")
            raise DomainError("The rule says no.")
        assert not failed.ok
        with pytest.raises(ValueError), committing("never shown"):
            raise ValueError("a bug is not a user error")
        assert get_flashed_messages(with_categories=True) == [
            ("success", "Saved kept-agency."), ("error", "The rule says no.")]
        codes = set(db.session.scalars(select(Agency.code)))
    assert "kept-agency" in codes and "dropped-agency" not in codes


@pytest.mark.parametrize("work, committed", [
    ("read", True), ("insert", False), ("pending", False), ("error", False)])
def test_a_context_commits_what_only_read_and_rolls_back_anything_else(live_server, work,
                                                                         committed):
    """On the live server's own database: the test transaction would hide the difference."""
    import uuid

    from sqlalchemy import event, func, insert

    from portal.db import db

    app = live_server.app
    engine = db.engine_for(app)
    ends: list[str] = []
    on_commit, on_rollback = (lambda conn: ends.append("commit")), \
        (lambda conn: ends.append("rollback"))
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    name = f"Ведомство {uuid.uuid4().hex[:8]}"
    try:
        with pytest.raises(RuntimeError) if work == "error" else nullcontext(), \
                app.app_context():
            db.session.scalar(select(func.count()).select_from(Agency))
            if work == "insert":  # sent to the database, never committed
                db.session.execute(insert(Agency).values(
                    code=name, name_kk=name, name_ru=name, kind=AgencyKind.CENTRAL))
            if work == "pending":
                db.session.add(Agency(code=name, name_kk=name, name_ru=name,
                                      kind=AgencyKind.CENTRAL))
            if work == "error":
                raise RuntimeError("the view failed")
    finally:
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "rollback", on_rollback)
    assert ends == (["commit"] if committed else ["rollback"])
    with live_server.session() as s:
        assert s.scalar(select(func.count()).select_from(Agency)
                        .where(Agency.name_ru == name)) == 0
