"""The worker: answers claimed shares, one reply per share, exactly once, whatever fails on the way.

Two parts. `Delivery` answers a batch of claimed shares of one channel: their pages are read concurrently and
the replies posted in link order, through the channel's pacer. Who claims the batches is the queue's business:
`Worker` here is the embedded queue (a pool of asyncio tasks in the bot's process, claiming per channel from
the shares table; SQLite, one process), `bot.queue` the procrastinate one (any number of processes on one
PostgreSQL). Both hand their batches to the same `Delivery`.

Exactly one reply per share:

- every reply carries Slack message `metadata` naming its share (`ReplyMark`), and is posted once per
  attempt on a client that never repeats a post by itself;
- a share whose earlier attempt may have reached Slack (`maybe_posted`: it was being worked on when its
  process died, or its post timed out, lost its connection or got a 5xx) is looked for in its thread first
  (`conversations.replies` with `include_all_metadata`), and marked done without posting when it is there;
- the share is marked done right after the post, in its own short transaction; a claim raises the share's
  `attempts`, and the marks apply only while the claim that made them holds, so a worker that lost its
  shares to another (it was taken for dead) cannot overwrite what the other did.

Waiting out failures that are not the link's fault:

- Slack: a post that fails transiently (5xx, connection errors, timeouts, 429 beyond the client's retries)
  puts the share, and the rest of its batch, back to pending with `retry_at` (backoff growing with the
  length of the outage, between `LINKBRIEF_SLACK_RETRY_MIN` and `_MAX` seconds), and the channel waits as a
  whole so its replies keep their order. After `LINKBRIEF_SLACK_RETRY_FOR` seconds of failures the share is
  given up: logged once (`share_given_up`) and counted (`linkbrief_shares_given_up_total`).
- The database: an outage while a page is read (`bot.store.outage`) gives the batch's unanswered shares
  back to pending, with no reply (it is our infrastructure, not the link); a write that must not be lost
  (a reply was posted) is retried until the database answers again.

Two shares of the same article at the same instant (in one process or several) are answered one after the
other under a per-article lock (an asyncio lock, plus a PostgreSQL advisory lock on PostgreSQL), so the
second sees the first one's reply and points to it instead of posting the summary again.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.logs import get_logger
from bot.pipeline.runner import ArticleOutcome, ArticlePipeline, StoredArticle
from bot.slack.render import (
    ArticleView,
    EarlierShare,
    SlackMessage,
    has_more_questions,
    render_duplicate,
    render_error,
    render_summary,
)
from bot.slack.replies import PostFailed, Replier, ReplyMark
from bot.slack.teams import set_team
from bot.store import offers
from bot.store import shares as share_store
from bot.store.db import Database
from bot.store.models import Share, utcnow
from bot.store.outage import DatabaseUnavailable, is_database_outage
from bot.store.shares import ShareRow
from bot.summarize.base import Summary

log = get_logger(__name__)

T = TypeVar("T")

MAX_ATTEMPTS = 3  # claims of one share before a crash in our own code ends it as failed
REPLY_EVENT_TYPE = "linkbrief_share"  # the metadata event type of every share reply
ARTICLE_LOCK_NAMESPACE = 0x6C62  # "lb": first key of the two-key PostgreSQL advisory lock per article
DB_RETRY_FIRST = 0.5  # seconds before a failed write is tried again, doubled up to DB_RETRY_MAX
DB_RETRY_MAX = 5.0


def article_view(article: StoredArticle, summary: Summary | None) -> ArticleView:
    """The renderer's view of a stored article and its summary."""
    return ArticleView(
        url=article.canonical_url,
        title=article.title,
        site_name=article.site_name,
        author=article.author,
        published=article.published,
        word_count=article.word_count,
        summary=summary,
    )


