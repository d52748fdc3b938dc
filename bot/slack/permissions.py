"""Who may see which summaries: in `/brief` results, and when a button is clicked.

The rule: a share in a public channel is visible to everyone in the workspace; a share in a private channel,
a DM or a group DM only to that conversation's members. "Public" is Slack's present, not the past: when a
channel is made private (or shared with another workspace) Slack sends an event (`privacy_change` reads
them all), the store records it, and from then on the channel's earlier shares are private too
(`bot.store.conversations`). Membership is asked of Slack (`conversations.members`), never remembered from old
events, and cached for a short TTL: a person removed from a private channel stops seeing its summaries once
the cache expires (`LINKBRIEF_MEMBERSHIP_TTL`).

When Slack cannot say (the bot was removed, a scope is missing, the API is down) the answer is "not a member":
a search that shows too little is a nuisance, one that shows a private channel to outsiders is a leak.

This module decides *who* (an `Audience`); the queries that apply it live in `bot.store.library`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import get_logger
from bot.slack.links import is_slack_id
from bot.slack.teams import current_team
from bot.store import library
from bot.store.conversations import record_privacy
from bot.store.db import Database
from bot.store.library import Audience
from bot.store.models import utcnow
from bot.store.shares import private_channels_with_shares

log = get_logger(__name__)

MEMBERS_PAGE = 1000
LOOKUP_CONCURRENCY = 8

# Events saying a conversation is private from now on: its own conversion event; the system message Slack
# posts in it (a `message` subtype, arriving as message.groups); any `group_*` event, which Slack sends only
# for private channels; and `channel_shared`, when people of another workspace join it.
_MADE_PRIVATE_EVENTS = frozenset({"channel_converted_to_private", "channel_shared"})
_MADE_PRIVATE_SUBTYPES = frozenset({"channel_convert_to_private"})
_MADE_PUBLIC_SUBTYPES = frozenset({"channel_convert_to_public"})


@dataclass(frozen=True, slots=True)
class PrivacyChange:
    """Slack said `channel_id` is private (or public) as of `at`."""

    channel_id: str
    is_private: bool
    at: datetime


def privacy_change(body: Mapping[str, Any]) -> PrivacyChange | None:
    """The privacy change an event callback announces, or None (most events announce none)."""
    event = body.get("event")
    if not isinstance(event, Mapping):
        return None
    kind, subtype = event.get("type"), event.get("subtype")
    if kind == "message" and subtype in _MADE_PRIVATE_SUBTYPES | _MADE_PUBLIC_SUBTYPES:
        is_private = subtype in _MADE_PRIVATE_SUBTYPES
    elif kind in _MADE_PRIVATE_EVENTS or (isinstance(kind, str) and kind.startswith("group_")):
        is_private = True
    else:
        return None
    channel = event.get("channel")
    channel_id = channel.get("id") if isinstance(channel, Mapping) else channel
    if not is_slack_id(channel_id):
        return None
    return PrivacyChange(str(channel_id), is_private, _event_time(event, body))


def _event_time(event: Mapping[str, Any], body: Mapping[str, Any]) -> datetime:
    """When the change happened: the event's own timestamp, else the envelope's, else now."""
    for value in (event.get("event_ts"), event.get("ts"), body.get("event_time")):
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            continue
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            continue
    return utcnow()


class MembershipCache:
    """Member lists of conversations, from `conversations.members`, each trusted for `ttl` seconds."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 10_000,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self._clock = clock
        self._max_entries = max_entries
        self._entries: dict[str, tuple[float, frozenset[str]]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._limit = asyncio.Semaphore(LOOKUP_CONCURRENCY)

    async def members(self, channel_id: str) -> frozenset[str]:
        """The conversation's members (empty when Slack cannot tell us)."""
        cached = self._fresh(channel_id)
        if cached is not None:
            return cached
        lock = self._locks.setdefault(channel_id, asyncio.Lock())
        async with lock:  # one lookup per channel at a time; the others wait for its result
            cached = self._fresh(channel_id)
            if cached is not None:
                return cached
            members, cacheable = await self._fetch(channel_id)
            if cacheable:
                if len(self._entries) >= self._max_entries:
                    self._entries.clear()
                self._entries[channel_id] = (self._clock() + self.ttl, members)
            return members

    async def is_member(self, user_id: str, channel_id: str) -> bool:
        return user_id in await self.members(channel_id)

    async def channels_of(self, user_id: str, channel_ids: Iterable[str]) -> set[str]:
        """Which of `channel_ids` the user is a member of."""
        ids = list(dict.fromkeys(channel_ids))
        results = await asyncio.gather(*(self.is_member(user_id, c) for c in ids))
        return {c for c, member in zip(ids, results, strict=True) if member}

    def forget(self, channel_id: str | None = None) -> None:
        """Drop cached member lists (one, or all)."""
        if channel_id is None:
            self._entries.clear()
        else:
            self._entries.pop(channel_id, None)

    def _fresh(self, channel_id: str) -> frozenset[str] | None:
        entry = self._entries.get(channel_id)
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]

    async def _fetch(self, channel_id: str) -> tuple[frozenset[str], bool]:
        """(members, whether the answer may be cached): Slack's refusals are cached, transport errors not."""
        members: set[str] = set()
        cursor: str | None = None
        async with self._limit:
            try:
                while True:
                    response = await self.client.conversations_members(
                        channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor or None
                    )
                    members.update(response.get("members") or [])
                    cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                    if not cursor:
                        return frozenset(members), True
            except SlackApiError as exc:
                error = exc.response.get("error") if exc.response is not None else None
                log.info("members_lookup_refused", channel=channel_id, error=error)
                status = exc.response.status_code if exc.response is not None else 0
                return frozenset(), status == 200
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("members_lookup_failed", channel=channel_id, error=type(exc).__name__)
                return frozenset(), False


