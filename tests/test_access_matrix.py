"""Every route × every role (and a foreign agency): the server refuses what it must.

A route must declare its roles with ``@roles_required`` or be marked ``@public``;
an undeclared route fails this test.  URL arguments come from ``tests/access/*``.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

import tests.access as access_pkg
from portal.agencies.models import Agency, AgencyKind
from portal.auth.models import User
from portal.security import Role
from tests.factories import csrf_token, login, make_agency, make_user

SKIP_ENDPOINTS = {"static"}


@dataclass
class World:
    """Objects the matrix runs against: agency A owns the samples, B is foreign."""

    agency: Agency
    foreign_agency: Agency
    users: dict[str, User] = field(default_factory=dict)
    foreign_user: User | None = None


def _modules() -> list[Any]:
    return [importlib.import_module(f"tests.access.{m.name}")
            for m in pkgutil.iter_modules(access_pkg.__path__)]


@pytest.fixture
def world(session) -> World:
    agency = make_agency(session, AgencyKind.CENTRAL)
    foreign = make_agency(session, AgencyKind.CENTRAL)
    ici = make_agency(session, AgencyKind.ICI_OPERATOR)
    w = World(agency=agency, foreign_agency=foreign)
    for role in Role:
        bound = ici if role is Role.ICI_OPERATOR else agency if role.needs_agency else None
        w.users[role.value] = make_user(session, role, bound)
    w.foreign_user = make_user(session, Role.AGENCY_RESPONSIBLE, foreign)
    return w


def _rules(app: Flask) -> list[Any]:
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in SKIP_ENDPOINTS),
                  key=lambda r: r.rule)


def test_every_route_declares_access(app: Flask) -> None:
    undeclared = []
    for rule in _rules(app):
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "is_public", False) and not hasattr(view, "allowed_roles"):
            undeclared.append(rule.endpoint)
    assert undeclared == [], f"routes without @roles_required/@public: {undeclared}"


def _build(app: Flask, rule: Any, values: dict[str, Any]) -> str:
    missing = [a for a in rule.arguments if a not in values]
    assert not missing, f"{rule.endpoint}: add samples for {missing} in tests/access/"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})


def test_access_matrix(app: Flask, session, world: World) -> None:
    values: dict[str, Any] = {}
    foreign: dict[str, int] = {}
    for module in _modules():
        values.update(module.samples(session, world))
        foreign.update(getattr(module, "FOREIGN", {}))
    failures: list[str] = []
    protected = [r for r in _rules(app)
                 if hasattr(app.view_functions[r.endpoint], "allowed_roles")]
    urls = {r.endpoint: _build(app, r, values) for r in protected}

    anon = app.test_client()
    for rule in protected:
        method = "GET" if "GET" in rule.methods else "POST"
        data = {"csrf_token": csrf_token(anon)} if method == "POST" else None
        resp = anon.open(urls[rule.endpoint], method=method, data=data)
        if resp.status_code != 302 or "/login" not in resp.headers.get("Location", ""):
            failures.append(f"anonymous {method} {urls[rule.endpoint]} -> {resp.status_code}")

    for role in Role:
        client = app.test_client()
        login(client, world.users[role.value])
        token = csrf_token(client, "/")
        for rule in protected:
            allowed = role in app.view_functions[rule.endpoint].allowed_roles
            url = urls[rule.endpoint]
            if "GET" in rule.methods:
                code = client.get(url).status_code
                if allowed and code not in (200, 302, 303):
                    failures.append(f"{role.value} GET {url} -> {code}, expected 200")
                if not allowed and code != 403:
                    failures.append(f"{role.value} GET {url} -> {code}, expected 403")
            elif not allowed:
                code = client.post(url, data={"csrf_token": token}).status_code
                if code != 403:
                    failures.append(f"{role.value} POST {url} -> {code}, expected 403")

    client = app.test_client()
    login(client, world.foreign_user)
    token = csrf_token(client, "/")
    for rule in protected:
        view = app.view_functions[rule.endpoint]
        if Role.AGENCY_RESPONSIBLE not in view.allowed_roles or not rule.arguments:
            continue
        if rule.endpoint not in foreign:
            failures.append(f"{rule.endpoint}: declare the foreign-agency outcome in "
                            "tests/access/<area>.py FOREIGN")
            continue
        url = urls[rule.endpoint]
        if "GET" in rule.methods:
            code = client.get(url).status_code
        else:
            code = client.post(url, data={"csrf_token": token}).status_code
        if code != foreign[rule.endpoint]:
            failures.append(f"foreign agency {url} -> {code}, expected {foreign[rule.endpoint]}")
    assert failures == [], "\n".join(failures)


def test_public_routes_answer_anonymously(app: Flask, session) -> None:
    client = app.test_client()
    for rule in _rules(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "is_public", False) and "GET" in rule.methods and not rule.arguments:
            assert client.get(rule.rule).status_code in (200, 302), rule.rule
