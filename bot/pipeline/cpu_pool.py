"""The process pool that runs all of the pipeline's CPU work, off the event loop, under a hard time limit.

Extraction, the content fingerprint and the offline summary of a new page run in one task in one worker
(`bot.pipeline.worker.read_page`): one trip through the pool per new page, so a page's text is pickled once
each way and no short step queues behind other pages' extractions. The event loop that answers Slack only
schedules and awaits. trafilatura can spend seconds (or forever) on a pathological page and holds the GIL while
it does; a task that runs over its limit is killed with its worker, pebble starts a fresh worker and the pool
goes on.

Workers come from a "forkserver", not "fork": the parent runs an event loop and threads, and forking a threaded
process can deadlock the child on a lock some other thread held. The forkserver imports the worker's stack and
loads the language model once (`bot.pipeline.preload`), so each new worker is a cheap fork of a clean,
single-threaded, already warmed-up process. The forkserver also imports what the parent's main module imports
(`_preload_modules`): multiprocessing makes every worker it starts run the main module again, and without that
each new worker would import the CLI (or a benchmark's helpers) on its own.

Nothing is started until the first task: an idle bot holds no worker, no forkserver and no second copy of the
extraction stack. The first task starts them from a thread (the forkserver's preload takes about 2 s, which
must not hold the event loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import Future
from types import ModuleType, TracebackType
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from bot.errors import ExtractionFailed, PipelineError

logger = logging.getLogger(__name__)

WORKER_MAX_TASKS = 2000
"""Tasks a worker runs before it is replaced by a fresh fork of the forkserver.

