"""Factories for test data: small functions with sensible defaults, overridable."""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.agencies.models import Agency, AgencyKind, Region
from portal.auth.models import User
from portal.auth.passwords import hash_password
from portal.registry.models import Bylaw, ResponsiblePerson, Service, ServiceStatus
from portal.security import Role

PASSWORD = "Test-pass-1414"
_HASH = hash_password(PASSWORD)  # hashing once keeps tests fast
_seq = itertools.count(1)


def make_region(session: Session, code: str = "astana", **kw: Any) -> Region:
    """A region (idempotent by code)."""
    region = session.get(Region, code)
    if region is None:
        region = Region(code=code, name_kk=kw.get("name_kk", "Астана қаласы"),
                        name_ru=kw.get("name_ru", "город Астана"))
        session.add(region)
        session.flush()
    return region


def make_agency(session: Session, kind: AgencyKind = AgencyKind.CENTRAL, **kw: Any) -> Agency:
    """An agency with unique code and bilingual names."""
    n = next(_seq)
    agency = Agency(code=kw.pop("code", f"agency{n}"), kind=kind,
                    name_kk=kw.pop("name_kk", f"Сынақ министрлігі {n}"),
                    name_ru=kw.pop("name_ru", f"Тестовое министерство {n}"),
                    short_kk=kw.pop("short_kk", f"СМ{n}"), short_ru=kw.pop("short_ru", f"ТМ{n}"),
                    **kw)
    session.add(agency)
    session.flush()
    return agency


def make_user(session: Session, role: Role = Role.UCC_OPERATOR, agency: Agency | None = None,
              **kw: Any) -> User:
    """A user with the known test password."""
    n = next(_seq)
    user = User(username=kw.pop("username", f"{role.value.replace('_', '')}{n}"),
                full_name=kw.pop("full_name", f"Сынақ Пайдаланушы {n}"),
                role=role, agency_id=agency.id if agency else None,
                password_hash=_HASH, locale=kw.pop("locale", "kk"), **kw)
    session.add(user)
    session.flush()
    return user


def make_service(session: Session, agency: Agency, **kw: Any) -> Service:
    """A public service with one bylaw."""
    n = next(_seq)
    # A valid registry code: section, subsection and number all non-zero.
    code = f"{100 + n // 999 % 899:03d}01{n % 999 + 1:03d}"
    service = Service(code=kw.pop("code", code), agency_id=agency.id,
                      name_kk=kw.pop("name_kk", f"Сынақ қызметі {n}"),
                      name_ru=kw.pop("name_ru", f"Тестовая услуга {n}"),
                      status=kw.pop("status", ServiceStatus.CONSULTING),
                      term_days=kw.pop("term_days", 5), **kw)
    session.add(service)
    session.flush()
    session.add(Bylaw(service_id=service.id, title_kk="Қағидалар", title_ru="Правила",
                      number=f"{n}", approved_on=date(2020, 4, 1)))
    session.flush()
    return service


def make_person(session: Session, agency: Agency, **kw: Any) -> ResponsiblePerson:
    """A responsible person of ``agency``."""
    n = next(_seq)
    person = ResponsiblePerson(agency_id=agency.id, full_name=kw.pop("full_name", f"Жауапты {n}"),
                               position_kk="бас сарапшы", position_ru="главный эксперт",
                               phone="+7 7172 00 00 00", email=f"person{n}@example.kz",
                               appointed_on=kw.pop("appointed_on", date(2025, 1, 10)), **kw)
    session.add(person)
    session.flush()
    return person


CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a rendered page."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, user: User | str, password: str = PASSWORD) -> None:
    """Log ``user`` in through the real login form."""
    username = user if isinstance(user, str) else user.username
    token = csrf_token(client)
    resp = client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]


def browser_login(page: Any, url: str, username: str) -> None:
    """Log in through the real login page in a Playwright ``page`` of the server at ``url``."""
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("button[type=submit].primary").click()
    page.wait_for_selector("section.home")


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None,
         token_from: str = "/", **kw: Any):
    """POST a form with a valid CSRF token (as a browser would)."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(path, data=payload, **kw)
