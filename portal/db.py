"""Database engine, session handling and the declarative base with stable constraint names."""

from __future__ import annotations

import re
import select
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from flask import Flask, current_app, g
from psycopg.rows import namedtuple_row
from sqlalchemy import DateTime, MetaData, create_engine, event, func, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model; all timestamps are timezone-aware."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


def utcnow() -> datetime:
    """Current time as an aware UTC datetime."""
    return datetime.now(UTC)


class TimestampMixin:
    """Creation and update times, set by the database and the ORM."""

    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=utcnow)


#: Seconds a pooled connection may stay idle before its checkout costs a round trip.
PING_IDLE = 30.0


class Liveness:
    """Pessimistic disconnect handling for the pool, without a round trip per checkout.

    SQLAlchemy's ``pool_pre_ping`` sends a query at every checkout: 0.37 ms of the app's
    CPU and 0.1 ms of PostgreSQL's per request, about 5% of an API search (measured).
    A server that ends a connection (restart, ``pg_terminate_backend``, idle timeout)
    sends a FATAL message and closes the socket, so an idle connection whose socket is
    readable is suspect; it is then pinged, and discarded if the ping fails. A peek
    cannot see a connection dropped silently on the way (firewall, network): a
    connection idle for more than ``ping_idle`` seconds is therefore pinged anyway. A
    discarded connection is replaced at once by the pool (``DisconnectionError``).
    """

    def __init__(self, engine: Engine, ping_idle: float = PING_IDLE) -> None:
        """Check every checkout of ``engine``'s pool."""
        self.ping_idle = ping_idle
        self.dialect = engine.dialect
        event.listen(engine, "checkin", self.checkin)
        event.listen(engine, "checkout", self.checkout)

    @staticmethod
    def checkin(dbapi_conn: Any, record: Any) -> None:
        """Remember when the connection went idle."""
        record.info["portal_idle_since"] = time.monotonic()

    def checkout(self, dbapi_conn: Any, record: Any, proxy: Any) -> None:
        """Raise ``DisconnectionError`` for a connection the server has closed."""
        since = record.info.get("portal_idle_since")
        if since is None:  # fresh from connect()
            return
        if dbapi_conn.closed or dbapi_conn.broken:
            raise DisconnectionError("connection closed")
        try:
            readable = bool(select.select([dbapi_conn.fileno()], [], [], 0)[0])
        except (OSError, ValueError) as exc:
            raise DisconnectionError("connection socket unusable") from exc
        if readable or time.monotonic() - since > self.ping_idle:
            try:
                alive = self.dialect.do_ping(dbapi_conn)
            except Exception as exc:  # noqa: BLE001 - any failure means: reconnect
                raise DisconnectionError("ping failed") from exc
            if not alive:
                raise DisconnectionError("ping failed")


class _State:
    """One app's engine and session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.factory: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)


class Database:
    """Engine per app (kept in ``app.extensions``); one session per app context."""

    def init_app(self, app: Flask) -> None:
        """Create the engine from DATABASE_URL and close sessions at context teardown."""
        engine = create_engine(
            app.config["DATABASE_URL"],
            pool_size=int(app.config.get("DB_POOL_SIZE", 5)),
            max_overflow=int(app.config.get("DB_MAX_OVERFLOW", 10)),
        )
        Liveness(engine, float(app.config.get("DB_PING_IDLE", PING_IDLE)))
        app.extensions["portal_db"] = _State(engine)
        app.teardown_appcontext(self._teardown)

    @staticmethod
    def _state(app: Flask | None = None) -> _State:
        return (app or current_app).extensions["portal_db"]

    def engine_for(self, app: Flask | None = None) -> Engine:
        """The engine of ``app`` (default: the current app)."""
        return self._state(app).engine

    @property
    def engine(self) -> Engine:
        """The current app's engine."""
        return self._state().engine

    def bind_connection(self, connection: Connection | None, app: Flask | None = None) -> None:
        """Tests: make every session of ``app`` run inside ``connection`` using savepoints."""
        state = self._state(app)
        if connection is None:
            state.factory = sessionmaker(state.engine, expire_on_commit=False)
        else:
            state.factory = sessionmaker(bind=connection, expire_on_commit=False,
                                         join_transaction_mode="create_savepoint")

    @property
    def session(self) -> Session:
        """The session of the current application context."""
        sess = g.get("_db_session")
        if sess is None:
            sess = self._state().factory()
            g._db_session = sess
        return sess

    def new_session(self, app: Flask | None = None) -> Session:
        """A session outside the request cycle (CLI, tests, benchmarks); caller closes it."""
        return self._state(app).factory()

    @staticmethod
    def _teardown(exc: BaseException | None) -> None:
        """End the context's session: a transaction that wrote nothing is committed, any
        other is rolled back.

        Committing a transaction that only read is the same as rolling it back, except to
        psycopg: at every ``rollback()`` it drops all the prepared statements of the
        connection, so pages that only read would never reuse a plan.
        """
        sess: Session | None = g.pop("_db_session", None)
        if sess is None:
            return
        try:
            if exc is None and _wrote_nothing(sess):
                sess.commit()
            else:
                sess.rollback()
        finally:
            sess.close()


def _wrote_nothing(sess: Session) -> bool:
    """Is the session's open transaction free of writes, flushed or not?

    PostgreSQL assigns a transaction id at the first write (rows, catalog, anything), so
    its absence is exact; it costs one round trip, for transactions left open only.
    """
    if not sess.in_transaction() or sess.new or sess.dirty or sess.deleted:
        return False
    try:
        return bool(sess.execute(text("SELECT pg_current_xact_id_if_assigned() IS NULL"))
                    .scalar_one())
    except SQLAlchemyError:  # e.g. a failed transaction: it is rolled back
        return False


db = Database()


_BIND = re.compile(r"(?<![:\w]):(\w+)")


@lru_cache(maxsize=512)
def _driver_sql(sql: str) -> str:
    """``:name`` binds (as in ``text()``) → psycopg's ``%(name)s``; a literal ``%`` doubled."""
    return _BIND.sub(r"%(\1)s", sql.replace("%", "%%"))


def driver_rows(session: Session, sql: str, params: Mapping[str, Any]) -> list[NamedTuple]:
    """Run ``sql`` (``:name`` binds, like ``text()``) straight through psycopg on the
    session's connection, inside its transaction; rows as named tuples.

    For the statements on the operators' hot path (Knowledge Base search) only: there,
    SQLAlchemy's statement handling and result metadata cost more client CPU than the
    round trip itself (0.33 ms against 0.14 ms for the query analysis, measured), and
    the result-metadata part alone was a fifth of an API search's CPU. psycopg still
    prepares statements that repeat, and an error aborts the session's transaction as
    any other would (psycopg's exception; the session then rolls back).
    """
    conn = session.connection().connection.driver_connection
    with conn.cursor(row_factory=namedtuple_row) as cur:  # type: ignore[union-attr]
        cur.execute(_driver_sql(sql), params)  # type: ignore[arg-type]
        return cur.fetchall()


def get_or_404(model: type[Any], ident: Any) -> Any:
    """Load a row by primary key or abort with 404."""
    from flask import abort

    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def str_enum(enum_cls: type[Any], name: str) -> Any:
    """A VARCHAR column type holding a Python enum's values, with a CHECK constraint.

    VARCHAR + CHECK instead of a native PostgreSQL ENUM keeps migrations simple:
    adding a value is a constraint change, not an ALTER TYPE that cannot run in a
    transaction.
    """
    from sqlalchemy import Enum

    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
