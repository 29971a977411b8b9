"""Database engine, session handling and the declarative base with stable constraint names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, g
from sqlalchemy import DateTime, MetaData, create_engine, func
from sqlalchemy.engine import Connection, Engine
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


class Database:
    """One engine per app; one session per application context (request or job)."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None

    def init_app(self, app: Flask) -> None:
        """Create the engine from DATABASE_URL and close sessions at context teardown."""
        self.engine = create_engine(
            app.config["DATABASE_URL"],
            pool_pre_ping=True,
            pool_size=int(app.config.get("DB_POOL_SIZE", 5)),
            max_overflow=int(app.config.get("DB_MAX_OVERFLOW", 10)),
        )
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        app.extensions["portal_db"] = self
        app.teardown_appcontext(self._teardown)

    def bind_connection(self, connection: Connection | None) -> None:
        """Tests: make every session run inside ``connection`` using savepoints."""
        assert self.engine is not None
        if connection is None:
            self._factory = sessionmaker(self.engine, expire_on_commit=False)
        else:
            self._factory = sessionmaker(
                bind=connection,
                expire_on_commit=False,
                join_transaction_mode="create_savepoint",
            )

    @property
    def session(self) -> Session:
        """The session of the current application context."""
        sess = g.get("_db_session")
        if sess is None:
            assert self._factory is not None, "Database.init_app() was not called"
            sess = self._factory()
            g._db_session = sess
        return sess

    def new_session(self) -> Session:
        """A session outside the app context (CLI, benchmarks); caller closes it."""
        assert self._factory is not None
        return self._factory()

    @staticmethod
    def _teardown(exc: BaseException | None) -> None:
        sess: Session | None = g.pop("_db_session", None)
        if sess is not None:
            if exc is not None:
                sess.rollback()
            sess.close()


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
