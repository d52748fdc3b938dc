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
- `bot.store.write_gate.IntakeFirstDatabase` (the bot's database handle) serves intake's writes first: on
  SQLite ahead of the worker's in an in-memory queue, on PostgreSQL through connections of their own.

The rules about *which* messages and links count, and what shape ids and timestamps must have, live in
`bot.slack.links`; this module applies them and stores the result. An event whose channel, timestamp, user or
team is not shaped like Slack's is acknowledged and dropped (it could not be answered anyway), with one log
line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

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
from bot.store.write_gate import urgent_writes

log = get_logger(__name__)

_CHANNEL_TYPES = frozenset(t.value for t in ChannelType)


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
            with urgent_writes():
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
