"""Intake: a Slack message event becomes share rows in the database, before Slack gets its ack.

Writing first and acknowledging second is what makes the bot lose nothing and repeat nothing: if the process
dies before the ack, Slack delivers the event again; if it dies after, the rows are there for the worker to
resume. The rows' unique key (channel, message ts, url) absorbs everything that arrives twice: Slack's
retries (same event_id, `X-Slack-Retry-Num` > 0), redeliveries after a restart, and edits of a message that
still carries the links handled before. Only links not stored yet become new work.

The ack waits for that write, so the write must stay fast while the worker is busy writing articles and
summaries. Two things keep it so:

- group commit: events arriving together are stored in one transaction (one lock, one commit), so a burst
  of events costs a few transactions, not one each. If that transaction fails, each of its events is tried
  again in a transaction of its own, so one bad event fails alone and never takes the others with it;
- on SQLite, `IntakeFirstDatabase` queues the process's write transactions in memory and lets intake's go
  first (but never twice in a row while others wait). Without it, writers wait for SQLite's write lock in
  SQLite's busy handler, which sleeps in growing steps up to 100 ms and is not fair: under load an ack could
  wait seconds while the worker's writes kept winning the lock.

The rules about *which* messages and links count, and what shape ids and timestamps must have, live in
`bot.slack.links`; this module applies them and stores the result. An event whose channel, timestamp, user or
team is not shaped like Slack's is acknowledged and dropped (it could not be answered anyway), with one log
line.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker, create_async_engine

from bot.logs import get_logger
from bot.slack.links import (
    edited_message,
    is_event_id,
    is_message_ts,
    is_slack_id,
    links_in_message,
    should_ignore,
    thread_ts_for_reply,
)
from bot.store.db import Database
from bot.store.models import ChannelType
from bot.store.outage import is_database_outage
from bot.store.shares import NewShare, add_share_groups

log = get_logger(__name__)

_CHANNEL_TYPES = frozenset(t.value for t in ChannelType)
_URGENT_WRITE: contextvars.ContextVar[bool] = contextvars.ContextVar("linkbrief_urgent_write", default=False)


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What one event produced: the links found, and the ids of the shares that are new work."""

    links: tuple[str, ...] = ()
    new_share_ids: tuple[int, ...] = ()


