"""Everything the bot sends to Slack's Web API outside a request: replies, reactions, permalinks, names.

Share replies (`post_once`) are posted once per call, on a client that retries only 429s (a rate-limited post
was not taken): a post that timed out, lost its connection or got a 5xx may have reached Slack anyway, and
posting it again blindly is how replies got doubled. Such a failure is reported `ambiguous`; the worker then
reads the thread back (`find_reply`, by the `metadata` every share reply carries) before it posts again, and
waits out a longer Slack outage with backoff (see `bot.slack.worker`). Failures are sorted into *final* ones
(the bot is not in the channel, the channel is gone or archived: retrying cannot help, the share ends) and
*transient* ones.

`post` (used for "Post in channel", which a person can simply click again) keeps a few quick retries.

Replies to one channel are paced (`ChannelPacer`) below Slack's limit of about one message per second per
channel, so a burst of links does not turn into a burst of 429s. Reactions are decoration: they run in the
background on a client without rate-limit retries, and their failures are only logged, so a reaction can
never hold up or fail a reply.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import get_logger
from bot.slack.render import SlackMessage

log = get_logger(__name__)

# chat.postMessage errors that no retry can fix: the share ends as failed with this code.
FINAL_POST_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
# ok:false errors Slack itself describes as temporary.
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
REACTION_WORKING = "eyes"
REACTION_DONE = "white_check_mark"
REACTION_FAILED = "warning"
POST_ATTEMPTS = 3
POST_BACKOFF = 2.0  # seconds before the second attempt; doubled for each further one
HTTP_TIMEOUT = 15  # seconds per Web API request
USER_NAME_TTL = 3600.0
FIND_REPLY_PAGES = 20  # pages of 200 messages read back at most (a thread of 4,000 replies)


class PostFailed(Exception):
    """A reply could not be posted. `code` is Slack's error (or a transport error name); `final` says that
    retrying is pointless; `ambiguous` that the message may have been posted all the same (a timeout, a
    connection lost after sending, a 5xx)."""

    def __init__(self, code: str, *, final: bool, ambiguous: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.final = final
        self.ambiguous = ambiguous


def web_client(
    token: str,
    base_url: str,
    *,
    rate_limit_retries: int = 3,
    transport_retries: bool = True,
    timeout: float = HTTP_TIMEOUT,
) -> AsyncWebClient:
    """An `AsyncWebClient` for `base_url` with slack_sdk's retry handlers.

    `rate_limit_retries=0` leaves 429s to the caller (reactions: better skipped than late).
    `transport_retries=False` leaves 5xx and connection errors to the caller: for posts, which must not be
    repeated before it is known whether the first one arrived.
    """
    handlers: list[AsyncRetryHandler] = []
    if transport_retries:
        handlers += [
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ]
    if rate_limit_retries > 0:
        handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries))
    return AsyncWebClient(token=token, base_url=base_url, timeout=int(max(1, timeout)), retry_handlers=handlers)


class ChannelPacer:
    """At most `burst` messages back to back per channel, then one every `interval` seconds (GCRA).

    GCRA keeps one number per channel, the time its next message would be "on schedule"; a message may go
    early by up to `burst - 1` intervals. So any window of T seconds holds at most `burst + T / interval`
    messages of one channel.
    """

    def __init__(self, interval: float, burst: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.burst = max(1, burst)
        self._clock = clock
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, channel: str) -> None:
        """Return when a message to `channel` may be sent, and count it as sent."""
        if self.interval <= 0:
            return
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            now = self._clock()
            scheduled = self._next.get(channel, now)
            allowed_at = scheduled - (self.burst - 1) * self.interval
            if allowed_at > now:
                await asyncio.sleep(allowed_at - now)
                now = self._clock()
            self._next[channel] = max(scheduled, now) + self.interval
        self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        if len(self._next) < 1024:
            return
        for channel, scheduled in list(self._next.items()):
            lock = self._locks.get(channel)
            if scheduled < now and (lock is None or not lock.locked()):
                self._next.pop(channel, None)
                self._locks.pop(channel, None)


@dataclass(frozen=True, slots=True)
class PostedReply:
    channel: str
    ts: str


@dataclass(frozen=True, slots=True)
class ReplyMark:
    """The `metadata` a share reply carries, by which it is found again in its thread.

    Slack stores it with the message and returns it from `conversations.replies` / `.history` with
    `include_all_metadata`; it is invisible to people.
    """

    event_type: str
    payload: dict[str, str | int]

    def as_metadata(self) -> dict[str, object]:
        return {"event_type": self.event_type, "event_payload": dict(self.payload)}

    def matches(self, message: dict[str, object]) -> bool:
        metadata = message.get("metadata")
        if not isinstance(metadata, dict) or metadata.get("event_type") != self.event_type:
            return False
        payload = metadata.get("event_payload")
        return isinstance(payload, dict) and all(payload.get(k) == v for k, v in self.payload.items())


class Replier:
    """Posts replies (paced, retried), sets reactions (in the background), looks up permalinks and names."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        pacer: ChannelPacer,
        reactions_client: AsyncWebClient | None = None,
        post_backoff: float = POST_BACKOFF,
    ) -> None:
        self.client = client
        self.pacer = pacer
        self.reactions_client = reactions_client or client
        self.post_backoff = post_backoff
        self._reaction_chains: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._names: OrderedDict[str, tuple[float, str | None]] = OrderedDict()

    # ------------------------------------------------------------------------------------------ replies

    async def post(self, channel: str, message: SlackMessage, *, thread_ts: str | None) -> PostedReply:
        """Post `message` (in the thread when `thread_ts` is given); raise PostFailed when it cannot be."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._send(channel, message, thread_ts=thread_ts)
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
                failure = post_failure(exc)
            if failure.final or attempt >= POST_ATTEMPTS:
                log.warning("reply_failed", channel=channel, error=failure.code, attempts=attempt)
                raise failure
            delay = self.post_backoff * 2 ** (attempt - 1)
            log.info("reply_retry", channel=channel, error=failure.code, attempt=attempt, delay=delay)
            await asyncio.sleep(delay)

    async def post_once(
        self, channel: str, message: SlackMessage, *, thread_ts: str | None, mark: ReplyMark
    ) -> PostedReply:
        """Post `message` carrying `mark`, once (paced; 429s retried by the client); PostFailed otherwise."""
        try:
            return await self._send(channel, message, thread_ts=thread_ts, metadata=mark.as_metadata())
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            failure = post_failure(exc)
        log.info("reply_not_posted", channel=channel, error=failure.code, final=failure.final)
        raise failure

    async def post_exactly_once(
        self,
        channel: str,
        message: SlackMessage,
        *,
        thread_ts: str | None,
        mark: ReplyMark,
        after_ts: str,
        look_first: bool = False,
    ) -> PostedReply:
        """Post `message` carrying `mark` unless it is in the thread already (looked for first with `look_first`,
        and before every retry that follows a failure after which it may have been posted); retried with backoff
        while Slack fails transiently, up to `POST_ATTEMPTS`. PostFailed otherwise."""
        look = look_first
        attempt = 0
        while True:
            attempt += 1
            try:
                if look:
                    found = await self.find_reply(channel, thread_ts=thread_ts, after_ts=after_ts, mark=mark)
                    if found is not None:
                        log.info("reply_found_posted", channel=channel)
                        return PostedReply(channel=channel, ts=found)
                return await self.post_once(channel, message, thread_ts=thread_ts, mark=mark)
            except PostFailed as failure:
                if failure.final or attempt >= POST_ATTEMPTS:
                    raise
                look = look or failure.ambiguous
            await asyncio.sleep(self.post_backoff * 2 ** (attempt - 1))

    async def _send(self, channel: str, message: SlackMessage, *, thread_ts: str | None, **extra: Any) -> PostedReply:
        """One paced chat.postMessage, without unfurls (the reply must not unfurl the article again)."""
        await self.pacer.wait(channel)
        response = await self.client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False, **extra, **message.as_kwargs()
        )
        return PostedReply(channel=str(response.get("channel") or channel), ts=str(response["ts"]))

    async def find_reply(self, channel: str, *, thread_ts: str | None, after_ts: str, mark: ReplyMark) -> str | None:
        """The ts of the bot's message carrying `mark` in the thread (or, without a thread, in the conversation
        after `after_ts`), or None when it is not there. PostFailed when Slack cannot say now."""
        cursor: str | None = None
        for _page in range(FIND_REPLY_PAGES):
            try:
                if thread_ts is not None:
                    response = await self.client.conversations_replies(
                        channel=channel, ts=thread_ts, include_all_metadata=True, limit=200, cursor=cursor
                    )
                else:
                    response = await self.client.conversations_history(
                        channel=channel, oldest=after_ts, include_all_metadata=True, limit=200, cursor=cursor
                    )
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
                failure = post_failure(exc)
                failure.ambiguous = not failure.final  # still unknown whether the earlier post arrived
                raise failure from None
            for found in response.get("messages") or []:
                if isinstance(found, dict) and mark.matches(found):
                    return str(found.get("ts"))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None

    # ---------------------------------------------------------------------------------------- reactions

    def mark_working(self, channel: str, ts: str) -> None:
        """Put the "working" reaction on a message (in the background)."""
        self._chain(channel, ts, lambda: self._react("reactions_add", channel, ts, REACTION_WORKING))

    def mark_finished(self, channel: str, ts: str, *, ok: bool) -> None:
        """Swap the "working" reaction for done / failed (in the background, after any earlier change)."""

        async def swap() -> None:
            await self._react("reactions_remove", channel, ts, REACTION_WORKING)
            await self._react("reactions_add", channel, ts, REACTION_DONE if ok else REACTION_FAILED)

        self._chain(channel, ts, swap)

    async def drain(self) -> None:
        """Wait for the reactions still being set (on shutdown)."""
        tasks = list(self._reaction_chains.values())
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def _chain(self, channel: str, ts: str, step: Callable[[], Awaitable[None]]) -> None:
        """Run `step` after the previous reaction change of the same message, so changes keep their order."""
        key = (channel, ts)
        previous = self._reaction_chains.get(key)

        async def run() -> None:
            if previous is not None:
                await asyncio.gather(previous, return_exceptions=True)
            await step()

        task = asyncio.create_task(run())
        self._reaction_chains[key] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self._reaction_chains.get(key) is done:
                del self._reaction_chains[key]

        task.add_done_callback(forget)

    async def _react(self, method: str, channel: str, ts: str, name: str) -> None:
        try:
            await getattr(self.reactions_client, method)(channel=channel, timestamp=ts, name=name)
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            if error not in ("already_reacted", "no_reaction"):
                log.info("reaction_failed", method=method, channel=channel, error=error)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.info("reaction_failed", method=method, channel=channel, error=type(exc).__name__)

    # --------------------------------------------------------------------------------- lookups

    async def permalink(self, channel: str, ts: str) -> str | None:
        """The message's permalink, or None when Slack will not give one."""
        try:
            response = await self.client.chat_getPermalink(channel=channel, message_ts=ts)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.info("permalink_failed", channel=channel, error=_error_name(exc))
            return None
        link = response.get("permalink")
        return link if isinstance(link, str) else None

    async def user_name(self, user_id: str) -> str | None:
        """A user's display name (so a reply can name them without a notifying mention); cached."""
        now = time.monotonic()
        cached = self._names.get(user_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        name: str | None = None
        try:
            response = await self.client.users_info(user=user_id)
            user = response.get("user") or {}
            profile = user.get("profile") or {}
            name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.info("user_lookup_failed", user=user_id, error=_error_name(exc))
        self._names[user_id] = (now + USER_NAME_TTL, name or None)
        self._names.move_to_end(user_id)
        while len(self._names) > 10_000:
            self._names.popitem(last=False)
        return name or None


def post_failure(exc: SlackApiError | aiohttp.ClientError | TimeoutError) -> PostFailed:
    """What a failed Web API call means for a post: final or transient, and whether it may have arrived."""
    if isinstance(exc, aiohttp.ClientConnectorError):  # no connection: nothing was sent
        return PostFailed(type(exc).__name__, final=False)
    if not isinstance(exc, SlackApiError):  # timed out or lost after sending: it may have arrived
        return PostFailed(type(exc).__name__, final=False, ambiguous=True)
    response = exc.response
    error = str(response.get("error") or "unknown_error") if response is not None else "unknown_error"
    status = response.status_code if response is not None else 0
    if error in FINAL_POST_ERRORS:
        return PostFailed(error, final=True)
    transient = status == 429 or status >= 500 or error in TRANSIENT_ERRORS
    rate_limited = status == 429 or error in ("ratelimited", "rate_limited")
    return PostFailed(error, final=not transient, ambiguous=transient and not rate_limited)


def _error_name(exc: Exception) -> str:
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return str(exc.response.get("error"))
    return type(exc).__name__
