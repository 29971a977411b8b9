"""The three interfaces: ``portal kb import|export|search``, API tokens, ``/api/v1/kb/search``."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.auth.tokens import TOUCH_EVERY, ApiPrincipal, ApiToken, hash_token, token_required
from portal.db import utcnow
from portal.knowledge.models import Article, ArticleStatus
from portal.registry.models import ServiceStatus
from portal.security import Role
from tests.factories import make_agency, make_service, make_user

LINES = [
    {"external_id": "x-1", "service_code": "99999999", "title_kk": "Анықтама алу",
     "title_ru": "Получение справки", "body_kk": "Анықтама **тегін**.",
     "body_ru": "Справка бесплатно.", "tags": ["справка"]},
    {"external_id": "x-2", "title_kk": "Зейнетақы", "title_ru": "Пенсия",
     "body_kk": "Зейнетақы туралы.", "body_ru": "О пенсии.", "tags": []},
]


def _write(tmp_path, rows, name="in.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in rows) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def cli(app, session):
    return app.test_cli_runner()


def test_import_publishes_upserts_and_reports_unknown_services(cli, session, tmp_path):
    result = cli.invoke(args=["kb", "import", _write(tmp_path, LINES), "--publish"])
    assert result.exit_code == 0, result.output
    assert "created 2" in result.stdout and "unknown service_code '99999999'" in result.stderr
    art = session.scalar(select(Article).where(Article.external_id == "x-1"))
    assert art.status is ArticleStatus.PUBLISHED and art.service_id is None
    changed = [{**LINES[0], "title_ru": "Получение справки онлайн"}, LINES[1]]
    result = cli.invoke(args=["kb", "import", _write(tmp_path, changed), "--publish"])
    assert "created 0, updated 1, unchanged 1, published 1" in result.stdout
    session.expire_all()
    art = session.scalar(select(Article).where(Article.external_id == "x-1"))
    assert art.title_ru == "Получение справки онлайн" and art.published_version == 2


def test_invalid_lines_are_reported_with_numbers_and_nothing_is_imported(cli, session, tmp_path):
    rows = [LINES[0], "{not json", {**LINES[1], "tags": "оops"}, {"external_id": "x-3"},
            LINES[0]]
    result = cli.invoke(args=["kb", "import", _write(tmp_path, rows)])
    assert result.exit_code != 0
    for expected in ("line 2: invalid JSON", "line 3: tags must be a list",
                     "line 4: title_kk or title_ru is required", "line 5: external_id 'x-1' "
                     "repeats line 1", "nothing imported"):
        assert expected in result.output
    assert session.scalar(select(func.count()).select_from(Article)) == 0


def test_import_into_a_consulting_service_and_one_not_yet_consulting(cli, session, tmp_path):
    agency = make_agency(session)
    live = make_service(session, agency)
    later = make_service(session, agency, status=ServiceStatus.TRAINED)
    rows = [{**LINES[0], "service_code": live.code},
            {**LINES[1], "external_id": "x-9", "service_code": later.code}]
    result = cli.invoke(args=["kb", "import", _write(tmp_path, rows), "--publish"])
    assert "published 1" in result.stdout and "x-9 not published" in result.stderr
    art = session.scalar(select(Article).where(Article.external_id == "x-9"))
    assert art.status is ArticleStatus.REVIEW and art.service_id == later.id


def test_export_writes_the_import_format(cli, session, tmp_path):
    cli.invoke(args=["kb", "import", _write(tmp_path, LINES), "--publish"])
    out = tmp_path / "out.jsonl"
    assert cli.invoke(args=["kb", "export", str(out)]).exit_code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == {k: v for k, v in LINES[0].items() if k != "service_code"}
    assert rows[1] == LINES[1]


def test_search_json_and_batch_from_stdin(cli, session, tmp_path):
    cli.invoke(args=["kb", "import", _write(tmp_path, LINES), "--publish"])
    result = cli.invoke(args=["kb", "search", "справку", "--limit", "5", "--json"])
    hits = json.loads(result.stdout)
    assert hits[0]["external_id"] == "x-1"
    assert set(hits[0]) == {"external_id", "title_kk", "title_ru", "score"}
    result = cli.invoke(args=["kb", "search", "--json"], input="анықтама\nзейнетакы\n\n")
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and json.loads(lines[2]) == []
    assert json.loads(lines[0])[0]["external_id"] == "x-1"
    assert json.loads(lines[1])[0]["external_id"] == "x-2"


def _token(cli, session, user) -> str:
    result = cli.invoke(args=["token", "create", user.username, "--name", "test"])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_api_search_with_a_personal_token(app, cli, session, tmp_path):
    cli.invoke(args=["kb", "import", _write(tmp_path, LINES), "--publish"])
    user = make_user(session, Role.UCC_OPERATOR)
    token = _token(cli, session, user)
    stored = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    client = app.test_client()
    resp = client.get("/api/v1/kb/search?q=справка&limit=1",
                      headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    cli_hits = json.loads(cli.invoke(args=["kb", "search", "справка", "--limit", "1",
                                           "--json"]).stdout)
    assert resp.get_json() == cli_hits
    assert "Set-Cookie" not in resp.headers


def test_api_refuses_bad_revoked_and_missing_credentials(app, cli, session):
    user = make_user(session, Role.UCC_OPERATOR)
    token = _token(cli, session, user)
    client = app.test_client()
    bad = client.get("/api/v1/kb/search?q=x", headers={"Authorization": "Bearer ucc_nope"})
    assert bad.status_code == 401 and "Bearer" in bad.headers["WWW-Authenticate"]
    anon = client.get("/api/v1/kb/search?q=x", headers={"Accept": "application/json"})
    assert anon.status_code == 401
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    assert cli.invoke(args=["token", "revoke", str(token_id)]).exit_code == 0
    revoked = client.get("/api/v1/kb/search?q=x", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401
    listing = cli.invoke(args=["token", "list", user.username]).stdout
    assert "revoked" in listing and token not in listing


def test_api_role_is_checked(app, cli, session):
    qc = make_user(session, Role.QC_STAFF)
    resp = app.test_client().get("/api/v1/kb/search?q=x",
                                 headers={"Authorization": f"Bearer {_token(cli, session, qc)}"})
    assert resp.status_code == 403


def test_expired_tokens_and_inactive_users_are_refused_and_use_is_recorded(app, cli, session):
    user = make_user(session, Role.UCC_OPERATOR)
    token = _token(cli, session, user)
    stored = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}

    assert stored.last_used_at is None
    assert client.get("/api/v1/kb/search?q=x", headers=auth).status_code == 200
    session.expire_all()
    first_use = stored.last_used_at
    assert first_use is not None
    # within TOUCH_EVERY a call does not write again
    assert client.get("/api/v1/kb/search?q=y", headers=auth).status_code == 200
    session.expire_all()
    assert stored.last_used_at == first_use
    # after it, the next call records itself
    stored.last_used_at = first_use - TOUCH_EVERY - timedelta(seconds=1)
    session.flush()
    assert client.get("/api/v1/kb/search?q=z", headers=auth).status_code == 200
    session.expire_all()
    assert stored.last_used_at > first_use - TOUCH_EVERY

    stored.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    assert client.get("/api/v1/kb/search?q=x", headers=auth).status_code == 401
    stored.expires_at = utcnow() + timedelta(days=1)
    user.active = False
    session.flush()
    assert client.get("/api/v1/kb/search?q=x", headers=auth).status_code == 401
    user.active = True
    session.flush()
    assert client.get("/api/v1/kb/search?q=x", headers=auth).status_code == 200


def test_the_api_user_is_the_tokens_user(app, cli, session):
    """current_user of an API call carries the token user's id, role, agency and locale."""
    from flask import g

    agency = make_agency(session)
    user = make_user(session, Role.AGENCY_RESPONSIBLE, agency=agency)
    user.locale = "ru"
    session.flush()
    token = _token(cli, session, user)
    with app.test_request_context(headers={"Authorization": f"Bearer {token}"}):
        seen = {}

        @token_required(Role.AGENCY_RESPONSIBLE)
        def view():
            seen["user"] = g._login_user
            return "ok"

        assert view() == "ok"
    principal = seen["user"]
    assert isinstance(principal, ApiPrincipal)
    assert (principal.id, principal.username, principal.role, principal.agency_id,
            principal.locale) == (user.id, user.username, Role.AGENCY_RESPONSIBLE, agency.id,
                                  "ru")
    assert principal.is_authenticated and principal.get_id() == str(user.id)
