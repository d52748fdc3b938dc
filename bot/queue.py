"""Which queue hands shares to workers, and the procrastinate one for any number of processes on PostgreSQL.

Two queues, one `Delivery` (bot.slack.worker) behind both:

- **embedded** (`bot.slack.worker.Worker`): tasks in the bot's own process claim shares from the shares table.
  The default on SQLite: no queue server, no setting, one process.
- **procrastinate** (`ProcrastinateQueue`): the default on PostgreSQL. Any number of `linkbrief serve` and
  `linkbrief worker` processes share one database, and the work between them goes through procrastinate's
  job table. `LINKBRIEF_QUEUE=embedded|procrastinate` overrides the choice.

With procrastinate, the job is "answer channel C" (`answer_channel`), with procrastinate's `lock` and
`queueing_lock` both set to the channel: at most one job of a channel runs at a time, in any process, and at
most one waits. The job claims the channel's shares in order (`claim_channel`) until none is left, so a
channel's replies keep their order however many processes there are. Shares are the source of truth; jobs
only say "this channel has work":

- a `serve` process that stored new shares defers the job of their channels (`notify` → the dispatcher);
- a periodic `sweep` (every `LINKBRIEF_QUEUE_SWEEP_INTERVAL` seconds, one process per tick: procrastinate's
  periodic tasks) puts the jobs of dead workers back (`get_stalled_jobs` by heartbeat, then `retry_job`) and
  defers a job for every channel with waiting shares that has none (a process killed between storing shares
  and deferring their job);
- a periodic `digests` task (every `LINKBRIEF_DIGEST_INTERVAL` seconds, one process per tick) posts the channel
  digests that are due (`bot.slack.digests`);
- a periodic `search_lists` task (every ten minutes, one process per tick) builds the top-k lists of search
  words that became common (`bot.store.search_lists`).

A process that dies (SIGKILL, power) stops sending its worker heartbeat (every `LINKBRIEF_QUEUE_STALLED_AFTER`
/ 3 seconds). Its jobs are taken for stalled once its last heartbeat is `LINKBRIEF_QUEUE_STALLED_AFTER`
seconds old, put back at the next sweep, and fetched by another process at once (LISTEN/NOTIFY): the work of
a dead process is picked up within STALLED_AFTER + SWEEP_INTERVAL + POLL_INTERVAL seconds (30 + 10 + 2 by
default). The new job takes the dead one's `working` shares over, looking each up in its thread before
posting (bot.slack.worker). Nothing is requeued on start: a second process never touches the first one's work.

`bot.store.queue_schema.apply_queue_schema` (run by `linkbrief migrate` and on start) installs procrastinate's
schema once, and its migrations after an upgrade of procrastinate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Status
from procrastinate.worker import Worker as _ProcrastinateWorker  # noqa: F401  (its logger, for the filter below)

from bot.logs import get_logger
from bot.settings import Settings
from bot.slack.digests import Digests
from bot.slack.worker import Delivery, give_back
from bot.store import shares as share_store
from bot.store.db import Database
from bot.store.outage import is_database_outage
from bot.store.queue_schema import libpq_url
from bot.store.search_lists import refresh_search_lists

log = get_logger(__name__)

ANSWER_TASK = "linkbrief.answer_channel"
SWEEP_TASK = "linkbrief.sweep"
DIGEST_TASK = "linkbrief.digests"
SEARCH_LISTS_TASK = "linkbrief.search_lists"
# The top-k lists of search words that became common (bot.store.search_lists): at minute 7 of every ten, so
# that a word needs at most ten minutes (and an autovacuum ANALYZE) from common to listed.
SEARCH_LISTS_CRON = "7-59/10 * * * *"
DISPATCH_GATHER = 0.05  # seconds the dispatcher waits after a notification for more of them
WORKER_RESTART_DELAY = 2.0  # seconds before a procrastinate worker that stopped (database away) starts again

# procrastinate logs every job start and end at INFO: one line per link is noise next to our own log.
logging.getLogger("procrastinate").setLevel(logging.WARNING)


class _OutageInOneLine(logging.Filter):
    """procrastinate logs a database that went away with its traceback (its worker and its periodic deferrer,
    each time): an outage is expected infrastructure weather, waited out and logged by us too, so the operator
    gets procrastinate's message and the exception's name, in one line. `LINKBRIEF_LOG_LEVEL=DEBUG` keeps them."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and is_database_outage(error) and not logging.getLogger().isEnabledFor(logging.DEBUG):
            record.msg = f"{record.getMessage()} ({type(error).__name__})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def _procrastinate_outages_in_one_line() -> None:
    """Put the filter on every procrastinate logger (a logger's filters see only its own records, not its
    children's, and procrastinate logs from one logger per module, all created by the import above)."""
    for name in list(logging.root.manager.loggerDict):
        if name == "procrastinate" or name.startswith("procrastinate."):
            logger = logging.getLogger(name)
            if not any(isinstance(f, _OutageInOneLine) for f in logger.filters):
                logger.addFilter(_OutageInOneLine())


