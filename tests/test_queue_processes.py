"""Many processes, one PostgreSQL, procrastinate between them (issue #10, item 6): real `linkbrief serve` and
`linkbrief worker` processes against the fake Slack, killed for real.

- Two `serve` processes on one database, links sent to both: each link answered exactly once, in link order per
  channel; the second one starting while the first has work in flight takes none of it over.
- `serve` + `worker`, the worker SIGKILLed while its jobs are in flight: the survivor finishes them within the
  documented bound (LINKBRIEF_QUEUE_STALLED_AFTER + LINKBRIEF_QUEUE_SWEEP_INTERVAL + poll, here 3 + 1 + 0.2 s,
  plus the work itself).
- `serve` + `worker`, both with replies sent to Slack and not answered yet, the worker SIGKILLed: every link is
  answered exactly once (the dead process's replies are found in their threads, not posted again).
- `linkbrief migrate` applies procrastinate's schema, idempotently.
"""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import aiohttp
import asyncpg
import fleet
import pytest
from clirun import clean_env, run_cli
from conftest import _asyncpg_dsn
from fakeslack import FakeSlack
from fleet import bot_process, fleet_env, replies_per_share, send_links, stored_shares, waiting_shares
from slackbot import ArticleSite, eventually

pytestmark = pytest.mark.postgresql

STALLED_AFTER = 3
SWEEP_INTERVAL = 1


# The fake Slack and the article pages, shared by the delivery and queue tests.
slack, site = fleet.slack, fleet.site


def queue_env(slack: FakeSlack, pg_url: str) -> dict[str, str]:
    return fleet_env(
        slack,
        pg_url,
        LINKBRIEF_QUEUE_STALLED_AFTER=str(STALLED_AFTER),
        LINKBRIEF_QUEUE_SWEEP_INTERVAL=str(SWEEP_INTERVAL),
        LINKBRIEF_WORKERS="2",
    )


def twenty_links(site: ArticleSite) -> list[str]:
    pages = ["/harbour", "/orchard", "/train", "/mixed-ho", "/mixed-ot", "/mixed-th", "/hostile"]
    return [site.url(pages[n % len(pages)]) + f"?n={n}" for n in range(20)]


async def wait_until_answered(pg_url: str, within: float, *processes: object) -> float:
    started = time.monotonic()
    while await waiting_shares(pg_url):
        assert time.monotonic() - started < within, [getattr(p, "stderr", "") for p in processes]
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def doing_jobs_per_worker(pg_url: str) -> dict[int, int]:
    connection = await asyncpg.connect(_asyncpg_dsn(pg_url))
    try:
        rows = await connection.fetch(
            "SELECT worker_id, count(*) AS jobs FROM procrastinate_jobs WHERE status = 'doing' GROUP BY worker_id"
        )
    finally:
        await connection.close()
    return {row["worker_id"]: row["jobs"] for row in rows}


async def test_two_serve_processes_answer_each_of_20_links_once_in_order(
    slack: FakeSlack, site: ArticleSite, pg_url: str, tmp_path: Path
) -> None:
    env = queue_env(slack, pg_url)
    channels = ["C0TWOA", "C0TWOB", "C0TWOC", "C0TWOD"]
    links = twenty_links(site)
    migrated = await run_cli("migrate", env=clean_env(tmp_path, **env), cwd=tmp_path)
    assert migrated.code == 0, migrated.stderr
    site.hold.clear()  # the first process's work stays in flight while the second one starts
    async with aiohttp.ClientSession() as http, bot_process(tmp_path, "serve", env) as first:
        await first.wait_healthy()
        await send_links(http, first, channels[0], links[:3])
        await eventually(lambda: len(site.log.paths) >= 1, within=30)
        async with bot_process(tmp_path, "serve", env) as second:
            await second.wait_healthy()
            site.hold.set()
            for number, url in enumerate(links[3:], start=3):
                target = first if number % 2 else second
                await send_links(http, target, channels[number % len(channels)], [url])
            await wait_until_answered(pg_url, 60, first, second)
            assert "shares_requeued" not in first.stderr + second.stderr
    shares = await stored_shares(pg_url)
    assert len(shares) == 20
    assert all(s.status == "done" for s in shares), [(s.id, s.status, s.error_code) for s in shares]
    assert replies_per_share(slack) == {s.id: 1 for s in shares}
    for channel in channels:
        posted = [m.metadata["event_payload"]["share_id"] for m in slack.messages if m.channel == channel]
        assert posted == [s.id for s in shares if s.channel_id == channel]


