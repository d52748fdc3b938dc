"""Channel digests (issue #12, item 3): `/brief digest …` through signed slash commands, digests posted on
schedule by the real bot against the fake Slack with a controllable clock, on both real databases; the periods
across time zones and daylight saving; and one digest per period with several real processes on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa
from clirun import clean_env, run_cli
from fakeslack import FakeSlack, PostedMessage
from fleet import bot_process, fleet_env, send_links, waiting_shares
from slackbot import ArticleSite, BotClient, article_site, blocks_text, bot_client, eventually
from slacksign import LinkPart

from bot.slack.digests import (
    MARK_EVENT,
    BadDigestRequest,
    DigestRequest,
    latest_period,
    next_digest,
    parse_digest_command,
)
from bot.store import digests as digest_store
from bot.store.db import Database
from bot.store.digests import DigestSchedule
from bot.store.models import Share, utcnow

CHANNEL = "C0DIGEST"
BOT = "U0FAKEBOT"


def schedule(
    cadence: str = "weekly", *, weekday: int | None = 0, at: str = "09:00", zone: str = "UTC"
) -> DigestSchedule:
    hour, minute = (int(part) for part in at.split(":"))
    return DigestSchedule(
        channel_id=CHANNEL,
        team_id="T0TEST",
        cadence=cadence,
        weekday=weekday if cadence == "weekly" else None,
        at_minute=hour * 60 + minute,
        time_zone=zone,
        since=datetime(2026, 1, 1, tzinfo=UTC),
    )


# ------------------------------------------------------------------------------------------- parsing


def test_the_digest_command_reads_cadence_day_time_and_time_zone_in_any_order() -> None:
    assert parse_digest_command("digest") == DigestRequest("status")
    assert parse_digest_command("digest off") == DigestRequest("off")
    assert parse_digest_command("digest weekly") == DigestRequest("weekly", weekday=0, at_minute=540)
    assert parse_digest_command("digest daily 18:30") == DigestRequest("daily", at_minute=18 * 60 + 30)
    assert parse_digest_command("Digest Weekly Friday 4:30pm Europe/Paris") == DigestRequest(
        "weekly", weekday=4, at_minute=16 * 60 + 30, time_zone="Europe/Paris"
    )
    assert parse_digest_command("digest weekly America/New_York 07:05 tue") == DigestRequest(
        "weekly", weekday=1, at_minute=7 * 60 + 5, time_zone="America/New_York"
    )
    assert parse_digest_command("ask what is a digest?") is None
    assert parse_digest_command("digestive biscuits") is None


@pytest.mark.parametrize(
    "text",
    ["digest hourly", "digest weekly 25:00", "digest weekly Mars/Olympus", "digest daily monday", "digest off now"],
)
def test_a_digest_command_it_cannot_read_says_how_to_ask(text: str) -> None:
    with pytest.raises(BadDigestRequest) as refused:
        parse_digest_command(text)
    assert "digest" in str(refused.value)
    assert len(str(refused.value)) < 400


# ------------------------------------------------------------------------------------------- periods


def test_a_weekly_period_ends_at_the_last_scheduled_local_time() -> None:
    paris = schedule(weekday=0, at="09:00", zone="Europe/Paris")
    # Monday 30 Nov 2026, 08:30 UTC = 09:30 in Paris (UTC+1): the period ending at 09:00 Paris has just ended.
    start, end = latest_period(paris, datetime(2026, 11, 30, 8, 30, tzinfo=UTC))
    assert (start, end) == (datetime(2026, 11, 23, 8, 0, tzinfo=UTC), datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    # 07:59 UTC the same day is 08:59 in Paris: the latest ended period is the week before.
    start, end = latest_period(paris, datetime(2026, 11, 30, 7, 59, tzinfo=UTC))
    assert end == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert next_digest(paris, datetime(2026, 11, 30, 7, 59, tzinfo=UTC)) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_a_period_across_a_daylight_saving_change_keeps_the_local_time() -> None:
    paris = schedule(weekday=0, at="09:00", zone="Europe/Paris")
    # Clocks went forward on Sunday 29 Mar 2026: the week before ended at 08:00 UTC, this one at 07:00 UTC.
    start, end = latest_period(paris, datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
    assert start == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    daily = schedule("daily", at="00:30", zone="America/Los_Angeles")
    start, end = latest_period(daily, datetime(2026, 3, 9, 12, 0, tzinfo=UTC))  # after the US change on 8 Mar
    assert end - start == timedelta(hours=23)


def test_a_daily_period_is_the_day_before_the_scheduled_time() -> None:
    daily = schedule("daily", at="18:00", zone="UTC")
    assert latest_period(daily, datetime(2026, 12, 4, 18, 0, tzinfo=UTC)) == (
        datetime(2026, 12, 3, 18, 0, tzinfo=UTC),
        datetime(2026, 12, 4, 18, 0, tzinfo=UTC),
    )
    assert latest_period(daily, datetime(2026, 12, 4, 17, 59, tzinfo=UTC))[1] == datetime(
        2026, 12, 3, 18, 0, tzinfo=UTC
    )


# ------------------------------------------------------------------------------------------- the bot


class Clock:
    """The time the bot's digests see; the test moves it."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_channel(CHANNEL, name="reading", members=["U0ALICE", "U0BOB", BOT])
        fake.add_user("U0ALICE", name="alice")
        fake.add_user("U0BOB", name="bob")
        fake.add_user("U0EVE", name="eve")
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