_procrastinate_outages_in_one_line()


def channel_lock(channel_id: str) -> str:
    return f"linkbrief-channel:{channel_id}"


def sweep_cron(interval: int) -> str:
    """The sweep's schedule: every `interval` seconds (1 to 59).

    procrastinate reads a six-field cron the way croniter does, with the seconds as the *last* field; seconds
    written first would mean "every second of every interval-th minute", leaving a dead process's work
    unswept for up to nine minutes of every ten.
    """
    return "* * * * * *" if interval <= 1 else f"* * * * * */{interval}"


# ------------------------------------------------------------------------------------------------ the queue


class ProcrastinateQueue:
    """Shares answered through procrastinate jobs (see the module doc); the same face as the embedded `Worker`:
    `start()`, `notify()`, `stop()`, `running`, `status()`."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        delivery: Delivery,
        *,
        dispatch: bool = True,
        name: str = "linkbrief",
        digests: Digests | None = None,
    ) -> None:
        self.database = database
        self.digests = digests
        self.digest_interval = max(1, min(59, round(settings.digest_interval)))
        self.delivery = delivery
        self.replier = delivery.replier
        self.claim_batch = settings.claim_batch
        self.concurrency = settings.workers
        self.poll_interval = settings.poll_interval
        self.shutdown_grace = settings.shutdown_grace
        self.stalled_after = settings.queue_stalled_after
        self.sweep_interval = max(1, min(59, round(settings.queue_sweep_interval)))
        self.dispatch = dispatch
        self.name = name
        self.app = App(
            connector=PsycopgConnector(
                conninfo=libpq_url(settings.database_url),
                min_size=1,
                max_size=settings.workers + 4,
                # procrastinate checks pooled connections before handing them out; a database that stays away
                # for up to an hour is waited for (the pool keeps trying) rather than given up on.
                reconnect_timeout=3600.0,
            )
        )
        self._register()
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._deferred: dict[str, int] = {}  # channel → highest share id a job was deferred for
        self._opened = False

    def _register(self) -> None:
        # No procrastinate retry: a retried job would keep the channel's queueing lock and collide with the job
        # deferred for the channel meanwhile. Retries are the shares' own (backoff in the shares table; shares
        # given back after a crash), and the sweep defers a new job for any channel that still has work.
        @self.app.task(name=ANSWER_TASK)
        async def answer_channel(channel_id: str) -> None:
            await self._answer_channel(channel_id)

        @self.app.periodic(cron=sweep_cron(self.sweep_interval))
        @self.app.task(name=SWEEP_TASK, queueing_lock=SWEEP_TASK)
        async def sweep(timestamp: int) -> None:
            await self.sweep()

        # Channel digests: one process per tick looks for the digests that are due (bot.slack.digests); the
        # store's unique (channel, period end) claim makes one digest per period even if two ticks overlap.
        @self.app.periodic(cron=sweep_cron(self.digest_interval))
        @self.app.task(name=DIGEST_TASK, queueing_lock=DIGEST_TASK)
        async def digests(timestamp: int) -> None:
            if self.digests is not None:
                await self.digests.tick()

        # One process per tick; two builds of the same word cannot both commit (the list's primary key).
        @self.app.periodic(cron=SEARCH_LISTS_CRON)
        @self.app.task(name=SEARCH_LISTS_TASK, queueing_lock=SEARCH_LISTS_TASK)
        async def search_lists(timestamp: int) -> None:
            await refresh_search_lists(self.database)

    # ------------------------------------------------------------------------------------------ lifecycle

    async def start(self) -> int:
        await self.app.open_async()
        self._opened = True
        self._stopping = self.delivery.stopping = False
        self._tasks = [asyncio.create_task(self._run_worker(), name="procrastinate-worker")]
        if self.dispatch:
            self._tasks.append(asyncio.create_task(self._dispatcher(), name="queue-dispatcher"))
        self._wake.set()  # shares stored before this start (or while no process ran) get their jobs now
        return 0

    def notify(self) -> None:
        """New shares were stored: defer their channels' jobs (in the background, after the ack)."""
        self._wake.set()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop fetching jobs; running ones get `grace` seconds, then are cancelled and their shares put back."""
        self._stopping = self.delivery.stopping = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self.delivery.release_in_flight()
        if self._opened:
            with contextlib.suppress(Exception):
                await self.app.close_async()
            self._opened = False
        await self.replier.drain()

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not self._stopping and not self._tasks[0].done()

    def status(self) -> dict[str, object]:
        stats = self.delivery.stats
        return {
            "queue": "procrastinate",
            "running": self.running,
            "workers": self.concurrency if self.running else 0,
            "in_flight": len(self.delivery.in_flight),
            "answered": stats.answered,
            "failed": stats.failed,
            "last_error": stats.last_error,
        }

    # ------------------------------------------------------------------------------------------ the jobs

    async def _answer_channel(self, channel_id: str) -> None:
        """The job: answer the channel's waiting shares, batch after batch, until none is left."""
        while not self._stopping:
            async with self.database.session() as session, session.begin():
                claim = await share_store.claim_channel(session, channel_id, limit=self.claim_batch)
            if claim.not_before is not None:
                await self.defer(channel_id, at=claim.not_before)  # the channel waits out a Slack outage
                return
            if not claim.shares:
                return
            try:
                if not await self.delivery.deliver(claim.shares):
                    return  # the database went away: the shares were given back; the sweep defers again
            except Exception as exc:
                if is_database_outage(exc) or isinstance(exc, asyncio.CancelledError):
                    raise
                await give_back(self.database, [s for s in claim.shares if s.id in self.delivery.in_flight])
                for share in claim.shares:
                    self.delivery.in_flight.pop(share.id, None)
                raise

    async def defer(self, channel_id: str, *, at: datetime | None = None) -> bool:
        """Queue the job of a channel (now, or at `at`); False when one is already waiting."""
        lock = channel_lock(channel_id)
        try:
            await self.app.configure_task(ANSWER_TASK, lock=lock, queueing_lock=lock, schedule_at=at).defer_async(
                channel_id=channel_id
            )
        except AlreadyEnqueued:
            return False
        return True

    async def sweep(self) -> None:
        """Put dead workers' jobs back, and give every channel with waiting shares a job."""
        manager = self.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=self.stalled_after):
            log.warning("queue_job_stalled", job=job.id, channel=(job.task_kwargs or {}).get("channel_id"))
            try:
                await manager.retry_job(job)
            except UniqueViolation:
                # Another job of the channel is already waiting (its queueing lock): it takes the dead job's
                # shares over, so the dead job is only ended, which frees the channel's lock for it.
                assert job.id is not None
                await manager.finish_job_by_id_async(job_id=job.id, status=Status.FAILED, delete_job=True)
        async with self.database.session(read_only=True) as session:
            channels = await share_store.channels_with_work(session)
        for channel_id in channels:
            await self.defer(channel_id)

    # ------------------------------------------------------------------------------------------ background

    async def _dispatcher(self) -> None:
        """Defer the jobs of channels that got new shares since the last look (woken by `notify`)."""
        while True:
            await self._wake.wait()
            # Gather a burst's notifications into one look: the events of a burst are acknowledged first.
            await asyncio.sleep(DISPATCH_GATHER)
            self._wake.clear()
            try:
                async with self.database.session(read_only=True) as session:
                    channels = await share_store.channels_with_work(session)
                for channel_id, top in channels.items():
                    if top > self._deferred.get(channel_id, 0):
                        await self.defer(channel_id)
                        self._deferred[channel_id] = top
                for gone in set(self._deferred) - set(channels):
                    del self._deferred[gone]
            except Exception as exc:
                # The periodic sweep catches up with what was missed here.
                log.warning("queue_dispatch_failed", error=type(exc).__name__)
                await asyncio.sleep(self.poll_interval)

    async def _run_worker(self) -> None:
        """procrastinate's worker, started again whenever it stops (it stops when the database goes away)."""
        while not self._stopping:
            try:
                await self.app.run_worker_async(
                    name=self.name,
                    concurrency=self.concurrency,
                    install_signal_handlers=False,
                    fetch_job_polling_interval=self.poll_interval,
                    abort_job_polling_interval=max(self.poll_interval, 5.0),
                    update_heartbeat_interval=max(1.0, self.stalled_after / 3),
                    stalled_worker_timeout=self.stalled_after,
                    # On stop, running jobs get the grace period, then are cancelled (their shares put back).
                    shutdown_graceful_timeout=self.shutdown_grace,
                    delete_jobs="successful",
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.delivery.stats.last_error = f"queue worker stopped: {type(exc).__name__}"
                log.warning("queue_worker_stopped", error=f"{type(exc).__name__}: {exc}"[:300])
            if not self._stopping:
                await asyncio.sleep(WORKER_RESTART_DELAY)