async def test_a_killed_worker_process_has_its_jobs_finished_by_serve_within_the_bound(
    slack: FakeSlack, site: ArticleSite, pg_url: str, tmp_path: Path
) -> None:
    env = queue_env(slack, pg_url)
    channels = ["C0KILLQA", "C0KILLQB", "C0KILLQC", "C0KILLQD"]
    links = twenty_links(site)[:8]
    site.hold.clear()
    async with aiohttp.ClientSession() as http, bot_process(tmp_path, "serve", env) as serve:
        await serve.wait_healthy()
        async with bot_process(tmp_path, "worker", env) as worker:
            await worker.wait_healthy()
            for number, channel in enumerate(channels):
                await send_links(http, serve, channel, links[2 * number : 2 * number + 2])
            # Both processes hold jobs (2 channels each: LINKBRIEF_WORKERS=2), all waiting for their pages.
            await eventually(lambda: len(site.log.paths) >= 4, within=30)

            async def both_busy() -> bool:
                return len(await doing_jobs_per_worker(pg_url)) == 2

            await eventually(both_busy, within=30)
            worker.process.send_signal(signal.SIGKILL)
            await worker.process.wait()
            killed_at = time.monotonic()
        site.hold.set()
        took = await wait_until_answered(pg_url, 60, serve)
        recovered_after = time.monotonic() - killed_at
        assert "queue_job_stalled" in serve.stderr
    shares = await stored_shares(pg_url)
    assert all(s.status == "done" for s in shares), [(s.id, s.status, s.error_code) for s in shares]
    assert replies_per_share(slack) == {s.id: 1 for s in shares}
    # The bound: stalled after 3 s, swept within 1 s, fetched at once; plus reading 8 pages on one process.
    assert recovered_after < STALLED_AFTER + SWEEP_INTERVAL + 15, (recovered_after, took)
    for channel in channels:
        posted = [m.metadata["event_payload"]["share_id"] for m in slack.messages if m.channel == channel]
        assert posted == [s.id for s in shares if s.channel_id == channel]


async def test_migrate_applies_the_queue_schema_once(pg_url: str, tmp_path: Path) -> None:
    env = clean_env(tmp_path, DATABASE_URL=pg_url)
    first = await run_cli("migrate", env=env, cwd=tmp_path)
    again = await run_cli("migrate", env=env, cwd=tmp_path)
    assert first.code == 0, first.stderr
    assert "queue schema installed" in first.stdout
    assert again.code == 0, again.stderr
    assert "queue schema up to date" in again.stdout
    connection = await asyncpg.connect(_asyncpg_dsn(pg_url))
    try:
        assert await connection.fetchval("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
    finally:
        await connection.close()


async def doing_channels_per_worker(pg_url: str) -> dict[int, set[str]]:
    """The channels whose jobs each procrastinate worker is running now."""
    connection = await asyncpg.connect(_asyncpg_dsn(pg_url))
    try:
        rows = await connection.fetch(
            "SELECT worker_id, args->>'channel_id' AS channel FROM procrastinate_jobs WHERE status = 'doing'"
        )
    finally:
        await connection.close()
    found: dict[int, set[str]] = {}
    for row in rows:
        if row["channel"] is not None:  # the periodic tasks (sweep, digests) name no channel
            found.setdefault(row["worker_id"], set()).add(row["channel"])
    return found


async def test_sigkill_of_a_worker_while_its_posts_are_in_flight_every_link_answered_once(
    slack: FakeSlack, site: ArticleSite, pg_url: str, tmp_path: Path
) -> None:
    """Two processes on the queue, both with replies sent to Slack and not yet answered; one is SIGKILLed. The
    survivor takes the dead one's channels over and finds those replies in their threads instead of posting
    them again; its own timed-out posts are found the same way."""
    env = queue_env(slack, pg_url) | {"LINKBRIEF_SLACK_TIMEOUT": "15"}
    channels = ["C0INFLA", "C0INFLB", "C0INFLC", "C0INFLD"]
    links = twenty_links(site)[:8]
    migrated = await run_cli("migrate", env=clean_env(tmp_path, **env), cwd=tmp_path)
    assert migrated.code == 0, migrated.stderr
    async with aiohttp.ClientSession() as http, bot_process(tmp_path, "serve", env) as serve:
        await serve.wait_healthy()
        async with bot_process(tmp_path, "worker", env) as worker:
            await worker.wait_healthy()
            slack.delay("chat.postMessage", 30, times=None)  # every post reaches Slack; no answer comes back
            for number, channel in enumerate(channels):
                await send_links(http, serve, channel, links[2 * number : 2 * number + 2])
            # Each of the 4 channel jobs has posted its first reply and waits for Slack's answer; with
            # LINKBRIEF_WORKERS=2 each process runs 2 of them.
            doing: dict[int, set[str]] = {}

            async def two_each() -> bool:
                nonlocal doing
                if {m.channel for m in slack.messages} != set(channels):
                    return False
                doing = await doing_channels_per_worker(pg_url)
                return sorted(len(held) for held in doing.values()) == [2, 2]

            # A periodic task (sweep, digests) may hold a slot for a moment: looked at again until it does not.
            await eventually(two_each, within=60)
            in_slack_at_kill = {m.channel for m in slack.messages}
            worker.process.send_signal(signal.SIGKILL)
            await worker.process.wait()
            slack.clear_delays()
        await wait_until_answered(pg_url, 90, serve)
        stalled = [line for line in serve.stderr.splitlines() if "queue_job_stalled" in line]
    shares = await stored_shares(pg_url)
    assert len(shares) == len(links)
    assert all(s.status == "done" for s in shares), [(s.id, s.status, s.error_code) for s in shares]
    assert replies_per_share(slack) == {s.id: 1 for s in shares}, slack.messages
    # The killed process's jobs were taken for stalled and their channels had replies in Slack when it died.
    dead_channels = {channel for held in doing.values() for channel in held if channel in " ".join(stalled)}
    assert len(dead_channels) == 2, (doing, stalled)
    assert dead_channels <= in_slack_at_kill
    # Every reply in flight at the kill (2 of the dead process, 2 of the survivor, timed out) was found in its
    # thread rather than posted again.
    assert serve.stderr.count("reply_found_in_thread") >= 4, serve.stderr
    for channel in channels:
        posted = [m.metadata["event_payload"]["share_id"] for m in slack.messages if m.channel == channel]
        assert posted == [s.id for s in shares if s.channel_id == channel]