Measured (`python -m benchmarks.worker_memory`: one worker reading the 1,171 pages of both extraction corpora
over and over under new URLs): the worker's own memory (USS, what replacing it gives back) grows from 82 MiB
after its first page to about 135 MiB after 200 pages and 175 MiB after 1,000, while its caches fill (the
summariser's memo of up to 200,000 stems, lxml's and trafilatura's), and then stays at 190 MiB from about page
1,800 on. That is bounded growth, not a leak, so memory alone would not need recycling at all; the limit stays
as a guard against slow growth in the C libraries over months. Recycling is not free: a fresh worker pays more
CPU per page until its caches are warm again (the corpus's pages read a second time in one process cost about
55 ms of CPU against 65 the first time, mostly the stems). The old limit, 200, threw that away every 200
pages, before the worker had even reached its plateau; at 2,000 a worker is replaced well after it has."""

_PRELOAD_MODULE = "bot.pipeline.preload"

T = TypeVar("T")


def _preload_modules() -> list[str]:
    """What the forkserver imports once before forking workers: what the parent's main module imports, and the
    worker's stack.

    Each worker multiprocessing starts runs the parent's main module again (as `__mp_main__`), in case a task
    names a function defined there. What makes that re-run cost is the main module's imports (the `linkbrief`
    script imports the CLI; `python -m benchmarks.x` imports the benchmark's helpers): imported once in the
    forkserver, they are already in every worker's `sys.modules`, and the re-run of the main module's own few
    lines takes microseconds. `"__main__"` itself is in the list for the Pythons whose forkserver is told the
    script's path and runs it once (3.11's looks the path up under a key that is never set, and skips it).
    `python -m bot` runs `bot/__main__.py`, which workers never run again.
    """
    main = sys.modules.get("__main__")
    # Not the main module itself by its name (`python -m package.module`): runpy warns when a worker runs again
    # a module that is already imported.
    modules: list[str] = ["__main__"]
    for value in vars(main).values() if main is not None else ():
        if isinstance(value, ModuleType):
            modules.append(value.__name__)
        elif (source := getattr(value, "__module__", None)) and isinstance(source, str):
            modules.append(source)
    wanted = [name for name in dict.fromkeys(modules) if name not in ("__mp_main__", "builtins")]
    return [*wanted, _PRELOAD_MODULE]


class CpuPool:
    """A pebble process pool for the pipeline's CPU work, each task under a hard time limit, started lazily.

    Use as `async with CpuPool() as pool: result = await pool.run(function, *args)`; functions must be
    importable by name (module-level), because workers receive them pickled.
    """

    def __init__(
        self,
        *,
        workers: int = 2,
        timeout: float = 10.0,
        start_method: str = "forkserver",
        max_tasks: int = WORKER_MAX_TASKS,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.workers = workers
        self.timeout = timeout
        self._context = multiprocessing.get_context(start_method)
        self._start_method = start_method
        self._max_tasks = max_tasks
        self._pool: ProcessPool | None = None
        self._starting: asyncio.Lock | None = None
        self._closed = False
        self.tasks = 0
        """Tasks scheduled so far: what the pipeline's one-trip-per-page promise is checked against."""

    @property
    def started(self) -> bool:
        """Whether the workers exist (they are started by the first task)."""
        return self._pool is not None

    async def __aenter__(self) -> CpuPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the workers (a running task is abandoned) and wait for them to exit."""
        if self._closed:
            return
        self._closed = True
        if self._pool is not None:
            self._pool.stop()
            await asyncio.to_thread(self._pool.join)

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` in a worker. Failures propagate as they are (`TimeoutError`, `ProcessExpired`, or
        the function's own exception) for the caller to handle; see `run_page_task` for the pipeline's."""
        future = await self._schedule(function, args)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.cancel()  # stop the worker too, not just our wait for it
            raise

    async def run_page_task(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` for one page: the pipeline's own errors pass through, anything else (time limit,
        a crashed worker, a library bug) becomes `ExtractionFailed` with a message for the user."""
        if self._closed:
            raise RuntimeError("CpuPool is closed")  # our misuse, not the page's fault
        try:
            return await self.run(function, *args)
        except PipelineError:
            raise
        except TimeoutError as error:
            raise ExtractionFailed(
                f"Reading the page took longer than {self.timeout:g} seconds, so linkbrief gave up."
            ) from error
        except ProcessExpired as error:
            logger.warning("worker died", extra={"exitcode": error.exitcode})
            raise ExtractionFailed("The page crashed linkbrief's reader.") from error
        except Exception as error:
            logger.warning("worker raised", exc_info=True)
            raise ExtractionFailed("linkbrief could not read this page's content.") from error

    async def _schedule(self, function: Callable[..., Any], args: tuple[object, ...]) -> Future[Any]:
        if self._closed:
            raise RuntimeError("CpuPool is closed")
        self.tasks += 1
        if self._pool is not None:
            return self._pool.schedule(function, args=args, timeout=self.timeout)
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._pool is None:
                pool = self._new_pool()
                # pebble starts its workers inside the first `schedule`, which waits for the forkserver's
                # preload: done in a thread so the event loop keeps answering meanwhile.
                starting = asyncio.ensure_future(
                    asyncio.to_thread(pool.schedule, function, args=args, timeout=self.timeout)
                )
                try:
                    future = await asyncio.shield(starting)
                except asyncio.CancelledError:
                    # The workers start in the thread anyway: wait for them (seconds at most) and keep the
                    # pool, so that `close` stops them instead of leaving them behind; drop the task.
                    with contextlib.suppress(Exception):
                        (await starting).cancel()
                    self._pool = pool
                    raise
                self._pool = pool
                if self._closed:  # closed while the workers were starting: `close` did not see them
                    pool.stop()
                    await asyncio.to_thread(pool.join)
                return future
        return self._pool.schedule(function, args=args, timeout=self.timeout)

    def _new_pool(self) -> ProcessPool:
        if self._start_method == "forkserver":
            # Only takes effect if this process's forkserver is not running yet; harmless otherwise.
            self._context.set_forkserver_preload(_preload_modules())
        return ProcessPool(
            max_workers=self.workers,
            max_tasks=self._max_tasks,
            context=self._context,
            initializer=_warm_up if self._start_method != "forkserver" else None,
        )


def _warm_up() -> None:
    """Worker initializer for start methods without a preloading server (spawn)."""
    from bot.pipeline import preload  # noqa: F401  (importing it loads everything)
