"""procrastinate's tables in linkbrief's PostgreSQL database: installed once, migrated after an upgrade.

procrastinate ships its schema and its migration scripts as SQL, not as Alembic revisions, so they are applied
here, beside the Alembic migrations of linkbrief's own tables (`linkbrief migrate`, and every start with
`LINKBRIEF_QUEUE=procrastinate`). The version applied is kept in `linkbrief_queue_schema`; everything runs under
a PostgreSQL advisory lock, so processes starting together do not apply it twice. procrastinate itself talks
to the database with psycopg, so this does too (a libpq URL made from the SQLAlchemy one).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg
from procrastinate import __version__ as procrastinate_version
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url

from bot.logs import get_logger

__all__ = ["SCHEMA_LOCK_KEY", "apply_queue_schema", "libpq_url"]

log = get_logger(__name__)

SCHEMA_LOCK_KEY = 0x6C62_7100  # advisory lock around applying the queue schema
_MIGRATION_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)_")


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL (`postgresql+asyncpg://…`) as the libpq URL psycopg takes."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


async def apply_queue_schema(database_url: str) -> str:
    """Install procrastinate's schema, or bring it up to the installed procrastinate; idempotent.

    The version applied is kept in `linkbrief_queue_schema`; on an upgrade of procrastinate, its migration
    scripts newer than that version are applied in order. Returns what was done ("installed", "migrated to
    …", "up to date").
    """
    async with await psycopg.AsyncConnection.connect(libpq_url(database_url), autocommit=True) as connection:
        await connection.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
        try:
            await connection.execute("CREATE TABLE IF NOT EXISTS linkbrief_queue_schema (version text NOT NULL)")
            row = await (await connection.execute("SELECT version FROM linkbrief_queue_schema")).fetchone()
            installed = await (await connection.execute("SELECT to_regclass('procrastinate_jobs')")).fetchone()
            if installed is None or installed[0] is None:
                async with connection.transaction():
                    await connection.execute(SchemaManager.get_schema())
                    await _record_version(connection)
                log.info("queue_schema_installed", procrastinate=procrastinate_version)
                return "installed"
            applied = _version(row[0]) if row else (0, 0, 0)
            if applied >= _version(procrastinate_version):
                return "up to date"
            async with connection.transaction():
                for script in _migrations_after(applied):
                    await connection.execute(script.read_text(encoding="utf-8"))
                await _record_version(connection)
            log.info("queue_schema_migrated", procrastinate=procrastinate_version)
            return f"migrated to {procrastinate_version}"
        finally:
            await connection.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))


async def _record_version(connection: psycopg.AsyncConnection[Any]) -> None:
    await connection.execute("DELETE FROM linkbrief_queue_schema")
    await connection.execute("INSERT INTO linkbrief_queue_schema (version) VALUES (%s)", (procrastinate_version,))


def _migrations_after(applied: tuple[int, ...]) -> list[Any]:
    folder = Path(SchemaManager.get_migrations_path())
    scripts = []
    for script in folder.glob("*.sql"):
        match = _MIGRATION_VERSION.match(script.name)
        if match and tuple(int(g) for g in match.groups()) > applied:
            scripts.append(script)
    return sorted(scripts, key=lambda path: path.name)
