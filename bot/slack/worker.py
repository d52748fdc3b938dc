"""The worker: claims pending shares, runs the pipeline, posts one reply per share, marks it done or failed.

A bounded pool of asyncio tasks in the bot's own process. Each task claims a batch of pending shares of one
channel that no other task is working on (`bot.store.shares.claim_batch`), so:

- a channel's replies come out in the order its links were shared (one message's links in link order), all
  through one pacer, and a burst in one channel occupies one task while the others keep serving other
  channels;
- the batch's pages are fetched and summarised concurrently, and the replies posted in order as they become
  ready.

Each step is its own short transaction (claim; mark one share), never held across network I/O. A share is
marked done right after its reply is posted, which keeps the window in which a crash could repeat a reply to
the time between Slack's answer and one UPDATE; anything left `working` by a crash is put back to pending on
start (`requeue_working`) and answered then. Duplicates are decided at posting time, so a second link to the
same article in one message points to the reply just posted above it.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from bot import metrics
from bot.logs import get_logger
from bot.pipeline.runner import ArticleOutcome, ArticlePipeline, StoredArticle
from bot.slack.render import (
    ArticleView,
    EarlierShare,
    SlackMessage,
    render_duplicate,
    render_error,
    render_summary,
)
from bot.slack.replies import PostFailed, Replier
from bot.store import shares as share_store
from bot.store.db import Database
from bot.store.shares import ShareRow
from bot.summarize.base import Summary

log = get_logger(__name__)

MAX_ATTEMPTS = 3  # claims of one share before a crash in our own code ends it as failed


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


@dataclass
class WorkerStats:
    """Counters for /healthz and the benchmarks."""

    claimed: int = 0
    answered: int = 0
    failed: int = 0
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class _Reply:
    message: SlackMessage
    ok: bool
    article_id: int | None
    duplicate_of_share_id: int | None
    error_code: str | None
    error_message: str | None


class Worker:
    """The pool of share workers. `start()`, then `notify()` after new shares are stored; `stop()` to end."""

    def __init__(
        self,
        database: Database,
        pipeline: ArticlePipeline,
        replier: Replier,
        *,
        workers: int = 4,
        claim_batch: int = 10,
        poll_interval: float = 2.0,
        pipeline_concurrency: int = 4,
    ) -> None:
        self.database = database
        self.pipeline = pipeline
        self.replier = replier
        self.size = workers
        self.claim_batch = claim_batch
        self.poll_interval = poll_interval
        self.stats = WorkerStats()
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._claimed: dict[int, ShareRow] = {}
        self._pipeline_slots = asyncio.Semaphore(pipeline_concurrency)

    # ------------------------------------------------------------------------------------------ lifecycle

    async def start(self) -> int:
        """Requeue shares a previous run left working, start the tasks; returns how many were requeued."""
        async with self.database.session() as session, session.begin():
            requeued = await share_store.requeue_working(session)
        if requeued:
            log.info("shares_requeued", count=requeued)
        self._stopping = False
        self._tasks = [asyncio.create_task(self._run(n), name=f"share-worker-{n}") for n in range(self.size)]
        self._wake.set()  # look for pending shares (from before a restart) right away
        return requeued

    def notify(self) -> None:
        """New shares were stored: wake the idle tasks."""
        self._wake.set()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming; let in-flight batches finish for up to `grace` seconds, then cancel them and put
        their unfinished shares back to pending (the next start answers them)."""
        self._stopping = True
        self._wake.set()
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._claimed:
            try:
                async with self.database.session() as session, session.begin():
                    released = await share_store.release(session, list(self._claimed))
                log.info("shares_released", count=released)
            except Exception:
                log.exception("release_failed")  # requeue_working on the next start covers it
            self._claimed.clear()
        await self.replier.drain()

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not self._stopping and any(not t.done() for t in self._tasks)

    def status(self) -> dict[str, object]:
        return {
            "running": self.running,
            "workers": sum(1 for t in self._tasks if not t.done()),
            "in_flight": len(self._claimed),
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
                self.stats.last_error = f"claim failed: {type(exc).__name__}"
                log.exception("claim_failed", worker=number)
                await self._idle()
                continue
            if not batch:
                await self._idle()
                continue
            self.stats.claimed += len(batch)
            self._claimed.update((s.id, s) for s in batch)
            # Cancelled (shutdown): the shares stay in _claimed, and stop() puts them back to pending.
            try:
                await self._handle_batch(batch)
            except Exception as exc:
                self.stats.last_error = f"batch failed: {type(exc).__name__}"
                log.exception("batch_failed", worker=number, channel=batch[0].channel_id)
                await self._give_back([s for s in batch if s.id in self._claimed])
            for share in batch:
                self._claimed.pop(share.id, None)

    async def _idle(self) -> None:
        """Sleep until notified or `poll_interval` passes (covers shares stored by another process)."""
        if self._stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.poll_interval)
        self._wake.clear()

    async def _give_back(self, shares: list[ShareRow]) -> None:
        """After a crash in our own code: retry the shares later, or end them after MAX_ATTEMPTS claims."""
        try:
            async with self.database.session() as session, session.begin():
                await share_store.release(session, [s.id for s in shares if s.attempts < MAX_ATTEMPTS])
                for share in shares:
                    if share.attempts >= MAX_ATTEMPTS:
                        await share_store.mark_failed(
                            session, share.id, code="internal_error", message="gave up after repeated crashes"
                        )
        except Exception:
            log.exception("give_back_failed")

    # ------------------------------------------------------------------------------------------ one batch

    async def _handle_batch(self, batch: list[ShareRow]) -> None:
        channel = batch[0].channel_id
        messages: dict[str, list[ShareRow]] = {}
        for share in batch:
            messages.setdefault(share.message_ts, []).append(share)
        for message_ts in messages:
            self.replier.mark_working(channel, message_ts)
        outcomes = {s.id: asyncio.create_task(self._process(s.url)) for s in batch}
        try:
            for message_ts, shares in messages.items():
                all_ok = True
                for share in shares:
                    outcome = await outcomes[share.id]
                    all_ok &= await self._answer(share, outcome)
                self.replier.mark_finished(channel, message_ts, ok=all_ok)
        finally:
            for task in outcomes.values():
                task.cancel()

    async def _process(self, url: str) -> ArticleOutcome:
        """Run the pipeline on one link, at most `pipeline_concurrency` at a time across all workers.

        The pipeline's CPU work (summarising, fingerprinting) runs in threads of this process: more of them at
        once would only compete with the event loop for the GIL and slow down acknowledging Slack's events.
        """
        async with self._pipeline_slots:
            return await self.pipeline.process(url)

    async def _answer(self, share: ShareRow, outcome: ArticleOutcome) -> bool:
        """Post the reply for one share and record how it ended; True when it was a summary."""
        reply = await self._reply_for(share, outcome)
        try:
            posted = await self.replier.post(share.channel_id, reply.message, thread_ts=share.thread_ts)
        except PostFailed as failure:
            metrics.ERRORS.labels(f"slack_{failure.code}").inc()
            async with self.database.session() as session, session.begin():
                await share_store.mark_failed(
                    session,
                    share.id,
                    code=f"slack_{failure.code}",
                    message=f"reply not posted: {failure.code}",
                    article_id=reply.article_id,
                )
            self._claimed.pop(share.id, None)
            self.stats.failed += 1
            return False
        async with self.database.session() as session, session.begin():
            if reply.ok:
                await share_store.mark_done(
                    session,
                    share.id,
                    article_id=reply.article_id,
                    reply_ts=posted.ts,
                    duplicate_of_share_id=reply.duplicate_of_share_id,
                )
            else:
                await share_store.mark_failed(
                    session,
                    share.id,
                    code=reply.error_code or "error",
                    message=reply.error_message or "",
                    article_id=reply.article_id,
                    reply_ts=posted.ts,
                )
        self._claimed.pop(share.id, None)
        if reply.ok:
            self.stats.answered += 1
        else:
            self.stats.failed += 1
        return reply.ok

    async def _reply_for(self, share: ShareRow, outcome: ArticleOutcome) -> _Reply:
        if outcome.error is not None or outcome.article is None:
            code = outcome.error.code if outcome.error else "internal_error"
            message = outcome.error.message if outcome.error else "Something went wrong on our side."
            return _Reply(render_error(share.url, code, message), False, None, None, code, message)
        article = outcome.article
        view = article_view(article, outcome.summary)
        if outcome.duplicate_of is not None:
            earlier = await self._earlier_share(share, article.id)
            if earlier is not None:
                pointer = await self._pointer(earlier)
                return _Reply(render_duplicate(view, pointer), True, article.id, earlier.id, None, None)
        return _Reply(render_summary(view, more_qa_value=str(article.id)), True, article.id, None, None, None)

    async def _earlier_share(self, share: ShareRow, article_id: int) -> ShareRow | None:
        """The first answered share of the article that people in this share's channel can open.

        A share in a private channel or a DM is pointed to only from that same conversation: a pointer
        would tell a public channel what was read in a private one (and link to a thread its members cannot
        open), so elsewhere the article is answered with its stored summary as if it were new.
        """
        async with self.database.session(read_only=True) as session:
            return await share_store.earliest_answered_share(
                session, article_id, exclude_share_id=share.id, where=[share_store.seen_from(share.channel_id)]
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


async def _none() -> None:
    return None
