"""Who may see which summaries in `/brief` results.

The rule: a share in a public channel is visible to everyone in the workspace; a share in a private channel,
a DM or a group DM only to that conversation's members. Membership is asked of Slack
(`conversations.members`), never remembered from old events, and cached for a short TTL: a person removed
from a private channel stops seeing its summaries once the cache expires (`LINKBRIEF_MEMBERSHIP_TTL`).

When Slack cannot say (the bot was removed, a scope is missing, the API is down) the answer is "not a member":
a search that shows too little is a nuisance, one that shows a private channel to outsiders is a leak.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

import aiohttp
import sqlalchemy as sa
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import ColumnElement

from bot.logs import get_logger
from bot.store.db import Database
from bot.store.models import Share
from bot.store.shares import PUBLIC_CHANNEL_TYPES, private_channels_with_shares

log = get_logger(__name__)

MEMBERS_PAGE = 1000
LOOKUP_CONCURRENCY = 8


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
    """Builds the WHERE clause on `Share` that keeps a user's results to conversations they can see."""

    def __init__(self, database: Database, membership: MembershipCache) -> None:
        self.database = database
        self.membership = membership

    async def visible_shares(self, user_id: str, *, channel_ids: Iterable[str] | None = None) -> ColumnElement[bool]:
        """Shares in public channels, or in private conversations `user_id` belongs to (optionally only those
        among `channel_ids`, for an `in:` filter, which saves asking about every private channel)."""
        async with self.database.session(read_only=True) as session:
            private = await private_channels_with_shares(session, channel_ids)
        mine = await self.membership.channels_of(user_id, private)
        public = Share.channel_type.in_(PUBLIC_CHANNEL_TYPES)
        return sa.or_(public, Share.channel_id.in_(sorted(mine))) if mine else public