@pytest.fixture
async def client(slack: FakeSlack, database: Database) -> AsyncIterator[BotClient]:
    async with bot_client(slack, database.url) as bot:
        yield bot


@pytest.fixture
def clock(client: BotClient) -> Clock:
    fake = Clock()
    client.bot.digests.clock = fake
    return fake


def digests_posted(client: BotClient) -> list[PostedMessage]:
    return [m for m in client.posted(CHANNEL) if (m.metadata or {}).get("event_type") == MARK_EVENT]


async def ephemeral_text(client: BotClient, text: str, user: str = "U0ALICE") -> str:
    status, body, response_url = await client.command(text, user_id=user, channel_id=CHANNEL)
    assert status == 200
    if body:
        return json.dumps(json.loads(body))
    [posted] = await client.slack.wait_for_response_posts(response_url)
    return json.dumps(posted.body)


async def test_only_members_set_a_digest_and_anyone_can_read_the_setting(client: BotClient, clock: Clock) -> None:
    refused = await ephemeral_text(client, "digest weekly", user="U0EVE")
    assert "Only members" in refused
    set_now = await ephemeral_text(client, "digest weekly friday 16:30 Europe/Paris")
    assert "every Friday at 16:30 (Europe/Paris)" in set_now
    status = await ephemeral_text(client, "digest", user="U0EVE")
    assert "every Friday at 16:30 (Europe/Paris)" in status
    async with client.bot.database.session(read_only=True) as session:
        stored = await digest_store.schedule_of(session, CHANNEL)
    assert stored is not None
    assert (stored.cadence, stored.weekday, stored.at_minute, stored.time_zone) == ("weekly", 4, 990, "Europe/Paris")
    bad = await ephemeral_text(client, "digest weekly at noonish")
    assert "did not understand" in bad
    assert "No digest here" in await ephemeral_text(client, "digest off")
    async with client.bot.database.session(read_only=True) as session:
        assert await digest_store.schedule_of(session, CHANNEL) is None


async def test_a_digest_lists_the_period_most_shared_first_once_and_nothing_for_an_empty_period(
    client: BotClient, clock: Clock, site: ArticleSite, slack: FakeSlack
) -> None:
    await ephemeral_text(client, "digest daily 09:00")
    for path in ("/hostile", "/orchard", "/orchard", "/train"):
        await client.say("look ", LinkPart(site.url(path)), channel=CHANNEL, user="U0ALICE")
    await client.settled()
    summaries = len(client.posted(CHANNEL))
    assert summaries == 4  # three summaries and one "shared before" pointer

    # Before the period ends: nothing.
    assert await client.bot.digests.tick() == 0
    due = next_digest(await current_schedule(client), clock.now)
    clock.now = due + timedelta(minutes=1)
    await client.bot.digests.tick()
    await eventually(lambda: len(digests_posted(client)) == 1)
    [digest] = digests_posted(client)
    assert digest.thread_ts is None  # in the channel, not in a thread
    text = blocks_text(digest)
    assert "Daily digest" in text
    assert "3 articles shared (4 shares)" in text
    orchard, hostile = text.index("shared 2 times"), text.index(site.url("/hostile"))
    assert orchard < hostile  # most shared first
    threads = [block for block in digest.blocks if block["type"] == "context" and "|thread>" in str(block)]
    assert len(threads) == 3  # each article links to the thread where it was shared
    assert f"/archives/{CHANNEL}/p" in str(threads[0])
    # The hostile page's site name and TL;DR are escaped like every reply: no markup of the page's reaches Slack.
    for markup in ("<!channel>", "<!here>", "<!everyone>", "<https://evil.example"):
        assert markup not in text

    # Ticks later in the period, and a tick of a process that started later: nothing more.
    clock.now = due + timedelta(hours=3)
    assert await client.bot.digests.tick() == 0
    assert len(digests_posted(client)) == 1
    # The next day: the period had no share, so nothing is posted, and the period is recorded as empty.
    clock.now = due + timedelta(days=1, minutes=1)
    assert await client.bot.digests.tick() == 0
    async with client.bot.database.session(read_only=True) as session:
        runs = await digest_store.digests_of(session, CHANNEL)
    assert [(r.status, r.articles, r.shares) for r in runs] == [("posted", 3, 4), ("empty", 0, 0)]
    assert runs[0].reply_ts == digest.ts
    assert len(digests_posted(client)) == 1


async def current_schedule(client: BotClient) -> DigestSchedule:
    async with client.bot.database.session(read_only=True) as session:
        found = await digest_store.schedule_of(session, CHANNEL)
    assert found is not None
    return found


