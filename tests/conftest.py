"""Fixtures shared by the whole suite: no proxies from the environment, and real SQLite and PostgreSQL.

- `database`: a migrated `Database` on a fresh, empty database; parametrized over SQLite and PostgreSQL, so a
  test using it runs on both.
- `empty_database_url`: the URL of a fresh database with no schema at all (also on both), for migration tests.
- `sqlite_url` / `pg_url`: a fresh database of one kind, for tests that need just one.

PostgreSQL comes from LINKBRIEF_TEST_POSTGRES_URL (an admin URL; default the local trust-auth server, database
`postgres`). Each test gets its own `linkbrief_test_<hex>` database, dropped WITH (FORCE) afterwards. If the
server cannot be reached the PostgreSQL variants are skipped with the reason, except under CI=true, where a
missing database must fail the run rather than quietly halve it. Select them with `-m postgresql` (or
`-m "not postgresql"`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import secrets
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.store.db import Database

POSTGRES_ADMIN_URL = os.environ.get(
    "LINKBRIEF_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test talks through a proxy from the environment: every server here is on loopback, and slack_sdk picks
    proxies up from the environment and ignores NO_PROXY (docs/slack.md §4.4)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: needs the PostgreSQL server")


def _asyncpg_dsn(url: str) -> str:
    """asyncpg wants a libpq-style DSN, not SQLAlchemy's `postgresql+asyncpg://`."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _probe() -> str | None:
    try:
        connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return None


@cache
def _postgres_unreachable_reason() -> str | None:
    """Checked once per run, in a thread with its own event loop (pytest-asyncio owns the test loop)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _probe()).result()


def require_postgres() -> None:
    """Skip (or under CI=true, fail) the calling test when PostgreSQL cannot be reached."""
    reason = _postgres_unreachable_reason()
    if reason is None:
        return
    message = f"PostgreSQL not reachable at {make_url(POSTGRES_ADMIN_URL)!r}: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
    pytest.skip(message)


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped after the test."""
    require_postgres()
    name = f"linkbrief_test_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a SQLite file that does not exist yet, in an empty directory (a missing one would be refused)."""
    (tmp_path / "db").mkdir(exist_ok=True)
    return f"sqlite+aiosqlite:///{tmp_path / 'db' / 'linkbrief.db'}"


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest) -> str:
    """A fresh database with no schema, on each backend."""
    return request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url")


@pytest.fixture
async def database(empty_database_url: str) -> AsyncIterator[Database]:
    """A migrated Database on a fresh database, on each backend."""
    db = Database(empty_database_url)
    try:
        await db.migrate()
        yield db
    finally:
        await db.dispose()