class Intake:
    """Turns message events into stored shares; calls `on_new_work` after a commit that added any."""

    def __init__(
        self,
        database: Database,
        *,
        max_links: int,
        skip_domains: frozenset[str] = frozenset(),
        on_new_work: Callable[[], None] = lambda: None,
    ) -> None:
        self.database = database
        self.max_links = max_links
        self.skip_domains = skip_domains
        self.on_new_work = on_new_work
        self._waiting: list[tuple[list[NewShare], asyncio.Future[list[int]]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def message_event(
        self, body: Mapping[str, Any], *, bot_user_id: str | None, bot_id: str | None
    ) -> IntakeResult:
        """Store the article links of one `message` event callback (a new message or an edit).

        Returns once they are committed; raises if they could not be (the caller must then not ack).
        """
        event = body.get("event")
        if not isinstance(event, Mapping) or should_ignore(event, bot_user_id=bot_user_id, bot_id=bot_id):
            return IntakeResult()
        message = edited_message(event) if event.get("subtype") == "message_changed" else event
        if message is None or not message.get("channel") or not message.get("ts"):
            return IntakeResult()
        links = links_in_message(message, max_links=self.max_links, skip_domains=self.skip_domains)
        if not links:
            return IntakeResult()
        team_id = body.get("team_id") or message.get("team") or ""
        problem = malformed_field(message, team_id)
        if problem is not None:
            log.warning("event_dropped_malformed", field=problem)
            return IntakeResult()
        event_id = body.get("event_id")
        shares = [
            NewShare(
                team_id=str(team_id),
                channel_id=str(message["channel"]),
                channel_type=channel_type_of(message),
                message_ts=str(message["ts"]),
                thread_ts=reply_thread_of(message),
                user_id=str(message["user"]),
                url=url,
                event_id=str(event_id) if is_event_id(event_id) else None,
            )
            for url in links
        ]
        new_ids = await self._store(shares)
        if new_ids:
            log.info("links_queued", channel=shares[0].channel_id, message_ts=shares[0].message_ts, new=len(new_ids))
            self.on_new_work()
        return IntakeResult(links=tuple(links), new_share_ids=tuple(new_ids))

    async def _store(self, shares: list[NewShare]) -> list[int]:
        """Queue the shares for the next group commit and wait for it."""
        done: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self._waiting.append((shares, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting(), name="intake-writer")
        return await asyncio.shield(done)

    async def _write_waiting(self) -> None:
        """Commit everything queued, in one transaction per round, until the queue stays empty."""
        while self._waiting:
            batch, self._waiting = self._waiting, []
            token = _URGENT_WRITE.set(True)
            try:
                if len(batch) > 1:
                    try:
                        results = await self._write([shares for shares, _ in batch])
                    except Exception as exc:
                        log.warning("intake_group_write_failed", events=len(batch), error=type(exc).__name__)
                    else:
                        for (_, done), ids in zip(batch, results, strict=True):
                            _settle(done, ids)
                        continue
                for shares, done in batch:  # alone: a failure is this event's only
                    try:
                        [ids] = await self._write([shares])
                    except Exception as exc:
                        if is_database_outage(exc):  # expected while it lasts: one line, no traceback
                            log.warning("intake_database_unavailable", channel=shares[0].channel_id)
                        else:
                            log.exception("intake_write_failed", channel=shares[0].channel_id, ts=shares[0].message_ts)
                        _settle(done, exc)
                    else:
                        _settle(done, ids)
            finally:
                _URGENT_WRITE.reset(token)

    async def _write(self, events: list[list[NewShare]]) -> list[list[int]]:
        """Store the shares of several events in one transaction; the new ids of each event."""
        async with self.database.session() as session, session.begin():
            return await add_share_groups(session, events)


def malformed_field(message: Mapping[str, Any], team_id: object) -> str | None:
    """The first field of a message that is not shaped like Slack's (and must not be stored), or None."""
    checks = (
        ("channel", is_slack_id(message.get("channel"))),
        ("ts", is_message_ts(message.get("ts"))),
        ("thread_ts", message.get("thread_ts") is None or is_message_ts(message.get("thread_ts"))),
        ("user", is_slack_id(message.get("user"))),
        ("team", team_id == "" or is_slack_id(team_id)),
    )
    return next((name for name, ok in checks if not ok), None)


def _settle(done: asyncio.Future[list[int]], outcome: list[int] | BaseException) -> None:
    if done.done():
        return
    if isinstance(outcome, BaseException):
        done.set_exception(outcome)
    else:
        done.set_result(outcome)


def channel_type_of(message: Mapping[str, Any]) -> str:
    """The conversation kind from the event; when Slack left it out, DMs by their `D` id, anything else is
    taken as private, so a share of unknown kind is never shown to people outside the conversation."""
    kind = message.get("channel_type")
    if kind in _CHANNEL_TYPES:
        return str(kind)
    return ChannelType.IM.value if str(message.get("channel", "")).startswith("D") else ChannelType.GROUP.value


def reply_thread_of(message: Mapping[str, Any]) -> str | None:
    """Where replies go: the message's thread in channels; in a one-to-one DM, right under the message
    (None) unless the link was posted inside a thread there. A DM is already a private conversation with
    the bot, and a thread per link would only hide the answer one click away."""
    if message.get("channel_type") == ChannelType.IM.value and not message.get("thread_ts"):
        return None
    return thread_ts_for_reply(message)


# ------------------------------------------------------------------------------------- SQLite write gate


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