async def test_a_digest_slack_took_but_did_not_confirm_is_not_posted_twice(
    slack: FakeSlack, database: Database, site: ArticleSite
) -> None:
    async with bot_client(slack, database.url, slack_timeout=1.0) as client:
        clock = Clock()
        client.bot.digests.clock = clock
        await _digest_taken_but_not_confirmed(client, clock, site, slack)


async def _digest_taken_but_not_confirmed(client: BotClient, clock: Clock, site: ArticleSite, slack: FakeSlack) -> None:
    await ephemeral_text(client, "digest weekly")
    await client.say("look ", LinkPart(site.url("/harbour")), channel=CHANNEL, user="U0ALICE")
    await client.settled()
    clock.now = next_digest(await current_schedule(client), clock.now) + timedelta(minutes=1)
    # Slack records the post but answers after the client gave up (1 s): the digest stays claimed, unconfirmed.
    slack.delay("chat.postMessage", 3.0)
    assert await client.bot.digests.tick() == 0
    assert len(digests_posted(client)) == 1
    # Before the claim is stale, no other tick takes it; after, the taker finds it in the channel.
    assert await client.bot.digests.tick() == 0
    client.bot.digests.stale_after = timedelta(0)
    assert await client.bot.digests.tick() == 0
    assert len(digests_posted(client)) == 1
    async with client.bot.database.session(read_only=True) as session:
        [run] = await digest_store.digests_of(session, CHANNEL)
    assert (run.status, run.reply_ts, run.attempts) == ("posted", digests_posted(client)[0].ts, 2)


async def test_a_digest_lost_in_a_slack_outage_is_posted_when_slack_is_back(
    client: BotClient, clock: Clock, site: ArticleSite, slack: FakeSlack
) -> None:
    await ephemeral_text(client, "digest weekly")
    await client.say("look ", LinkPart(site.url("/harbour")), channel=CHANNEL, user="U0ALICE")
    await client.settled()
    clock.now = next_digest(await current_schedule(client), clock.now) + timedelta(minutes=1)
    slack.fail("chat.postMessage", "service_unavailable", channel=CHANNEL)
    assert await client.bot.digests.tick() == 0
    assert digests_posted(client) == []
    slack.clear_failures()
    client.bot.digests.stale_after = timedelta(0)
    assert await client.bot.digests.tick() == 1
    assert len(digests_posted(client)) == 1


# ------------------------------------------------------------------------------------------- processes


@pytest.mark.postgresql
async def test_two_worker_processes_and_a_serve_post_one_digest_per_period(
    slack: FakeSlack, site: ArticleSite, pg_url: str, tmp_path: Path
) -> None:
    env = fleet_env(slack, pg_url, LINKBRIEF_DIGEST_INTERVAL="1", LINKBRIEF_WORKERS="2")
    slack.add_channel(CHANNEL, name="reading", members=["U0ALICE", BOT])
    migrated = await run_cli("migrate", env=clean_env(tmp_path, **env), cwd=tmp_path)
    assert migrated.code == 0, migrated.stderr
    async with (
        aiohttp.ClientSession() as http,
        bot_process(tmp_path, "serve", env) as serve,
        bot_process(tmp_path, "worker", env) as first,
        bot_process(tmp_path, "worker", env) as second,
    ):
        for process in (serve, first, second):
            await process.wait_healthy()
        await send_links(http, serve, CHANNEL, [site.url("/harbour"), site.url("/orchard")])
        await eventually(lambda: _no_waiting(pg_url), within=60)
        # The shares were made ten minutes ago, and the daily digest is due five minutes ago: every process's
        # next tick finds the same period to post.
        database = Database(pg_url)
        try:
            async with database.session() as session, session.begin():
                for share_id, created_at in (await session.execute(sa.select(Share.id, Share.created_at))).all():
                    earlier = created_at - timedelta(minutes=10)
                    await session.execute(sa.update(Share).where(Share.id == share_id).values(created_at=earlier))
                due = utcnow() - timedelta(minutes=5)
                await digest_store.set_schedule(
                    session,
                    DigestSchedule(
                        channel_id=CHANNEL,
                        team_id="T0TEST",
                        cadence="daily",
                        weekday=None,
                        at_minute=due.hour * 60 + due.minute,
                        time_zone="UTC",
                        since=utcnow() - timedelta(days=2),
                    ),
                    user_id="U0ALICE",
                )
            await eventually(
                lambda: any((m.metadata or {}).get("event_type") == MARK_EVENT for m in slack.messages), within=30
            )
            await asyncio.sleep(4)  # several more ticks in each process
            async with database.session(read_only=True) as session:
                runs = await digest_store.digests_of(session, CHANNEL)
        finally:
            await database.dispose()
    digests = [m for m in slack.messages if (m.metadata or {}).get("event_type") == MARK_EVENT]
    assert len(digests) == 1
    assert "2 articles shared" in blocks_text(digests[0])
    assert [(r.status, r.articles) for r in runs] == [("posted", 2)]


async def _no_waiting(pg_url: str) -> bool:
    return await waiting_shares(pg_url) == 0
