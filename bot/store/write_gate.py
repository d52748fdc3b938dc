"""Intake's writes first: the process's database handle for `serve`, which puts an event's share rows ahead of
the worker's writes, so Slack's acknowledgement (which waits for them, see `bot.slack.intake`) stays fast.

- SQLite: write transactions (`session()` then `begin()`) queue in memory, in arrival order, intake's first but
  never twice in a row while others wait (`WriteGate`). Without it, writers wait for SQLite's write lock in
  SQLite's busy handler, which sleeps in growing steps up to 100 ms and is not fair: under load an ack could
  wait seconds while the worker's writes kept winning the lock.
- PostgreSQL: intake writes through a small pool of connections of its own, so it never waits for a
  connection the workers hold.

What counts as intake's is marked by the caller: the writes made inside `with urgent_writes():`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections import deque
from collections.abc import Iterator
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker, create_async_engine

from bot.store.db import Database

_URGENT_WRITE: contextvars.ContextVar[bool] = contextvars.ContextVar("linkbrief_urgent_write", default=False)


@contextlib.contextmanager
def urgent_writes() -> Iterator[None]:
    """Write sessions opened in this block (this task and the tasks it starts) are intake's: served first."""
    token = _URGENT_WRITE.set(True)
    try:
        yield
    finally:
        _URGENT_WRITE.reset(token)


class WriteGate:
    """One write transaction at a time in this process, granted in arrival order, urgent ones first.

    An urgent holder is followed by a waiting normal one before the next urgent one, so intake can delay the
    worker by at most one of its transactions at a time, and never starve it.
    """

    def __init__(self, *, timeout: float = 30.0) -> None:
        # Like SQLite's busy timeout: a writer waiting this long fails instead of hanging (a write session
        # opened inside another one would otherwise wait forever).
        self.timeout = timeout
        self._held = False
        self._last_urgent = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._normal: deque[asyncio.Future[None]] = deque()

    async def acquire(self, *, urgent: bool) -> None:
        if not self._held and not self._urgent and not self._normal:
            self._held, self._last_urgent = True, urgent
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._normal).append(granted)
        try:
            async with asyncio.timeout(self.timeout):
                await granted
        except (asyncio.CancelledError, TimeoutError):
            if granted.done() and not granted.cancelled():
                self.release()  # granted just as we gave up: pass it on
            raise

    def release(self) -> None:
        order = (self._normal, self._urgent) if self._last_urgent else (self._urgent, self._normal)
        for queue in order:
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    self._last_urgent = queue is self._urgent
                    waiter.set_result(None)
                    return
        self._held = False


class _GatedBegin:
    """`session.begin()` that first takes the process's write gate, and gives it back after commit/rollback."""

    def __init__(self, gate: WriteGate, transaction: AsyncSessionTransaction) -> None:
        self._gate = gate
        self._transaction = transaction

    async def __aenter__(self) -> AsyncSessionTransaction:
        await self._gate.acquire(urgent=_URGENT_WRITE.get())
        try:
            return await self._transaction.__aenter__()
        except BaseException:
            self._gate.release()
            raise

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self._transaction.__aexit__(exc_type, exc, tb)
        finally:
            self._gate.release()


class _GatedSession(AsyncSession):
    def begin(self) -> _GatedBegin:  # type: ignore[override]
        return _GatedBegin(self.info["write_gate"], super().begin())


class IntakeFirstDatabase(Database):
    """A `Database` that puts intake's writes first. On SQLite, write transactions (`session()` then `begin()`)
    queue in-process, intake's ahead of the others. On PostgreSQL, intake writes through its own small pool of
    connections, so an event's acknowledgement never waits for a connection the workers hold. Read-only
    sessions are unchanged. One per process: the bot's."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        super().__init__(url, echo=echo)
        self.write_gate = WriteGate()
        self._gated_sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, class_=_GatedSession, info={"write_gate": self.write_gate}
        )
        self._intake_engine = (
            create_async_engine(self.url, pool_size=2, max_overflow=4, pool_pre_ping=True)
            if self.dialect == "postgresql"
            else None
        )
        self._intake_sessions = (
            async_sessionmaker(self._intake_engine, expire_on_commit=False) if self._intake_engine else None
        )

    def session(self, *, read_only: bool = False) -> AsyncSession:
        if read_only:
            return super().session(read_only=True)
        if self._intake_sessions is not None:
            return self._intake_sessions() if _URGENT_WRITE.get() else super().session()
        return self._gated_sessions()

    async def dispose(self) -> None:
        if self._intake_engine is not None:
            await self._intake_engine.dispose()
        await super().dispose()
