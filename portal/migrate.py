"""Alembic, driven from code: the schema comes only from migrations."""

from __future__ import annotations

import importlib

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from portal.config import ROOT

MIGRATIONS_DIR = ROOT / "migrations"


def import_all_models() -> None:
    """Import every model module so ``Base.metadata`` is complete."""
    from portal import MODEL_MODULES

    for name in MODEL_MODULES:
        importlib.import_module(name)


def alembic_config(database_url: str) -> Config:
    """An Alembic config for ``database_url`` with our layout and file names."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("file_template",
                        "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s")
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.set_main_option("timezone", "UTC")
    return cfg


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Apply migrations up to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "-1") -> None:
    """Revert migrations down to ``revision``."""
    command.downgrade(alembic_config(database_url), revision)


def revision(database_url: str, message: str, autogenerate: bool = True) -> None:
    """Generate a new migration (read and edit it by hand afterwards)."""
    command.revision(alembic_config(database_url), message=message, autogenerate=autogenerate)


def is_empty(engine) -> bool:  # type: ignore[no-untyped-def]
    """True when the database has no portal tables yet."""
    return not inspect(engine).has_table("users")
