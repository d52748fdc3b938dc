"""Real `linkbrief serve` / `linkbrief worker` processes against the fake Slack, and how to count their replies.

For the delivery and queue tests: they start real processes (so SIGKILL is real), send them signed events over
HTTP as Slack does, and judge the outcome from what the fake Slack recorded: every share reply carries message
metadata naming its share, so "each link answered exactly once" is a count per share id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa
from fakeslack import FakeSlack, PostedMessage
from slackbot import SECRET, ArticleSite, article_site
from slacksign import LinkPart, event_callback, message_event, sign_event
from test_startup_serve import ServeProcess, serve_process, slack_env

from bot.store.db import Database
from bot.store.models import Share, ShareStatus

REPLY_EVENT_TYPE = "linkbrief_share"


def page_links(site: ArticleSite, count: int = 8) -> list[str]:
    """Up to 8 links to distinct article pages of the test site (two hosts)."""
    paths = ["/harbour", "/orchard", "/train", "/mixed-ho", "/mixed-ot", "/mixed-th", "/hostile"]
    return [*(site.url(path) for path in paths), site.other_url("/night-train")][:count]


def share_of(message: PostedMessage) -> int | None:
    """The share id a posted reply names in its metadata (None for any other message)."""
    metadata = message.metadata or {}
    if metadata.get("event_type") != REPLY_EVENT_TYPE:
        return None
    share_id = (metadata.get("event_payload") or {}).get("share_id")
    return int(share_id) if share_id is not None else None


def replies_per_share(slack: FakeSlack) -> Counter[int]:
    return Counter(share_id for m in slack.messages if (share_id := share_of(m)) is not None)


def fleet_env(slack: FakeSlack, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a bot process in these tests: fast polling and recovery, no pacing, JSON logs."""
    return {
        **slack_env(slack),
        "DATABASE_URL": database_url,
        "LINKBRIEF_CHANNEL_POST_INTERVAL": "0",
        "LINKBRIEF_POLL_INTERVAL": "0.2",
        "LINKBRIEF_SLACK_RETRY_MIN": "0.5",
        "LINKBRIEF_SLACK_RETRY_MAX": "2",
        **extra,
    }


def bot_process(tmp_path: Path, command: str, env: dict[str, str]) -> AbstractAsyncContextManager[ServeProcess]:
    """`python -m bot <command> --port P` with `env` on a clean environment; killed on exit if still running."""
    return serve_process(tmp_path, command=command, **env)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    """The fake Slack, patient enough for processes that start, stop and recover."""
    async with FakeSlack(wait_timeout=30) as fake:
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    """The article pages (see slackbot.article_site)."""
    async with article_site() as pages:
        yield pages


async def send_links(
    http: aiohttp.ClientSession, served: ServeProcess, channel: str, urls: list[str], *, per_message: int = 1
) -> None:
    """Post messages with `urls` (`per_message` links each) to a serve process as signed events; each is 200."""
    for start in range(0, len(urls), per_message):
        parts: list[object] = []
        for url in urls[start : start + per_message]:
            parts += [LinkPart(url), " "]
        request = sign_event(SECRET, event_callback(message_event(*parts, channel=channel)))  # type: ignore[arg-type]
        async with http.post(
            served.base_url + "/slack/events", data=request.body.encode(), headers=request.headers
        ) as response:
            assert response.status == 200, await response.text()


async def waiting_shares(database_url: str) -> int:
    """Shares still pending or being worked on."""
    database = Database(database_url)
    try:
        async with database.session(read_only=True) as session:
            return int(
                await session.scalar(
                    sa.select(sa.func.count())
                    .select_from(Share)
                    .where(Share.status.in_([ShareStatus.PENDING.value, ShareStatus.WORKING.value]))
                )
                or 0
            )
    finally:
        await database.dispose()


async def stored_shares(database_url: str) -> list[Share]:
    database = Database(database_url)
    try:
        async with database.session(read_only=True) as session:
            return list(await session.scalars(sa.select(Share).order_by(Share.id)))
    finally:
        await database.dispose()
