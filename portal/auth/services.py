"""User accounts: authentication, creation, editing, deactivation, passwords."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.agencies.models import Agency
from portal.auth.models import User
from portal.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from portal.db import utcnow
from portal.errors import DomainError
from portal.security import Role

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
# A fixed hash so a login for an unknown user costs the same time as a real check.
_DUMMY_HASH = hash_password("not-a-real-password-0")


def find_by_username(session: Session, username: str) -> User | None:
    """The user with this (case-insensitive) username."""
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user whose credentials match, or None."""
    user = find_by_username(session, username.strip())
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def _check_user_data(session: Session, data: dict[str, Any], user: User | None) -> None:
    """Validate username, role/agency consistency and uniqueness."""
    username = data.get("username", user.username if user else "")
    if not USERNAME_RE.match(username):
        raise DomainError(_("A username is 3-80 characters: lowercase Latin letters, digits, "
                            "dot, dash or underscore."), "username")
    other = find_by_username(session, username)
    if other is not None and other is not user:
        raise DomainError(_("This username is already taken."), "username")
    role = Role(data.get("role", user.role if user else ""))
    agency_id = data.get("agency_id", user.agency_id if user else None)
    if role.needs_agency and not agency_id:
        raise DomainError(_("This role acts on behalf of an agency: choose the agency."),
                          "agency_id")
    if agency_id and session.get(Agency, agency_id) is None:
        raise DomainError(_("Unknown agency."), "agency_id")


def create_user(session: Session, actor: Any, data: dict[str, Any], password: str) -> User:
    """Create a user account; ``data`` holds the User fields."""
    _check_user_data(session, data, None)
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, "password")
    role = Role(data["role"])
    user = User(
        username=data["username"],
        full_name=data["full_name"],
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        role=role,
        agency_id=data.get("agency_id") if role.needs_agency or data.get("agency_id") else None,
        locale=data.get("locale", "kk"),
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
    )
    session.add(user)
    audit.record(session, actor, "user.create", user,
                 {"username": user.username, "role": role.value},
                 summary=f"{user.username} ({role.value})", agency_id=user.agency_id)
    return user


def update_user(session: Session, actor: Any, user: User, data: dict[str, Any]) -> User:
    """Edit a user's profile, role or agency."""
    _check_user_data(session, data, user)
    if "role" in data:
        data = {**data, "role": Role(data["role"])}
    changes = audit.apply_changes(user, data)
    if changes:
        audit.record(session, actor, "user.update", user, changes, summary=user.username,
                     agency_id=user.agency_id)
    return user


def set_active(session: Session, actor: Any, user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivation ends its sessions."""
    if actor is not None and user.id == getattr(actor, "id", None) and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    user.session_version += 1
    audit.record(session, actor, "user.activate" if active else "user.deactivate", user,
                 {"active": [not active, active]}, summary=user.username,
                 agency_id=user.agency_id)


def change_password(session: Session, actor: Any, user: User, new: str,
                    current: str | None = None) -> None:
    """Set a new password (checking the current one when the user changes their own)."""
    if current is not None and not verify_password(user.password_hash, current):
        raise DomainError(_("The current password is wrong."), "current")
    problem = password_problem(new)
    if problem:
        raise DomainError(problem, "new")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.session_version += 1
    audit.record(session, actor, "user.password", user, {}, summary=user.username,
                 agency_id=user.agency_id)


def set_locale(session: Session, user: User, locale: str) -> None:
    """Remember the user's interface language."""
    user.locale = locale
