"""Work a process repeats on a timer while it runs: the embedded queue's digests, the follow-up sweep, SQLite's
planner statistics.

Each is the same loop: do the work now, then again every `interval` seconds; a round that fails is logged as
one warning (the database away, the file busy: our own resources, not a stranger's input, so no traceback) and
the next round tries again, since a timer that died on its first error would stop the work for good without a
sign. With the procrastinate queue, procrastinate's periodic tasks do this across processes instead.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from bot.logs import get_logger

__all__ = ["Periodic"]

log = get_logger(__name__)


class Periodic:
    """`work` now and every `interval` seconds on this event loop, from `start` until `aclose`."""

    def __init__(self, work: Callable[[], Awaitable[object]], interval: float, *, name: str) -> None:
        self._work = work
        self._interval = interval
        self._name = name
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        """Begin the rounds (the first one at once); starting twice changes nothing."""
        if self._task is None:
            self._task = asyncio.create_task(self._forever(), name=self._name)

    async def aclose(self) -> None:
        """Stop the rounds; one under way is cancelled."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _forever(self) -> None:
        while True:
            try:
                await self._work()
            except Exception as error:
                log.warning(f"{self._name.replace('-', '_')}_failed", error=type(error).__name__)
            await asyncio.sleep(self._interval)
