"""A database outage in the middle of work is survived (issue #10, item 2), on PostgreSQL: connections are refused
(`ALLOW_CONNECTIONS false`) and the bot's own are terminated while pages are being read. No share gets a
"Something went wrong on our side" reply (our infrastructure is not the link's fault), intake answers 5xx so
Slack delivers again, no channel stalls, and everything is answered exactly once when the database is back."""

from __future__ import annotations

import asyncio

import asyncpg
import fleet
import pytest
from conftest import POSTGRES_ADMIN_URL, _asyncpg_dsn
from fakeslack import FakeSlack
from fleet import page_links, replies_per_share
from slackbot import ArticleSite, blocks_text, bot_client, bot_config, eventually
from slacksign import LinkPart, event_callback, message_event
from sqlalchemy.engine import make_url

CHANNELS = ["C0DBA", "C0DBB", "C0DBC"]


# The fake Slack and the article pages, shared by the delivery and queue tests.
slack, site = fleet.slack, fleet.site


async def take_database_away(database_url: str) -> None:
    """Refuse new connections to the database and end every open one (as a restart or failover would)."""
    name = make_url(database_url).database
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
    finally:
        await admin.close()


async def bring_database_back(database_url: str) -> None:
    name = make_url(database_url).database
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    finally:
        await admin.close()


@pytest.mark.postgresql
@pytest.mark.parametrize("queue", ["embedded", "procrastinate"])
async def test_database_taken_away_mid_batch_then_back_every_link_answered_once(
    slack: FakeSlack, pg_url: str, site: ArticleSite, queue: str
) -> None:
    links = page_links(site, 6)
    config = bot_config(queue=queue, queue_sweep_interval=1, queue_stalled_after=3, workers=3)
    site.hold.clear()  # pages hang until the database is gone: the outage hits work in flight
    async with bot_client(slack, pg_url, config=config) as client:
        for number, channel in enumerate(CHANNELS):
            await client.say(LinkPart(links[2 * number]), " ", LinkPart(links[2 * number + 1]), channel=channel)
        await eventually(lambda: len(site.log.paths) >= 3)
        await take_database_away(pg_url)
        try:
            site.hold.set()
            # Intake cannot store a new link now: 5xx, so that Slack delivers the event again later.
            late = event_callback(message_event(LinkPart(site.url("/hostile")), channel=CHANNELS[0]))
            status, _ = await client.send_event(late)
            assert status >= 500
            await asyncio.sleep(3)  # the workers meet the outage
            assert slack.messages == [] or all("went wrong" not in blocks_text(m) for m in slack.messages)
        finally:
            await bring_database_back(pg_url)
        status, _ = await client.send_event(late)  # Slack's retry
        assert status == 200
        await eventually(lambda: len(replies_per_share(slack)) >= len(links) + 1, within=60)
        await client.settled()
        shares = await client.shares()
    assert len(shares) == len(links) + 1
    assert [s.status for s in shares] == ["done"] * len(shares), [(s.id, s.status, s.error_code) for s in shares]
    assert replies_per_share(slack) == {s.id: 1 for s in shares}
    assert not any("went wrong" in blocks_text(m) or "went wrong" in (m.text or "") for m in slack.messages)
    for channel in CHANNELS:
        posted = [m.metadata["event_payload"]["share_id"] for m in slack.messages if m.channel == channel]
        assert posted == [s.id for s in shares if s.channel_id == channel]