def reply_mark(share: ShareRow) -> ReplyMark:
    """The metadata of a share's reply: the share id, and a piece of the URL digest so that a share id reused
    after a database was replaced cannot match an old reply in the same thread."""
    return ReplyMark(REPLY_EVENT_TYPE, {"share_id": share.id, "url": share.url_digest[:16]})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long and how often a reply Slack cannot take is tried again."""

    retry_for: float = 1800.0  # seconds of failures before a share is given up
    backoff_min: float = 5.0  # seconds before the first retry
    backoff_max: float = 120.0  # longest wait between two attempts

    def delay(self, failing_for: float) -> float:
        """The wait before the next attempt: as long as Slack has been failing so far, within the bounds."""
        return min(self.backoff_max, max(self.backoff_min, failing_for))


@dataclass
class WorkerStats:
    """Counters for /healthz and the benchmarks."""

    claimed: int = 0
    answered: int = 0
    failed: int = 0
    last_error: str | None = None


class Ending(enum.Enum):
    """How one share's turn ended."""

    ANSWERED = "answered"  # done: a summary or a pointer (posted now or found in the thread)
    FAILED = "failed"  # ended without a summary (an error reply, or Slack refused for good)
    POSTPONED = "postponed"  # back to pending until Slack takes replies again
    LOST = "lost"  # another worker holds the share now


@dataclass(frozen=True, slots=True)
class _Reply:
    message: SlackMessage
    ok: bool
    article_id: int | None
    duplicate_of_share_id: int | None
    error_code: str | None
    error_message: str | None
    offer_token: str | None = None


