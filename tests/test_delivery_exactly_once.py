"""Exactly one reply per share when a post's fate is unknown: it outlived the client's timeout, or the process
was killed while posts were in flight (issue #10, item 4).

Every share reply carries message metadata naming its share; a share whose earlier attempt may have reached
Slack is looked for in its thread (`conversations.replies` with `include_all_metadata`) before it is posted
again. The fake Slack records a delayed post at once and answers it late, as Slack does when it takes a message
but the answer does not come back in time.
"""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import aiohttp
import fleet
from fakeslack import FakeSlack
from fleet import bot_process, fleet_env, page_links, replies_per_share, send_links, stored_shares, waiting_shares
from slackbot import ArticleSite, bot_client, bot_config, eventually
from slacksign import LinkPart

from bot.store.db import Database

CHANNEL = "C0DELIVERY"


# The fake Slack and the article pages, shared by the delivery and queue tests.
slack, site = fleet.slack, fleet.site


async def test_a_post_that_outlives_the_client_timeout_is_not_doubled(
    slack: FakeSlack, database: Database, site: ArticleSite
) -> None:
    slack.delay("chat.postMessage", 2.5, times=1)  # Slack takes the reply but answers after the client gave up
    config = bot_config(slack_timeout=1, slack_retry_min=0.2, slack_retry_max=0.5)
    async with bot_client(slack, database.url, config=config) as client:
        await client.say(LinkPart(site.url("/harbour")), " ", LinkPart(site.url("/train")), channel=CHANNEL)
        await client.settled()
        shares = await client.shares()
    assert [s.status for s in shares] == ["done", "done"]
    per_share = replies_per_share(slack)
    assert per_share == {shares[0].id: 1, shares[1].id: 1}
    # The first reply was found in the thread, not posted again: its recorded ts is the one Slack kept.
    [first] = [m for m in slack.messages if m.metadata and m.metadata["event_payload"]["share_id"] == shares[0].id]
    assert shares[0].reply_ts == first.ts
    lookups = slack.calls_to("conversations.replies")
    assert lookups
    assert lookups[0].params["ts"] == shares[0].thread_ts
    assert lookups[0].params["include_all_metadata"] in (True, "1", "true")
    # In link order all the same.
    assert [share_of_ts for share_of_ts in (m.metadata["event_payload"]["share_id"] for m in slack.messages)] == [
        shares[0].id,
        shares[1].id,
    ]


async def test_sigkill_while_posts_are_in_flight_then_restart_answers_every_link_once(
    slack: FakeSlack, site: ArticleSite, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'kill.db'}"
    channels = ["C0KILLA", "C0KILLB", "C0KILLC", "C0KILLD"]
    links = page_links(site, 8)
    slack.delay("chat.postMessage", 120, times=None)  # every post reaches Slack, no answer comes back
    env = fleet_env(slack, database_url, LINKBRIEF_SLACK_TIMEOUT="60")
    async with aiohttp.ClientSession() as http:
        async with bot_process(tmp_path, "serve", env) as first:
            await first.wait_healthy()
            for number, channel in enumerate(channels):
                await send_links(http, first, channel, links[2 * number : 2 * number + 2])
            await eventually(lambda: len(slack.messages) >= 3, within=60)
            first.process.send_signal(signal.SIGKILL)
            await first.process.wait()
        in_slack_at_kill = len(slack.messages)
        slack.clear_delays()
        async with bot_process(tmp_path, "serve", env) as second:
            await second.wait_healthy()
            started = time.monotonic()
            while await waiting_shares(database_url):
                assert time.monotonic() - started < 60, second.stderr
                await asyncio.sleep(0.2)
    shares = await stored_shares(database_url)
    assert len(shares) == len(links)
    assert all(s.status == "done" for s in shares), [(s.id, s.status, s.error_code) for s in shares]
    assert replies_per_share(slack) == {s.id: 1 for s in shares}, slack.messages
    assert in_slack_at_kill >= 3
    # The replies that had reached Slack before the kill were found in their threads, not posted again.
    assert len(slack.calls_to("conversations.replies")) >= in_slack_at_kill
    # And each thread got its answers in link order.
    for channel in channels:
        in_channel = [s.id for s in shares if s.channel_id == channel]
        posted = [m.metadata["event_payload"]["share_id"] for m in slack.messages if m.channel == channel]
        assert posted == in_channel
