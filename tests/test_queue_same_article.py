"""Two shares of the same new article at the same instant (issue #10, item 6): one summary and one "shared
before" pointer, never two summaries. The reply decision is taken under a per-article lock (an advisory lock on
PostgreSQL, where the shares may be answered by different processes); on SQLite the embedded queue, on
PostgreSQL procrastinate."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakeslack import FakeSlack
from slackbot import ArticleSite, article_site, blocks_text, bot_client, bot_config, eventually
from slacksign import LinkPart

from bot.store.db import Database

CHANNELS = ["C0SAMEA", "C0SAMEB"]


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=30) as fake:
        for channel in CHANNELS:
            fake.add_channel(channel, name=channel.lower(), members=["U0ALICE"])
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


@pytest.mark.parametrize("spelling", ["same-url", "other-url"])
async def test_same_new_article_shared_at_once_in_two_channels_gets_one_summary_and_one_pointer(
    slack: FakeSlack, database: Database, site: ArticleSite, spelling: str
) -> None:
    urls = [site.url("/train"), site.url("/train") if spelling == "same-url" else site.url("/train?edition=2")]
    site.hold.clear()  # both shares wait for the page, then go on together
    async with bot_client(slack, database.url, config=bot_config(workers=2)) as client:
        await client.say(LinkPart(urls[0]), channel=CHANNELS[0])
        await client.say(LinkPart(urls[1]), channel=CHANNELS[1])
        await eventually(lambda: len(site.log.paths) >= 1)
        site.hold.set()
        await client.replies(2)
        await client.settled()
        shares = await client.shares()
    texts = [blocks_text(m) for m in slack.messages]
    pointers = [t for t in texts if "Shared before in" in t]
    assert len(slack.messages) == 2
    assert len(pointers) == 1, texts
    assert [s.status for s in shares] == ["done", "done"]
    assert len({s.article_id for s in shares}) == 1
    assert sum(1 for s in shares if s.duplicate_of_share_id is not None) == 1
