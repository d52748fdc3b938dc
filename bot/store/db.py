"""The database handle: engine, sessions, migrations and a health check, for SQLite and PostgreSQL alike.

SQLite needs care to behave under asyncio concurrency. Every connection gets WAL (readers never block the
writer), foreign keys on, `synchronous=NORMAL` (durable across application crashes, cheap commits) and a
busy timeout. WAL alone is not enough: SQLite transactions are *deferred* by default, so a transaction that
reads and then writes (every "look up, then insert" in the repository) takes the write lock only at its first
write, and if another connection committed in between SQLite cannot wait: it fails at once with "database is
locked" (SQLITE_BUSY_SNAPSHOT), whatever the busy timeout. So sessions start their transactions with
`BEGIN IMMEDIATE`: the write lock is taken up front, a second writer waits (up to `busy_timeout`) at BEGIN
instead of failing half-way, and this also holds across processes (a CLI run next to `serve`). The price is
that writers are serialised, which SQLite does anyway. Read-only work can ask for `session(read_only=True)`:
a plain deferred BEGIN that reads a WAL snapshot and never waits for writers.

Rule for callers on SQLite: keep a write session short, and never await network I/O while holding one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

import bot
from bot.settings import async_database_url, default_data_dir, sqlite_file
from bot.store.stored_text import register_sqlite_function

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 5000
# Page size of a new SQLite file. An article's row is 3-10 KB (its text): in SQLite's default 4 KB pages one
# such row fills most of a page and the rest stays empty, or spills into overflow pages; 16 KB pages hold
# several rows each (articles table 4.0 -> 3.3 KB per article of 2.7 KB text, benchmarks.store at 100,000).
SQLITE_PAGE_SIZE = 16_384
_READ_ONLY_OPTION = "linkbrief_read_only"


def migrations_dir() -> Path:
    """Where the Alembic scripts are: inside the package in a wheel, next to it in a source checkout."""
    package_dir = Path(bot.__file__).resolve().parent
    for candidate in (package_dir / "migrations", package_dir.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError(f"Alembic migrations not found next to {package_dir}")


def database_label(url: str) -> str:
    """The database URL without user name and password, for logs and messages."""
    try:
        parsed = make_url(url)
        bare = URL.create(parsed.drivername, host=parsed.host, port=parsed.port, database=parsed.database)
        return bare.render_as_string()
    except Exception:
        return "configured database"


def newest_revision() -> str:
    """The id of the newest migration script: its file name, by the scripts' naming rule (`0004_delivery.py`
    is revision `0004_delivery`, down from the one before it by name)."""
    return max(path.stem for path in (migrations_dir() / "versions").glob("[0-9]*.py"))


_STORED_REVISION = text("SELECT version_num FROM alembic_version")
_ADVISORY_LOCK = text("SELECT pg_advisory_lock(:namespace, :key)")
_ADVISORY_UNLOCK = text("SELECT pg_advisory_unlock(:namespace, :key)")


def _is_newest(stored: Sequence[str]) -> bool:
    return list(stored) == [newest_revision()]


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    """An Alembic Config built in code (no alembic.ini): script location and URL set here.

    When `connection` is given, migrations/env.py runs on it (inside the caller's transaction) instead of
    opening its own engine; that is how `Database.migrate` drives Alembic from async code.
    """
    from alembic.config import Config  # Alembic only when migrating: not on the CLI's path to an answer

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser interpolates "%", which URL-encoded passwords contain.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class MissingDirectory(FileNotFoundError):
    """The SQLite file's directory does not exist (and is not the default data directory, which is created)."""


def _create_sqlite_directory(url: str) -> None:
    """SQLite creates the file but not its directory. The default data directory is created on first use (the
    zero-set-up store); any other missing directory is a mistake in DATABASE_URL, told rather than created
    (a typo would otherwise grow a new, empty database somewhere)."""
    path = sqlite_file(url)
    if path is None or path.parent.is_dir():
        return
    if path.parent != default_data_dir():
        raise MissingDirectory(f"the directory of the SQLite file does not exist: {path.parent}")
    path.parent.mkdir(parents=True, exist_ok=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 driver (it would emit a deferred BEGIN itself, and only
    # before DML); SQLAlchemy's "begin" hook below emits the BEGIN we want.
    dbapi_connection.isolation_level = None
    # The SQL reader of compressed article texts (the FTS5 source view): see bot.store.stored_text.
    register_sqlite_function(dbapi_connection)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        # Only a new, empty file takes it (before WAL is on); an existing database keeps its page size.
        cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(_READ_ONLY_OPTION, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def read_sqlite_at_newest(url: str, read: Callable[[Connection], T]) -> T | None:
    """`read` run on the SQLite file of `url` in one read-only transaction, when its schema is at the newest
    revision; None when `url` is not SQLite, its file does not exist yet or its schema is older (or missing):
    then `Database` has to open and migrate it first.

    The synchronous driver (sqlite3, which aiosqlite runs in a thread anyway) with `Database`'s connection
    set-up: a short read, such as `linkbrief summarize` of a stored URL, then needs neither SQLAlchemy's asyncio
    layer nor the ORM under it, which cost a tenth of a second to import. Blocking: call it in a thread.
    """
    path = sqlite_file(url)
    if path is None or not path.is_file():  # connecting would create the file: opening it is `Database`'s job
        return None
    engine = create_engine(make_url(url).set(drivername="sqlite+pysqlite"), poolclass=NullPool)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    try:
        with engine.execution_options(**{_READ_ONLY_OPTION: True}).connect() as connection:
            try:
                stored = connection.execute(_STORED_REVISION).scalars().all()
            except Exception:  # no schema yet: migrating will tell what is wrong, if anything
                return None
            return read(connection) if _is_newest(stored) else None
    finally:
        engine.dispose()


class Database:
    """One database (SQLite file or PostgreSQL), its async engine and session factory."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        # SQLAlchemy's asyncio layer (and the ORM it imports) only once a database is opened this way.
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        self.url = async_database_url(url)  # any accepted form (`postgres://`, `sqlite:///`) on its async driver
        self.dialect = make_url(self.url).get_backend_name()
        engine_args: dict[str, Any] = {"echo": echo}
        if self.dialect == "postgresql":
            engine_args["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(self.url, **engine_args)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_connect)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(
            self.engine.execution_options(**{_READ_ONLY_OPTION: True}), expire_on_commit=False
        )

    def session(self, *, read_only: bool = False) -> AsyncSession:
        """A new session; the caller owns its transaction (`async with db.session() as s, s.begin(): …`).

        `read_only=True` only changes SQLite's BEGIN (deferred instead of IMMEDIATE, see the module doc); it
        does not stop writes, and on PostgreSQL it makes no difference.
        """
        return (self._read_sessions if read_only else self._sessions)()

    @contextlib.asynccontextmanager
    async def advisory_lock(self, namespace: int, key: int) -> AsyncIterator[None]:
        """Hold PostgreSQL's session advisory lock (namespace, key) for the block, on a connection of its own (so
        a lock held across a Slack post never pins a session's transaction); PostgreSQL releases it with the
        connection if the process dies. A connection that cannot unlock is invalidated, never pooled locked."""
        async with self.engine.connect() as connection:
            await connection.execute(_ADVISORY_LOCK, {"namespace": namespace, "key": key})
            await connection.commit()
            try:
                yield
            finally:
                try:
                    await connection.execute(_ADVISORY_UNLOCK, {"namespace": namespace, "key": key})
                    await connection.commit()
                except Exception:
                    await connection.invalidate()

    async def migrate(self) -> None:
        """Bring the schema up to the newest Alembic revision.

        A database already there is recognised with one query, without loading Alembic and its scripts
        (a third of a second): every command migrates on start, and `linkbrief summarize` of a stored URL
        should answer at once.
        """
        if self.dialect == "sqlite":
            await asyncio.to_thread(_create_sqlite_directory, self.url)
        if await self.at_head():
            return
        from alembic import command

        async with self.engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(self.url, sync), "head"))

    async def at_head(self) -> bool:
        """Whether the schema is at the newest revision: the one stored in `alembic_version` is the newest
        script's (revision ids are the scripts' file names, in order; tests/test_database_url.py checks it)."""
        try:
            async with self.engine.execution_options(**{_READ_ONLY_OPTION: True}).connect() as conn:
                stored = (await conn.execute(_STORED_REVISION)).scalars().all()
        except Exception:  # no schema yet (or no table): Alembic will tell what is wrong, if anything
            return False
        return _is_newest(stored)

    async def ping(self) -> None:
        """Run `SELECT 1`; raises if the database cannot be reached (used by /healthz)."""
        async with self.engine.execution_options(**{_READ_ONLY_OPTION: True}).connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def wait_until_up(self, patience: float) -> None:
        """Return once the database answers; while it is away (refusing connections, starting up), try again
        with backoff for up to `patience` seconds, one warning per try and no traceback, then raise
        `DatabaseUnavailable` with the reason in one line. A process started before its PostgreSQL server (a
        container) waits for it instead of failing; a signal still stops it meanwhile (the wait is cancelled).
        A SQLite file is never "not up yet": what is wrong with one, migrating says."""
        if self.dialect != "postgresql":
            return
        import time

        from bot.logs import get_logger
        from bot.store.outage import DatabaseUnavailable, is_database_outage

        deadline = time.monotonic() + patience
        delay = 0.5
        while True:
            try:
                await self.ping()
                return
            except Exception as exc:
                if not is_database_outage(exc):
                    raise
                reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DatabaseUnavailable(
                        f"the database ({database_label(self.url)}) did not answer for {patience:.0f} s: {reason}"
                    ) from None
                wait = min(delay, left)
                get_logger(__name__).warning(
                    "database_unreachable", database=database_label(self.url), retry_in=round(wait, 1)
                )
                await asyncio.sleep(wait)
                delay = min(delay * 2, 10.0)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
