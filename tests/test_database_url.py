"""`DATABASE_URL` in every form people paste, and the settings that must stop a command before it starts.

Each accepted form is run through `linkbrief migrate` as a real process: on PostgreSQL that opens the store with
asyncpg (SQLAlchemy) and the procrastinate queue's schema with psycopg (bot.queue), the two ways linkbrief
connects, so a form that only one of them understood would fail here. A wrong value exits 2 with one line that
names the setting, like every other invalid setting.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from clirun import clean_env, run_cli
from sqlalchemy.engine import make_url

from bot.settings import Settings, async_database_url
from bot.store.db import Database, database_label, migrations_dir, newest_revision


def _with_scheme(url: str, scheme: str) -> str:
    return scheme + url.partition("://")[2]


@pytest.mark.parametrize("scheme", ["sqlite:///", "sqlite+aiosqlite:///"])
async def test_each_sqlite_form_is_run_on_aiosqlite(tmp_path: Path, scheme: str) -> None:
    path = tmp_path / "store.db"
    url = f"{scheme}{path}"
    assert Settings(DATABASE_URL=url).database_url == f"sqlite+aiosqlite:///{path}"
    result = await run_cli("migrate", env=clean_env(tmp_path, DATABASE_URL=url), cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert f"database is up to date (sqlite+aiosqlite:///{path})" in result.stdout
    assert path.is_file()
    summarised = await run_cli("search", "anything", env=clean_env(tmp_path, DATABASE_URL=url), cwd=tmp_path)
    assert summarised.code == 0, summarised.stderr


@pytest.mark.postgresql
@pytest.mark.parametrize("scheme", ["postgresql://", "postgres://", "postgresql+asyncpg://"])
async def test_each_postgresql_form_opens_the_store_and_the_queue(pg_url: str, tmp_path: Path, scheme: str) -> None:
    url = _with_scheme(pg_url, scheme)
    assert Settings(DATABASE_URL=url).database_url == _with_scheme(pg_url, "postgresql+asyncpg://")
    result = await run_cli("migrate", env=clean_env(tmp_path, DATABASE_URL=url), cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert "queue schema installed" in result.stdout  # psycopg (procrastinate) reached it too
    database = Database(url)  # the form as pasted, in-process
    try:
        async with database.engine.connect() as connection:
            tables = await connection.scalar(sa.text("SELECT count(*) FROM procrastinate_jobs"))
            assert tables == 0
        assert await database.at_head()
    finally:
        await database.dispose()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://nobody@127.0.0.1/x", "'mysql' is not supported"),
        ("oracle+cx_oracle://x@y/z", "'oracle' is not supported"),
        ("not a url", "not a database URL"),
    ],
)
async def test_other_databases_exit_2_naming_the_setting(tmp_path: Path, url: str, reason: str) -> None:
    result = await run_cli("migrate", env=clean_env(tmp_path, DATABASE_URL=url), cwd=tmp_path)
    assert result.code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("linkbrief: invalid setting DATABASE_URL: ")
    assert reason in line
    with pytest.raises(ValueError, match="not"):
        async_database_url(url)


async def test_a_sqlite_file_in_a_missing_directory_is_refused_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "deeper"
    env = clean_env(tmp_path, DATABASE_URL=f"sqlite:///{missing / 'linkbrief.db'}")
    for command in (["migrate"], ["search", "x"], ["summarize", "https://example.com/"]):
        result = await run_cli(*command, env=env, cwd=tmp_path)
        assert result.code == 2
        assert result.stderr.strip() == (
            f"linkbrief: invalid setting DATABASE_URL: the directory of the SQLite file does not exist: {missing} "
            "(create it first)"
        )
    assert not (tmp_path / "typo").exists()


async def test_the_database_refuses_a_missing_directory_itself(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}")
    try:
        with pytest.raises(FileNotFoundError, match="does not exist"):
            await database.migrate()
    finally:
        await database.dispose()
    assert not (tmp_path / "nowhere").exists()


async def test_the_default_data_directory_is_created(tmp_path: Path) -> None:
    result = await run_cli("migrate", env=clean_env(tmp_path), cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert (tmp_path / "xdg-data" / "linkbrief" / "linkbrief.db").is_file()


@pytest.mark.parametrize("level", ["verbose", "TRACE", "5", ""])
async def test_an_invalid_log_level_exits_2(tmp_path: Path, level: str) -> None:
    result = await run_cli("migrate", env=clean_env(tmp_path, LINKBRIEF_LOG_LEVEL=level), cwd=tmp_path)
    assert result.code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("linkbrief: invalid setting LINKBRIEF_LOG_LEVEL: ")
    assert "DEBUG" in line  # says what would do


async def test_a_log_level_in_any_case_is_accepted(tmp_path: Path) -> None:
    assert Settings(log_level=" debug ").log_level == "DEBUG"
    result = await run_cli("migrate", env=clean_env(tmp_path, LINKBRIEF_LOG_LEVEL="warning"), cwd=tmp_path)
    assert result.code == 0, result.stderr


def test_the_database_label_carries_no_credentials() -> None:
    label = database_label("postgresql+asyncpg://linkbrief:s3cret%40x@db.internal:5432/linkbrief")
    assert label == "postgresql+asyncpg://db.internal:5432/linkbrief"
    assert database_label("sqlite+aiosqlite:////data/linkbrief.db") == "sqlite+aiosqlite:////data/linkbrief.db"


def test_async_database_url_keeps_the_rest_of_the_url() -> None:
    url = async_database_url("postgres://user:p%40ss@host:6543/db?application_name=lb")
    parsed = make_url(url)
    assert (parsed.drivername, parsed.username, parsed.password, parsed.host, parsed.port, parsed.database) == (
        "postgresql+asyncpg",
        "user",
        "p@ss",
        "host",
        6543,
        "db",
    )
    assert parsed.query == {"application_name": "lb"}


# ------------------------------------------------------------------------ migrations recognised at head


def test_migration_ids_are_their_file_names_in_order() -> None:
    """`Database.at_head` relies on this rule to skip loading Alembic when the schema is current."""
    scripts = sorted((migrations_dir() / "versions").glob("[0-9]*.py"))
    assert scripts
    previous = None
    for script in scripts:
        source = script.read_text(encoding="utf-8")
        assert f'revision: str = "{script.stem}"' in source, script.name
        down = f'"{previous}"' if previous is not None else "None"
        assert f"down_revision: str | None = {down}" in source, script.name
        previous = script.stem
    assert newest_revision() == scripts[-1].stem


async def test_an_empty_database_is_migrated_and_then_recognised_at_head(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        assert not await database.at_head()  # no schema at all
        await database.migrate()
        assert await database.at_head()
        async with database.engine.begin() as connection:
            await connection.execute(sa.text("UPDATE alembic_version SET version_num = '0001_initial'"))
        assert not await database.at_head()  # an older schema is not taken for current
    finally:
        await database.dispose()


async def test_a_new_sqlite_file_gets_large_pages_and_an_existing_one_keeps_its_own(tmp_path: Path) -> None:
    """Article rows are several KB: a new file is made with 16 KB pages so rows share pages instead of leaving
    most of a 4 KB page empty. A file an older linkbrief made keeps its 4 KB pages (changing them needs a
    VACUUM) and is migrated and used as before."""
    import sqlite3

    new = tmp_path / "new.db"
    result = await run_cli("migrate", env=clean_env(tmp_path, DATABASE_URL=f"sqlite:///{new}"), cwd=tmp_path)
    assert result.code == 0, result.stderr
    with sqlite3.connect(new) as connection:
        assert connection.execute("PRAGMA page_size").fetchone() == (16_384,)

    old = tmp_path / "old.db"
    with sqlite3.connect(old) as connection:
        connection.execute("PRAGMA page_size=4096")
        connection.execute("CREATE TABLE made_before (id INTEGER PRIMARY KEY)")
    env = clean_env(tmp_path, DATABASE_URL=f"sqlite:///{old}")
    result = await run_cli("migrate", env=env, cwd=tmp_path)
    assert result.code == 0, result.stderr
    searched = await run_cli("search", "anything", env=env, cwd=tmp_path)
    assert searched.code == 0, searched.stderr
    with sqlite3.connect(old) as connection:
        assert connection.execute("PRAGMA page_size").fetchone() == (4096,)
        assert connection.execute("SELECT count(*) FROM articles").fetchone() == (0,)