class Visibility:
    """Who a user is to the store (`Audience`): the private conversations with summaries they belong to."""

    def __init__(self, database: Database, membership: MembershipCache, *, team_scoped: bool = False) -> None:
        self.database = database
        self.membership = membership
        # Many workspaces: an audience sees only the shares of the workspace the request came from.
        self.team_scoped = team_scoped

    async def audience(
        self, user_id: str, *, channel_ids: Iterable[str] | None = None, article_id: int | None = None
    ) -> Audience:
        """`user_id` as an audience: which private conversations with answered shares they are in (only those
        among `channel_ids`, for an `in:` filter, or of one article: that saves asking about every private
        channel)."""
        team = (current_team() or "") if self.team_scoped else None  # no workspace known: nothing is its
        async with self.database.session(read_only=True) as session:
            private = await private_channels_with_shares(session, channel_ids, article_id=article_id, team_id=team)
        return Audience(member_of=frozenset(await self.membership.channels_of(user_id, private)), team_id=team)

    async def may_see(self, user_id: str, article_id: int, *, channel_id: str | None = None) -> bool:
        """Whether `user_id` may see the article: it was shared (in `channel_id`, when given) where they can
        read it. The check every button click makes, at click time."""
        channels = [channel_id] if channel_id is not None else None
        audience = await self.audience(user_id, channel_ids=channels, article_id=article_id)
        async with self.database.session(read_only=True) as session:
            return await library.is_visible(session, article_id, audience, channel_id=channel_id)

    async def follow(self, change: PrivacyChange) -> None:
        """Record a conversation's new privacy (committed before Slack gets its ack, so a failure is retried)."""
        async with self.database.session() as session, session.begin():
            applied = await record_privacy(
                session, change.channel_id, is_private=change.is_private, changed_at=change.at
            )
        self.membership.forget(change.channel_id)
        log.info("conversation_privacy", channel=change.channel_id, private=change.is_private, applied=applied)
