"""Alembic environment for linkbrief, driven from code (no alembic.ini).

`bot.store.db.alembic_config` builds the Config: `script_location` points here and `sqlalchemy.url` is the
database URL. `Database.migrate` passes an already-open connection in `config.attributes["connection"]`;
without one (a Config built by hand, e.g. to autogenerate a new revision) this file opens its own
`Database` on the URL, so SQLite gets the same connection set-up as the application.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import Connection

from bot.store.db import Database
from bot.store.models import Base
from bot.store.search import is_search_table

config = context.config
target_metadata = Base.metadata


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Keep the full-text search structures out of autogenerate's comparison.

    They are created by the migrations with dialect-specific SQL (an FTS5 virtual table plus its shadow tables
    `article_search_data`, `_idx`, `_content`, `_docsize`, `_config` on SQLite; a tsvector table with a GIN
    index on PostgreSQL) and deliberately absent from the models, because SQLAlchemy metadata cannot
    describe a virtual table, and the two databases need different shapes. Without this filter autogenerate
    would see them as tables "removed" from the models and write a migration dropping the search index.
    """
    if name is not None and is_search_table(name):  # the tables, and indexes such as `article_search_text`
        return False
    table = getattr(obj, "table", None)
    return not (table is not None and is_search_table(table.name))


def _configure(connection: Connection | None = None, **kwargs: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table. Harmless elsewhere.
        render_as_batch=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout (`alembic upgrade --sql`)."""
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(_run_on)
    finally:
        await database.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("sqlalchemy.url is not set; build the Config with bot.store.db.alembic_config")
    asyncio.run(_run_with_own_engine(url))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
