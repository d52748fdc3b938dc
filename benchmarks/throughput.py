"""Throughput scaling on PostgreSQL: links answered per second by 1, 2 and 4 `linkbrief worker` processes.

    python -m benchmarks.throughput [--workers 1,2,4] [--links 181] [--channels 20] [--corpus ../shared/corpus]

For each number of processes: a new PostgreSQL database, that many real `linkbrief worker` processes (default
settings, the procrastinate queue; replies not paced per channel, so that the work and not Slack's pacing is
timed) against the test suite's fake Slack, the extraction corpus's pages served on 127.0.0.1 (each a new
article: one link per corpus page, `--links` beyond 181 repeat pages under new URLs). Once every process is
up and warm, the links are stored as intake stores them (`bot.store.shares.add_shares`, one transaction, in
`--channels` channels) and the clock runs until every one is answered in Slack and no share waits. The
`serve` process is left out on purpose: it takes events, and with the procrastinate queue it would answer
shares too, which would blur the count of processes doing the work.

Printed per row: links/s, wall time, CPU seconds per link over the whole process tree (every worker process,
its extraction pool's forkserver and workers, recycled ones included: `benchmarks/proctree.py`; this
process, which serves the pages and the fake Slack, is not counted), the cores the bot's processes kept busy
on average (CPU seconds / wall seconds), the cores used by everything else on the machine meanwhile (the
machine's non-idle CPU minus the bot's and this process's: PostgreSQL's work for the bot, and any other
work), and the load average. The machine has 2 cores and other work may run on it: the figures are reported
as they are, with "others' cores" saying how much of the machine the bot did not have.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
import psutil
import sqlalchemy as sa

from benchmarks.corpus_site import corpus_site, load_pages
from benchmarks.fleetrun import BotProcess, bot_env, postgres_database, run_migrate
from benchmarks.proctree import ProcessTree, subreaper
from bot.store import shares as share_store
from bot.store.db import Database
from bot.store.models import Share, ShareStatus

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the fake Slack lives with the tests

from fakeslack import FakeSlack  # noqa: E402

REPLY_EVENT_TYPE = "linkbrief_share"
TEAM = "T0FAKETEAM"


def machine_busy() -> float:
    """CPU seconds the whole machine has spent on anything but idling, since boot (every process, every core)."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def own_cpu() -> float:
    """CPU seconds of this process (the page server and the fake Slack): neither the bot's nor another's."""
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


async def one_row(
    processes: int, pages: dict[str, str], *, links_wanted: int, channels: int, limit: float
) -> dict[str, float | str]:
    workdir = Path(tempfile.mkdtemp(prefix="linkbrief-throughput-"))
    try:
        async with (
            postgres_database("linkbrief_throughput") as database_url,
            FakeSlack(wait_timeout=60) as slack,
            corpus_site(pages) as (_base, page_urls),
        ):
            env = bot_env(
                workdir,
                SLACK_BOT_TOKEN=slack.bot_token,
                SLACK_SIGNING_SECRET="throughput-secret",  # noqa: S106 - workers take no requests
                LINKBRIEF_SLACK_API_URL=slack.api_url,
                DATABASE_URL=database_url,
                LINKBRIEF_CHANNEL_POST_INTERVAL="0",
                # The workers defer the jobs of channels with waiting shares at each sweep: within 1 s here.
                LINKBRIEF_QUEUE_SWEEP_INTERVAL="1",
            )
            await run_migrate(env, workdir)
            workers = [BotProcess(f"worker-{n}", "worker", env, workdir) for n in range(1, processes + 1)]
            database = Database(database_url)
            try:
                async with aiohttp.ClientSession() as http:
                    for worker in workers:
                        await worker.start()
                    await asyncio.gather(*(w.wait_healthy(http) for w in workers))
                assert workers[0].process is not None
                tree = ProcessTree(workers[0].process.pid)
                await asyncio.sleep(3)  # start-up work (pool warm-up) settles before the clock starts
                base_ts = int(time.time())
                shares = [
                    share_store.NewShare(
                        team_id=TEAM,
                        channel_id=f"C0TPUT{number % channels:02d}",
                        channel_type="channel",
                        message_ts=f"{base_ts}.{number:06d}",
                        thread_ts=f"{base_ts}.{number:06d}",
                        user_id="U0TPUT",
                        url=page_urls[number % len(page_urls)] + (f"?n={number}" if number >= len(page_urls) else ""),
                    )
                    for number in range(links_wanted)
                ]
                load_before = os.getloadavg()[0]
                cpu_before = tree.cpu()
                machine_before, own_before = machine_busy(), own_cpu()
                started = time.monotonic()
                async with database.session() as session, session.begin():
                    await share_store.add_shares(session, shares)
                while True:
                    await asyncio.sleep(0.2)
                    replies = sum(1 for m in slack.messages if (m.metadata or {}).get("event_type") == REPLY_EVENT_TYPE)
                    if replies >= links_wanted:
                        async with database.session(read_only=True) as session:
                            waiting = await share_store.count_by_status(session, ("pending", "working"))
                        if not sum(waiting.values()):
                            break
                    if time.monotonic() - started > limit:
                        raise SystemExit(f"{processes} workers: only {replies} of {links_wanted} answered in {limit} s")
                elapsed = time.monotonic() - started
                cpu = tree.cpu() - cpu_before
                others = machine_busy() - machine_before - cpu.total - (own_cpu() - own_before)
                load_after = os.getloadavg()[0]
                async with database.session(read_only=True) as session:
                    states = await share_store.count_by_status(session)
                    failures = Counter(
                        code or "?"
                        for code in await session.scalars(
                            sa.select(Share.error_code).where(Share.status == ShareStatus.FAILED.value)
                        )
                    )
            finally:
                await database.dispose()
                await asyncio.gather(*(w.stop() for w in workers))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "processes": processes,
        "links": links_wanted,
        "seconds": elapsed,
        "links_per_s": links_wanted / elapsed,
        "cpu_ms_per_link": cpu.total * 1000 / links_wanted,
        "load_before": load_before,
        "load_after": load_after,
        "others_cores": max(0.0, others) / elapsed,
        "own_cores": cpu.total / elapsed,
        "done": states.get("done", 0),
        "failed": states.get("failed", 0),
        "failures": ", ".join(f"{code} {n}" for code, n in failures.most_common()),
    }


async def main_async(args: argparse.Namespace) -> int:
    pages = load_pages(Path(args.corpus))
    counts = [int(n) for n in args.workers.split(",")]
    print(
        f"{args.links} links (corpus pages served on 127.0.0.1), {args.channels} channels, PostgreSQL, "
        f"{os.cpu_count()} cores"
    )
    print(
        "workers  links/s  wall s  CPU ms/link (process tree)  bot cores  others' cores  done/failed  "
        "load avg before→after"
    )
    with subreaper():
        for count in counts:
            row = await one_row(count, pages, links_wanted=args.links, channels=args.channels, limit=args.limit)
            print(
                f"{count:7d}  {row['links_per_s']:7.2f}  {row['seconds']:6.1f}  {row['cpu_ms_per_link']:26.0f}"
                f"  {row['own_cores']:9.2f}  {row['others_cores']:13.2f}"
                f"  {row['done']:4d}/{row['failed']:<6d}  {row['load_before']:.1f}→{row['load_after']:.1f}"
                f"  (failed: {row['failures'] or 'none'})",
                flush=True,
            )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.throughput", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2,4", help="numbers of worker processes, comma-separated")
    parser.add_argument("--links", type=int, default=181)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--limit", type=float, default=600.0, help="seconds one row may take")
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
