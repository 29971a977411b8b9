"""Database engine, session handling and the declarative base with stable constraint names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, MetaData, create_engine, func, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
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
            pool_pre_ping=True,
            pool_size=int(app.config.get("DB_POOL_SIZE", 5)),
            max_overflow=int(app.config.get("DB_MAX_OVERFLOW", 10)),
        )
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
