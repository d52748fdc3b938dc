"""The periodic sweep of the procrastinate queue runs every LINKBRIEF_QUEUE_SWEEP_INTERVAL seconds.

Found by the chaos benchmark: the sweep's six-field cron had its seconds first, which procrastinate (croniter)
reads as minutes, so with the default interval of 10 the sweep ran every second of minutes :00, :10, … and
not at all in between. A process killed at :51 had its jobs taken back only at :00: every one of its
channels stalled for up to nine minutes (185 of 1,000 links in one run). The other queue tests sweep every
second, where both readings agree.
"""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import croniter
import fleet
import pytest
from fakeslack import FakeSlack
from fleet import bot_process, fleet_env, replies_per_share, send_links, stored_shares
from slackbot import ArticleSite, eventually
from test_queue_processes import doing_jobs_per_worker, twenty_links, wait_until_answered

from bot.queue import sweep_cron

STALLED_AFTER = 3
SWEEP_INTERVAL = 7  # not 1: every reading of a cron agrees on "every second"

slack, site = fleet.slack, fleet.site


@pytest.mark.parametrize("interval", [1, 2, 7, 10, 30, 59])
def test_the_sweep_ticks_every_interval_seconds_at_any_time_of_the_hour(interval: int) -> None:
    """Read as procrastinate reads it (croniter), from starts spread over an hour: the next tick comes within
    `interval` seconds, and so does each one after it."""
    for start_second in range(0, 3600, 97):
        start = datetime(2026, 12, 5, 8, 0, tzinfo=UTC) + timedelta(seconds=start_second)
        ticks = croniter.croniter(sweep_cron(interval), start)
        previous = start
        for _ in range(130):
            tick = ticks.get_next(datetime)
            assert 0 < (tick - previous).total_seconds() <= interval, (sweep_cron(interval), previous, tick)
            previous = tick


@pytest.mark.postgresql
async def test_a_killed_worker_is_swept_within_the_bound_with_a_sweep_interval_above_one(
    slack: FakeSlack, site: ArticleSite, pg_url: str, tmp_path: Path
) -> None:
    env = fleet_env(
        slack,
        pg_url,
        LINKBRIEF_QUEUE_STALLED_AFTER=str(STALLED_AFTER),
        LINKBRIEF_QUEUE_SWEEP_INTERVAL=str(SWEEP_INTERVAL),
        LINKBRIEF_WORKERS="2",
    )
    channels = ["C0SWEEPA", "C0SWEEPB", "C0SWEEPC", "C0SWEEPD"]
    links = twenty_links(site)[:8]
    site.hold.clear()
    async with aiohttp.ClientSession() as http, bot_process(tmp_path, "serve", env) as serve:
        await serve.wait_healthy()
        async with bot_process(tmp_path, "worker", env) as worker:
            await worker.wait_healthy()
            for number, channel in enumerate(channels):
                await send_links(http, serve, channel, links[2 * number : 2 * number + 2])
            await eventually(lambda: len(site.log.paths) >= 4, within=30)

            async def both_busy() -> bool:
                return len(await doing_jobs_per_worker(pg_url)) == 2

            await eventually(both_busy, within=30)
            worker.process.send_signal(signal.SIGKILL)
            await worker.process.wait()
            killed_at = time.monotonic()
        site.hold.set()
        await wait_until_answered(pg_url, 90, serve)
        recovered_after = time.monotonic() - killed_at
        assert "queue_job_stalled" in serve.stderr
    shares = await stored_shares(pg_url)
    assert all(s.status == "done" for s in shares), [(s.id, s.status, s.error_code) for s in shares]
    assert replies_per_share(slack) == {s.id: 1 for s in shares}
    # Stalled after 3 s, swept within 7 s, fetched at once; plus reading 8 pages on one process.
    assert recovered_after < STALLED_AFTER + SWEEP_INTERVAL + 15, recovered_after