class ArticleLocks:
    """One share of an article at a time between "is there an earlier reply?" and "this one is recorded".

    In-process an asyncio lock per article; on PostgreSQL also a session advisory lock on a connection of its
    own, so that processes sharing the database take turns too (it is released with the connection if the
    process dies). Holding it across the Slack post is the point: the second share must see the first one's
    reply.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._local: dict[int, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def hold(self, article_id: int | None) -> AsyncIterator[None]:
        if article_id is None:
            yield
            return
        lock = self._local.setdefault(article_id, asyncio.Lock())
        try:
            async with lock:
                if self.database.dialect != "postgresql":
                    yield
                    return
                async with self.database.advisory_lock(ARTICLE_LOCK_NAMESPACE, article_id):
                    yield
        finally:
            if not lock.locked() and self._local.get(article_id) is lock:
                del self._local[article_id]


class Delivery:
    """Answers batches of claimed shares (see the module doc); shared by both queues."""

    def __init__(
        self,
        database: Database,
        pipeline: ArticlePipeline,
        replier: Replier,
        *,
        pipeline_concurrency: int = 4,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.database = database
        self.pipeline = pipeline
        self.replier = replier
        self.retry = retry or RetryPolicy()
        self.stats = WorkerStats()
        self.stopping = False
        self.in_flight: dict[int, ShareRow] = {}
        self.locks = ArticleLocks(database)
        self._pipeline_slots = asyncio.Semaphore(pipeline_concurrency)
        self._database_away = False

    # ------------------------------------------------------------------------------------------ one batch

    async def deliver(self, batch: list[ShareRow]) -> bool:
        """Answer a batch of claimed shares of one channel, in order. False when the database went away on
        the way (the unanswered shares were given back as pending): the caller should not claim at once."""
        if not batch:
            return True
        self.stats.claimed += len(batch)
        self.in_flight.update((s.id, s) for s in batch)
        channel = batch[0].channel_id
        set_team(batch[0].team_id)  # a batch is one channel's, so one workspace's: its token posts the replies
        per_message: dict[str, list[ShareRow]] = {}
        for share in batch:
            per_message.setdefault(share.message_ts, []).append(share)
        for message_ts in per_message:
            self.replier.mark_working(channel, message_ts)
        outcomes = {s.id: asyncio.create_task(self._process(s.url)) for s in batch}
        remaining = list(batch)
        ok_messages: dict[str, bool] = {}
        try:
            while remaining:
                share = remaining[0]
                try:
                    ending = await self._answer(share, await outcomes[share.id])
                except Exception as exc:
                    if not is_database_outage(exc):
                        raise
                    self._note_outage(exc)
                    await self._write(lambda session: self._release_all(session, remaining))
                    self._forget(remaining)
                    return False
                remaining.pop(0)
                self.in_flight.pop(share.id, None)
                if ending is Ending.POSTPONED:
                    await self._write(functools.partial(self._postpone_rest, head_id=share.id, rest=remaining))
                    self._forget(remaining)
                    return True
                ok_messages[share.message_ts] = ok_messages.get(share.message_ts, True) and ending is Ending.ANSWERED
                if share is per_message[share.message_ts][-1]:
                    self.replier.mark_finished(channel, share.message_ts, ok=ok_messages[share.message_ts])
            self._database_back()
            return True
        finally:
            # Cancelled (shutdown) or crashed: the unanswered shares stay in `in_flight` for the caller to
            # give back.
            for task in outcomes.values():
                task.cancel()

    async def release_in_flight(self) -> None:
        """On shutdown: put the shares this process was still answering back to pending (one try: if the
        database is away they stay working, and the next claimer of their channel takes them over)."""
        unfinished = list(self.in_flight)
        if not unfinished:
            return
        try:
            async with self.database.session() as session, session.begin():
                released = await share_store.release(session, unfinished)
            log.info("shares_released", count=released)
        except Exception as exc:
            log.warning("release_failed", shares=len(unfinished), error=type(exc).__name__)
        self.in_flight.clear()

    def _forget(self, shares: list[ShareRow]) -> None:
        for share in shares:
            self.in_flight.pop(share.id, None)

    async def _release_all(self, session: AsyncSession, shares: list[ShareRow]) -> None:
        await share_store.release(session, [s.id for s in shares])

    async def _postpone_rest(self, session: AsyncSession, *, head_id: int, rest: list[ShareRow]) -> None:
        """The shares after a postponed one wait as long as it does (their channel waits as a whole)."""
        head = await session.get(Share, head_id)
        retry_at = head.retry_at if head is not None and head.retry_at is not None else utcnow()
        for share in rest:
            await share_store.postpone(
                session, share.id, retry_at=retry_at, failing_since=None, maybe_posted=False, claimed=share.attempts
            )

    async def _process(self, url: str) -> ArticleOutcome:
        """Run the pipeline on one link, at most `pipeline_concurrency` at a time across all workers.

        The pipeline's CPU work (summarising, fingerprinting) runs in threads of this process: more of them at
        once would only compete with the event loop for the GIL and slow down acknowledging Slack's events.
        """
        async with self._pipeline_slots:
            return await self.pipeline.process(url)

    # ------------------------------------------------------------------------------------------ one share

    async def _answer(self, share: ShareRow, outcome: ArticleOutcome) -> Ending:
        """Post the reply of one share (unless it is in the thread already) and record how it ended."""
        article_id = outcome.article.id if outcome.error is None and outcome.article is not None else None
        mark = reply_mark(share)
        async with self.locks.hold(article_id):
            if share.maybe_posted:
                try:
                    found = await self.replier.find_reply(
                        share.channel_id, thread_ts=share.thread_ts, after_ts=share.message_ts, mark=mark
                    )
                except PostFailed as failure:
                    return await self._not_posted(share, failure, article_id)
                if found is not None:
                    log.info("reply_found_in_thread", share=share.id, channel=share.channel_id, ts=found)
                    error = None if article_id is not None else _error_reply(share, outcome)
                    return await self._posted(share, error, found, article_id=article_id)
            reply = await self._reply_for(share, outcome)
            try:
                posted = await self.replier.post_once(
                    share.channel_id, reply.message, thread_ts=share.thread_ts, mark=mark
                )
            except PostFailed as failure:
                token = reply.offer_token
                if token is not None:
                    with contextlib.suppress(DatabaseUnavailable):  # an offer never shown harms nobody
                        await self._write(lambda session: offers.withdraw(session, token), retry=False)
                return await self._not_posted(share, failure, reply.article_id)
            log.info(
                "reply_posted",
                channel=share.channel_id,
                share=share.id,
                article=reply.article_id,
                kind="error" if not reply.ok else "pointer" if reply.duplicate_of_share_id else "summary",
                # From the event's arrival (the share is stored before Slack gets its ack) to the post.
                ms_since_event=round((utcnow() - share.created_at).total_seconds() * 1000),
            )
            return await self._posted(share, reply, posted.ts, article_id=reply.article_id)

    async def _posted(self, share: ShareRow, reply: _Reply | None, reply_ts: str, *, article_id: int | None) -> Ending:
        """Record a reply that is in Slack (just posted, or found in the thread); retried through an outage."""
        ok = reply is None or reply.ok

        async def record(session: AsyncSession) -> bool:
            if ok:
                return await share_store.mark_done(
                    session,
                    share.id,
                    article_id=article_id,
                    reply_ts=reply_ts,
                    duplicate_of_share_id=reply.duplicate_of_share_id if reply else None,
                    claimed=share.attempts,
                )
            assert reply is not None
            return await share_store.mark_failed(
                session,
                share.id,
                code=reply.error_code or "error",
                message=reply.error_message or "",
                article_id=reply.article_id,
                reply_ts=reply_ts,
                claimed=share.attempts,
            )

        if not await self._write(record):
            log.warning("share_taken_over", share=share.id, channel=share.channel_id)
            return Ending.LOST
        if ok:
            self.stats.answered += 1
            return Ending.ANSWERED
        self.stats.failed += 1
        return Ending.FAILED

    async def _not_posted(self, share: ShareRow, failure: PostFailed, article_id: int | None) -> Ending:
        """A reply Slack did not take: end the share (final), wait and try again, or give up after retry_for."""
        code = f"slack_{failure.code}"
        now = utcnow()
        failing_since = share.slack_failing_since or now
        failing_for = (now - failing_since).total_seconds()
        if failure.final or failing_for >= self.retry.retry_for:
            if not failure.final:
                metrics.SHARES_GIVEN_UP.inc()
                log.warning(
                    "share_given_up", share=share.id, channel=share.channel_id, error=failure.code, after=failing_for
                )
            metrics.ERRORS.labels(code).inc()
            message = f"reply not posted: {failure.code}"
            ended = await self._write(
                lambda session: share_store.mark_failed(
                    session, share.id, code=code, message=message, article_id=article_id, claimed=share.attempts
                )
            )
            self.stats.failed += 1
            return Ending.FAILED if ended else Ending.LOST
        retry_at = now + timedelta(seconds=self.retry.delay(failing_for))
        self.stats.last_error = f"slack: {failure.code}"
        log.info("reply_postponed", share=share.id, channel=share.channel_id, error=failure.code, retry_at=retry_at)
        await self._write(
            lambda session: share_store.postpone(
                session,
                share.id,
                retry_at=retry_at,
                failing_since=failing_since,
                maybe_posted=failure.ambiguous,
                claimed=share.attempts,
            )
        )
        return Ending.POSTPONED

    async def _reply_for(self, share: ShareRow, outcome: ArticleOutcome) -> _Reply:
        from bot.slack.commands import shown_url  # the commands module imports this one

        if outcome.error is not None or outcome.article is None:
            return _error_reply(share, outcome)
        article = outcome.article
        # The link as shared here, never the stored canonical URL: that may be the address under which the same
        # text was first shared in a conversation this one cannot see.
        view = replace(article_view(article, outcome.summary), url=shown_url(outcome.final_url or share.url))
        earlier = await self._earlier_share(share, article.id)
        if earlier is not None:
            pointer = await self._pointer(earlier)
            return _Reply(render_duplicate(view, pointer), True, article.id, earlier.id, None, None)
        token: str | None = None
        if has_more_questions(view):  # anyone in the channel who may see the article may open the rest
            token = await self._write(
                lambda session: offers.create_offer(
                    session, article_id=article.id, channel_id=share.channel_id, user_id=None, url=view.url
                ),
                retry=False,  # nothing posted yet: an outage here gives the batch back instead
            )
        return _Reply(render_summary(view, more_qa_value=token), True, article.id, None, None, None, token)

    async def _earlier_share(self, share: ShareRow, article_id: int) -> ShareRow | None:
        """The first answered share of the article that people in this share's channel can open.

        A share in a private channel or a DM is pointed to only from that same conversation: a pointer
        would tell a public channel what was read in a private one (and link to a thread its members cannot
        open), so elsewhere the article is answered with its stored summary as if it were new. Asked for every
        share, not only those the pipeline found to be repeats: of two shares of a new article answered at the
        same instant, the one that takes the article's lock second points to the first.
        """
        async with self.database.session(read_only=True) as session:
            return await share_store.earliest_answered_share(
                session,
                article_id,
                exclude_share_id=share.id,
                where=[share_store.seen_from(share.channel_id), share_store.of_team(share.team_id)],
            )

    async def _pointer(self, earlier: ShareRow) -> EarlierShare:
        link_ts = earlier.reply_ts or earlier.message_ts
        permalink, name = await asyncio.gather(
            self.replier.permalink(earlier.channel_id, link_ts),
            self.replier.user_name(earlier.user_id) if earlier.user_id else _none(),
        )
        return EarlierShare(
            channel_id=earlier.channel_id,
            user_id=earlier.user_id or None,
            shared_at=earlier.created_at,
            permalink=permalink,
            user_name=name,
        )

    # ------------------------------------------------------------------------------------------ the database

    async def _write(self, step: Callable[[AsyncSession], Awaitable[T]], *, retry: bool = True) -> T:
        """Run `step` in a write transaction. While the database is away it is retried with backoff until the
        database answers (what happened in Slack must be recorded, and shares given back, or their channel
        would stall), unless `retry` is False or the worker is stopping: then `DatabaseUnavailable`."""
        delay = DB_RETRY_FIRST
        while True:
            try:
                async with self.database.session() as session, session.begin():
                    result = await step(session)
            except Exception as exc:
                if not is_database_outage(exc):
                    raise
                self._note_outage(exc)
                if not retry or self.stopping:
                    raise DatabaseUnavailable(str(exc)) from exc
                await asyncio.sleep(delay)
                delay = min(delay * 2, DB_RETRY_MAX)
                continue
            self._database_back()
            return result

    def _note_outage(self, exc: BaseException) -> None:
        self.stats.last_error = f"database unavailable: {type(exc).__name__}"
        if not self._database_away:
            self._database_away = True
            log.warning("database_unavailable", error=f"{type(exc).__name__}: {exc}"[:300])

    def _database_back(self) -> None:
        if self._database_away:
            self._database_away = False
            log.info("database_available")


class Worker:
    """The embedded queue: a pool of tasks claiming channels' shares from the shares table (one process).

    `start()`, then `notify()` after new shares are stored; `stop()` to end.
    """

    def __init__(
        self,
        database: Database,
        delivery: Delivery,
        *,
        workers: int = 4,
        claim_batch: int = 10,
        poll_interval: float = 2.0,
    ) -> None:
        self.database = database
        self.delivery = delivery
        self.replier = delivery.replier
        self.size = workers
        self.claim_batch = claim_batch
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def stats(self) -> WorkerStats:
        return self.delivery.stats

    # ------------------------------------------------------------------------------------------ lifecycle

    async def start(self) -> int:
        """Requeue shares a previous run left working (to be looked for in their threads first), start the
        tasks; returns how many were requeued."""
        async with self.database.session() as session, session.begin():
            requeued = await share_store.requeue_working(session)
        if requeued:
            log.info("shares_requeued", count=requeued)
        self._stopping = self.delivery.stopping = False
        self._tasks = [asyncio.create_task(self._run(n), name=f"share-worker-{n}") for n in range(self.size)]
        self._wake.set()  # look for pending shares (from before a restart) right away
        return requeued

    def notify(self) -> None:
        """New shares were stored: wake the idle tasks."""
        self._wake.set()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming; let in-flight batches finish for up to `grace` seconds, then cancel them and put
        their unfinished shares back to pending (the next start answers them)."""
        self._stopping = self.delivery.stopping = True
        self._wake.set()
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self.delivery.release_in_flight()  # what is left working, requeue_working on the next start covers
        await self.replier.drain()

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not self._stopping and any(not t.done() for t in self._tasks)

    def status(self) -> dict[str, object]:
        return {
            "queue": "embedded",
            "running": self.running,
            "workers": sum(1 for t in self._tasks if not t.done()),
            "in_flight": len(self.delivery.in_flight),
            "answered": self.stats.answered,
            "failed": self.stats.failed,
            "last_error": self.stats.last_error,
        }

    # ------------------------------------------------------------------------------------------ the loop

    async def _run(self, number: int) -> None:
        while not self._stopping:
            try:
                async with self.database.session() as session, session.begin():
                    batch = await share_store.claim_batch(session, limit=self.claim_batch)
            except Exception as exc:
                if is_database_outage(exc):
                    self.delivery._note_outage(exc)
                else:
                    self.stats.last_error = f"claim failed: {type(exc).__name__}"
                    log.exception("claim_failed", worker=number)
                await self._idle()
                continue
            if not batch:
                await self._idle()
                continue
            # Cancelled (shutdown): the shares stay in_flight, and stop() puts them back to pending.
            try:
                if not await self.delivery.deliver(batch):
                    await self._idle()
            except DatabaseUnavailable:
                await self._idle()  # the shares stay working; requeued (and looked for) on the next start
            except Exception as exc:
                self.stats.last_error = f"batch failed: {type(exc).__name__}"
                log.exception("batch_failed", worker=number, channel=batch[0].channel_id)
                await self._give_back([s for s in batch if s.id in self.delivery.in_flight])

    async def _idle(self) -> None:
        """Sleep until notified or `poll_interval` passes (covers shares whose retry time has come)."""
        if self._stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.poll_interval)
        self._wake.clear()

    async def _give_back(self, shares: list[ShareRow]) -> None:
        """After a crash in our own code: retry the shares later, or end them after MAX_ATTEMPTS claims."""
        await give_back(self.database, shares)
        for share in shares:
            self.delivery.in_flight.pop(share.id, None)


async def give_back(database: Database, shares: list[ShareRow]) -> None:
    """After a crash in our own code: the shares are retried later, or ended after MAX_ATTEMPTS claims."""
    try:
        async with database.session() as session, session.begin():
            await share_store.release(session, [s.id for s in shares if s.attempts < MAX_ATTEMPTS])
            for share in shares:
                if share.attempts >= MAX_ATTEMPTS:
                    await share_store.mark_failed(
                        session, share.id, code="internal_error", message="gave up after repeated crashes"
                    )
    except Exception:
        log.exception("give_back_failed")


def _error_reply(share: ShareRow, outcome: ArticleOutcome) -> _Reply:
    """The one short line for a link that could not be read."""
    code = outcome.error.code if outcome.error else "internal_error"
    message = outcome.error.message if outcome.error else "Something went wrong on our side."
    return _Reply(render_error(share.url, code, message), False, None, None, code, message)


async def _none() -> None:
    return None
