"""Personal API tokens: created from the command line, stored hashed, revocable.

A token is ``ucc_`` + 32 random bytes (URL-safe base64). Only its SHA-256 is
stored: the token has full entropy, so a slow password hash would add nothing
but latency to every API call. ``token_required(*roles)`` protects API views
(Knowledge Base search, the telephony rating API).

During a token-authenticated call ``current_user`` is an ``ApiPrincipal``: the token's
user as plain data, read together with the token in one statement. Loading the token
and the user as ORM objects cost more CPU than the Knowledge Base search the call makes
(1.4 against 1.5 ms per API search, measured); a view that needs the ORM user loads it
with ``db.session.get(User, current_user.id)``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

import click
from flask import current_app, g, jsonify, request
from flask.cli import with_appcontext
from flask_login import UserMixin, current_user
from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal import audit
from portal.auth.models import User
from portal.db import Base, db, driver_rows, utcnow
from portal.security import Role

F = TypeVar("F", bound=Callable[..., Any])
PREFIX = "ucc_"
#: last_used_at is refreshed at most this often: an API call should not write.
TOUCH_EVERY = timedelta(minutes=5)


class ApiToken(Base):
    """A user's personal API token (hash only)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: First characters of the token, to tell tokens apart in listings.
    hint: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def is_valid(self, now: datetime) -> bool:
        """Not revoked, not expired, and its user is active."""
        return _valid(self.revoked_at, self.expires_at, self.user.active, now)


def _valid(revoked_at: datetime | None, expires_at: datetime | None, user_active: bool,
           now: datetime) -> bool:
    """The one rule for a usable token: not revoked, not expired, its user active."""
    return revoked_at is None and (expires_at is None or expires_at > now) and user_active


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, actor: Any, user: User, name: str = "",
                 days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the clear token (shown once)."""
    clear = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:100], token_hash=hash_token(clear),
                     hint=clear[:10],
                     expires_at=utcnow() + timedelta(days=days) if days else None)
    session.add(token)
    session.flush()
    audit.record(session, actor, "auth.token_create", token,
                 {"user": [None, user.username], "name": [None, token.name]},
                 summary=f"API token {token.hint}… for {user.username}")
    return token, clear


def revoke_token(session: Session, actor: Any, token: ApiToken) -> None:
    """Revoke a token at once (idempotent)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, actor, "auth.token_revoke", token,
                     {"revoked_at": [None, token.revoked_at.isoformat()]},
                     summary=f"API token {token.hint}… revoked")


@dataclass(frozen=True)
class ApiPrincipal(UserMixin):
    """The active user behind a valid token, as flask-login's ``current_user`` of one API
    call (what views, audit and the locale selector read of a user)."""

    id: int
    username: str
    role: Role
    agency_id: int | None
    locale: str


_LOOKUP = """
SELECT t.id AS token_id, t.expires_at, t.revoked_at, t.last_used_at,
       u.id, u.username, u.role, u.agency_id, u.locale, u.active
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = :token_hash
"""


def principal_for_token(session: Session, clear: str) -> tuple[ApiPrincipal | None, bool]:
    """(the user of a valid token or None, whether last_used_at was refreshed: then the
    caller commits). Revoked, expired, unknown tokens and inactive users get None."""
    if not clear.startswith(PREFIX) or len(clear) > 100:
        return None, False
    rows = driver_rows(session, _LOOKUP, {"token_hash": hash_token(clear)})
    if not rows:
        return None, False
    row, now = rows[0], utcnow()
    if not _valid(row.revoked_at, row.expires_at, row.active, now):
        return None, False
    touched = row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY
    if touched:
        session.execute(update(ApiToken).where(ApiToken.id == row.token_id)
                        .values(last_used_at=now))
    return ApiPrincipal(row.id, row.username, Role(row.role), row.agency_id, row.locale), \
        touched


def _unauthorized(message: str):  # type: ignore[no-untyped-def]
    response = jsonify(error="unauthorized", message=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="ucc-portal"'
    return response


def token_required(*roles: Role) -> Callable[[F], F]:
    """Protect an API view: a Bearer token (or a logged-in session) of one of ``roles``.

    A bad, revoked or expired token gets 401 JSON. Without any credentials the
    view behaves like every portal page (redirect to the login form), unless the
    client asked for JSON only, which gets 401. Wrong role: 403 JSON.
    """
    allowed = frozenset(roles)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            if header:
                scheme, _, clear = header.partition(" ")
                user, touched = principal_for_token(db.session, clear.strip()) \
                    if scheme.lower() == "bearer" else (None, False)
                if user is None:
                    return _unauthorized("invalid, expired or revoked token")
                if touched:
                    db.session.commit()  # keep last_used_at even if the view only reads
                g._login_user = user  # flask-login's per-request user; no session cookie
            elif not current_user.is_authenticated:
                if request.accept_mimetypes.best_match(["text/html", "application/json"]) \
                        == "application/json":
                    return _unauthorized("send Authorization: Bearer <token>")
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if current_user.role not in allowed:
                response = jsonify(error="forbidden", message="role not allowed")
                response.status_code = 403
                return response
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]
        wrapped.token_auth = True  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


# --- command line: portal token create|list|revoke ---

token_cli = click.Group("token", help="Personal API tokens.")


@token_cli.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
@click.option("--days", type=int, default=None, help="Expire after this many days.")
@with_appcontext
def token_create_command(username: str, name: str, days: int | None) -> None:
    """Create a token for USERNAME and print it (it is not shown again)."""
    from portal.auth.services import find_by_username

    user = find_by_username(db.session, username)
    if user is None or not user.active:
        raise click.ClickException(f"No active user {username!r}.")
    token, clear = create_token(db.session, None, user, name, days)
    db.session.commit()
    click.echo(clear)
    click.echo(f"Token #{token.id} for {user.username} ({user.role.value}); "
               "use it as 'Authorization: Bearer <token>'.", err=True)


@token_cli.command("list")
@click.argument("username", required=False)
@with_appcontext
def token_list_command(username: str | None) -> None:
    """List tokens (all, or USERNAME's)."""
    stmt = select(ApiToken).join(ApiToken.user).order_by(ApiToken.id)
    if username:
        stmt = stmt.where(User.username == username)
    now = utcnow()
    for t in db.session.scalars(stmt):
        state = "valid" if t.is_valid(now) else "revoked" if t.revoked_at else "expired/inactive"
        used = t.last_used_at.isoformat(timespec="minutes") if t.last_used_at else "never"
        click.echo(f"#{t.id}\t{t.user.username}\t{t.hint}…\t{t.name}\t{state}\tlast used {used}")


@token_cli.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def token_revoke_command(token_id: int) -> None:
    """Revoke token TOKEN_ID."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No token #{token_id}.")
    revoke_token(db.session, None, token)
    db.session.commit()
    click.echo(f"Token #{token_id} revoked.")
