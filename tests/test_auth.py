"""Login, throttling, sessions, passwords, language and user administration."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit import AuditEntry
from portal.auth.models import User
from portal.security import Role
from tests.factories import PASSWORD, csrf_token, login, make_agency, make_user, post


def test_login_lands_on_role_home_in_both_languages(client, session):
    user = make_user(session, Role.UCC_MANAGER, full_name="Айгүл Сейітова")
    login(client, user)
    page = client.get("/").get_data(as_text=True)
    assert 'data-role="ucc_manager"' in page
    assert "Байланыс орталығының менеджері" in page  # kk is the default
    post(client, "/lang", {"locale": "ru", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "Менеджер контакт-центра" in page
    session.expire_all()
    assert session.get(User, user.id).locale == "ru"  # remembered per user


def test_wrong_password_is_refused_without_saying_which_part(client, session):
    user = make_user(session, Role.ADMIN)
    resp = client.post("/login", data={"username": user.username, "password": "nope",
                                       "csrf_token": csrf_token(client)})
    assert resp.status_code == 200
    assert "Құпиясөз немесе пайдаланушы аты қате" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_rejected(client, session):
    user = make_user(session, Role.ADMIN)
    client.get("/login")
    resp = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 400


def test_login_is_throttled_per_account(client, session):
    user = make_user(session, Role.ADMIN)
    token = csrf_token(client)
    codes = [client.post("/login", data={"username": user.username, "password": "bad",
                                         "csrf_token": token}).status_code for _ in range(11)]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    # the correct password is refused too while throttled
    resp = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                       "csrf_token": token})
    assert resp.status_code == 429


def test_deactivated_user_cannot_log_in_and_is_logged_out(app, client, session):
    admin = make_user(session, Role.ADMIN)
    victim = make_user(session, Role.UCC_OPERATOR)
    other = app.test_client()
    login(other, victim)
    assert other.get("/").status_code == 200
    login(client, admin)
    resp = post(client, f"/admin/users/{victim.id}/active", {"active": "0"})
    assert resp.status_code == 302
    assert other.get("/").status_code == 302  # the victim's session ended
    resp = other.post("/login", data={"username": victim.username, "password": PASSWORD,
                                      "csrf_token": csrf_token(other)})
    assert resp.status_code == 200 and "/login" not in resp.headers.get("Location", "")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.deactivate"))
    assert entry is not None and entry.actor_name == admin.username
    assert entry.changes == {"active": [True, False]}


def test_password_change_checks_current_and_policy(client, session):
    user = make_user(session, Role.QC_STAFF)
    login(client, user)
    bad = post(client, "/account/password", {"current": "wrong", "new": "Another-pass-1",
                                             "confirm": "Another-pass-1"})
    assert "Ағымдағы құпиясөз қате" in bad.get_data(as_text=True)
    weak = post(client, "/account/password", {"current": PASSWORD, "new": "short",
                                              "confirm": "short"})
    assert "кемінде 10 таңба" in weak.get_data(as_text=True)
    ok = post(client, "/account/password", {"current": PASSWORD, "new": "Another-pass-1",
                                            "confirm": "Another-pass-1"})
    assert ok.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, user.username, "Another-pass-1")


def test_admin_creates_agency_user_and_validation_messages(client, session):
    admin = make_user(session, Role.ADMIN, locale="ru")
    agency = make_agency(session)
    login(client, admin)
    data = {"username": "new.person", "full_name": "Ерлан Қасымов", "email": "bad-email",
            "phone": "", "role": "agency_responsible", "agency_id": "", "locale": "kk",
            "password": "Valid-pass-77", "active": "y"}
    resp = post(client, "/admin/users/new", data, token_from="/admin/users/new")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Неверный адрес электронной почты" in html
    assert session.scalar(select(User).where(User.username == "new.person")) is None
    data["email"] = "erlan@example.kz"
    resp = post(client, "/admin/users/new", data, token_from="/admin/users/new")
    assert "выберите ведомство" in resp.get_data(as_text=True)
    data["agency_id"] = str(agency.id)
    resp = post(client, "/admin/users/new", data, token_from="/admin/users/new")
    assert resp.status_code == 302
    created = session.scalar(select(User).where(User.username == "new.person"))
    assert created.agency_id == agency.id and created.role is Role.AGENCY_RESPONSIBLE


def test_open_redirect_after_login_is_refused(client, session):
    user = make_user(session, Role.ADMIN)
    token = csrf_token(client)
    resp = client.post("/login?next=https://evil.example/x",
                       data={"username": user.username, "password": PASSWORD,
                             "csrf_token": token})
    assert resp.headers["Location"] == "/"


def test_session_cookie_flags_in_production_config(app):
    from portal.config import load_config

    cfg = load_config({"DATABASE_URL": "postgresql://x/y", "SECRET_KEY": "k"})
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["SESSION_COOKIE_HTTPONLY"]
    assert cfg["SESSION_COOKIE_SAMESITE"] == "Lax"
