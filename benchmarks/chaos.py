"""Chaos: links answered exactly once while processes are killed, the database goes away and Slack fails.

    python -m benchmarks.chaos [--database postgresql|sqlite|both] [--links 1000] [--rate 10] [--seed 1]
                               [--corpus ../shared/corpus]

Everything on 127.0.0.1: the test suite's fake Slack (tests/fakeslack.py) and the extraction corpus's pages
served from this process; the bot as real `linkbrief` processes with default settings.

- **PostgreSQL**: 2 `linkbrief serve` (HTTP mode; the events are spread over both, as a load balancer
  would) and 2 `linkbrief worker` processes on a new database, the procrastinate queue between them.
- **SQLite**: one `linkbrief serve` (the embedded queue).

`--links` links (default 1,000; corpus pages behind distinct URLs), one per message, in 25 channels, are sent
as signed message events at `--rate` per second. An event that is not answered 200 (the process is down, the
database is away) is sent again, as Slack does. Meanwhile, every fault really happens, and is printed when it
does:

- every 20 s, a process chosen at random is SIGKILLed and started again (until every link is answered);
- PostgreSQL only: the database is made unreachable for 15 s once (`ALLOW_CONNECTIONS false` and every
  backend terminated), 30 s into the run;
- Slack answers HTTP 500 to every Web API call for 60 s once, 60 s into the run.

Printed: replies per link (the bar: exactly 1 for every link; any link with 0 or 2+ is listed), the time to
drain (from the last link accepted to the last link answered), the longest wait of any link (first send to
its reply), and the faults done. The run ends when every link has a reply and no share waits, or after
`--limit` seconds (then the links without a reply are listed). The processes' logs are kept when a bar is
missed (the folder is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from benchmarks.corpus_site import corpus_site, load_pages, percentile
from benchmarks.fleetrun import (
    BotProcess,
    bot_env,
    bring_database_back,
    postgres_database,
    run_migrate,
    take_database_away,
)
from benchmarks.slack import SECRET, event_body, signed
from bot.store import shares as share_store
from bot.store.db import Database
from bot.store.models import Share

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the fake Slack lives with the tests

from fakeslack import FakeSlack  # noqa: E402

REPLY_EVENT_TYPE = "linkbrief_share"
CHANNELS = 25
KILL_EVERY = 20.0
DB_OUTAGE_AT, DB_OUTAGE_FOR = 30.0, 15.0
SLACK_OUTAGE_AT, SLACK_OUTAGE_FOR = 60.0, 60.0
RESTART_AFTER = 1.0  # seconds between a kill and the new start (a supervisor's restart delay)
# What a real Slack outage takes away: every Web API method the bot calls.
SLACK_METHODS = (
    "chat.postMessage",
    "conversations.replies",
    "conversations.history",
    "chat.getPermalink",
    "reactions.add",
    "reactions.remove",
    "users.info",
    "auth.test",
)


@dataclass
class Link:
    url: str
    channel: str
    ts: str
    body: str
    first_sent: float = 0.0
    accepted: float | None = None
    sends: int = 0


@dataclass
class Run:
    """What happened in one run, for the report."""

    database: str
    started: float = field(default_factory=time.monotonic)
    faults: list[str] = field(default_factory=list)
    kills: int = 0
    unexpected_exits: list[str] = field(default_factory=list)

    def at(self) -> float:
        return time.monotonic() - self.started

    def note(self, text: str) -> None:
        line = f"  [{self.at():6.1f} s] {text}"
        self.faults.append(line)
        print(line, flush=True)


# ---------------------------------------------------------------------------------------------- sending


async def send_until_accepted(http: aiohttp.ClientSession, serves: list[BotProcess], link: Link, first: int) -> None:
    """POST the event to a `serve` process until one answers 200, trying the others in turn (a load balancer
    routes around a dead replica; Slack sends an event again after a failure)."""
    link.first_sent = time.monotonic()
    attempt = 0
    while True:
        target = serves[(first + attempt) % len(serves)]
        headers = signed(link.body)
        if attempt:
            headers |= {"X-Slack-Retry-Num": str(min(attempt, 3)), "X-Slack-Retry-Reason": "http_error"}
        link.sends += 1
        try:
            async with http.post(
                target.base_url + "/slack/events",
                data=link.body.encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=5),
            ) as response:
                await response.read()
                if response.status == 200:
                    link.accepted = time.monotonic()
                    return
        except (aiohttp.ClientError, TimeoutError):
            pass
        attempt += 1
        await asyncio.sleep(min(5.0, 0.25 * attempt))


async def send_all(http: aiohttp.ClientSession, serves: list[BotProcess], links: list[Link], rate: float) -> None:
    """Open loop: link n is first sent at n / rate seconds, whatever happened to the earlier ones."""
    started = time.monotonic()
    tasks = []
    for number, link in enumerate(links):
        delay = started + number / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send_until_accepted(http, serves, link, number)))
    await asyncio.gather(*tasks)


# ---------------------------------------------------------------------------------------------- counting


def replies_per_link(slack: FakeSlack) -> Counter[tuple[str, str]]:
    """Share replies (they carry the bot's metadata) per (channel, thread): one link per message here."""
    return Counter(
        (m.channel, m.thread_ts or "")
        for m in slack.messages
        if (m.metadata or {}).get("event_type") == REPLY_EVENT_TYPE
    )


def first_reply_times(slack: FakeSlack) -> dict[tuple[str, str], float]:
    """When each thread's first share reply was taken by the fake Slack (monotonic)."""
    taken = {
        str(call.response.get("ts")): call.at
        for call in slack.calls
        if call.method == "chat.postMessage" and call.status == 200 and call.response.get("ok")
    }
    first: dict[tuple[str, str], float] = {}
    for message in slack.messages:
        if (message.metadata or {}).get("event_type") != REPLY_EVENT_TYPE:
            continue
        key = (message.channel, message.thread_ts or "")
        at = taken.get(message.ts)
        if at is not None and (key not in first or at < first[key]):
            first[key] = at
    return first


async def waiting_shares(database: Database) -> int | None:
    """Shares pending or working, or None when the database cannot say now."""
    try:
        async with asyncio.timeout(3), database.session(read_only=True) as session:
            counts = await share_store.count_by_status(session, ("pending", "working"))
    except Exception:
        return None
    return sum(counts.values())


# ---------------------------------------------------------------------------------------------- faults


async def kill_every(
    processes: list[BotProcess], run: Run, database: Database, drained: asyncio.Event, rng: random.Random
) -> None:
    """Every KILL_EVERY seconds a random process is SIGKILLed, and started again RESTART_AFTER s later."""
    while not drained.is_set():
        try:
            await asyncio.wait_for(drained.wait(), KILL_EVERY)
            return
        except TimeoutError:
            pass
        victim = rng.choice(processes)
        waiting = await waiting_shares(database)
        await victim.kill()
        run.kills += 1
        run.note(
            f"SIGKILL {victim.name} (kill {run.kills}); shares waiting then: {'?' if waiting is None else waiting}"
        )
        await asyncio.sleep(RESTART_AFTER)
        await victim.start()
        run.note(f"restarted {victim.name}")


async def supervise(processes: list[BotProcess], run: Run, drained: asyncio.Event) -> None:
    """A process that ends on its own is noted (a finding) and started again, as a supervisor would."""
    while not drained.is_set():
        for process in processes:
            code = process.exited_by_itself()
            if code is not None:
                run.unexpected_exits.append(f"{process.name} exited with {code}")
                run.note(f"{process.name} EXITED by itself with status {code}; restarting it")
                await process.start()
        await asyncio.sleep(0.5)


async def database_outage(database_url: str, run: Run, at: float) -> None:
    await asyncio.sleep(max(0.0, at - run.at()))
    ended = await take_database_away(database_url)
    run.note(f"database made unreachable (ALLOW_CONNECTIONS false, {ended} backends terminated)")
    try:
        await asyncio.sleep(DB_OUTAGE_FOR)
    finally:
        await bring_database_back(database_url)
    run.note(f"database reachable again after {DB_OUTAGE_FOR:.0f} s")


async def slack_outage(slack: FakeSlack, run: Run, at: float) -> None:
    await asyncio.sleep(max(0.0, at - run.at()))
    calls_before = len(slack.calls)
    for method in SLACK_METHODS:
        slack.server_error(method, for_seconds=SLACK_OUTAGE_FOR)
    run.note(f"Slack answers 500 to every Web API call for {SLACK_OUTAGE_FOR:.0f} s")
    await asyncio.sleep(SLACK_OUTAGE_FOR)
    refused = sum(1 for call in slack.calls[calls_before:] if call.status == 500)
    run.note(f"Slack back; {refused} calls were answered 500 meanwhile")


# ---------------------------------------------------------------------------------------------- one run


async def chaos_run(
    kind: str,
    database_url: str,
    pages: dict[str, str],
    *,
    links_wanted: int,
    rate: float,
    seed: int,
    limit: float,
    keep_logs: bool = False,
) -> bool:
    """One run on one database; prints the report, returns whether the bar (exactly 1 each) was met."""
    rng = random.Random(seed)
    workdir = Path(tempfile.mkdtemp(prefix=f"linkbrief-chaos-{kind}-"))
    async with FakeSlack(wait_timeout=60) as slack, corpus_site(pages) as (_base, page_urls):
        env = bot_env(
            workdir,
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_SIGNING_SECRET=SECRET,
            LINKBRIEF_SLACK_API_URL=slack.api_url,
            DATABASE_URL=database_url,
        )
        await run_migrate(env, workdir)
        if kind == "postgresql":
            processes = [BotProcess(f"serve-{n}", "serve", env, workdir) for n in (1, 2)]
            processes += [BotProcess(f"worker-{n}", "worker", env, workdir) for n in (1, 2)]
        else:
            processes = [BotProcess("serve", "serve", env, workdir)]
        serves = [p for p in processes if p.command == "serve"]
        base_ts = int(time.time())
        links = []
        for number in range(links_wanted):
            url = f"{page_urls[number % len(page_urls)]}?chaos={number}"
            channel = f"C0CHAOS{number % CHANNELS:02d}"
            ts = f"{base_ts}.{number:06d}"
            links.append(Link(url, channel, ts, event_body(url, channel=channel, ts=ts)))
        database = Database(database_url)
        connector = aiohttp.TCPConnector(limit=0)
        try:
            async with aiohttp.ClientSession(connector=connector) as http:
                await asyncio.gather(*(p.start() for p in processes))
                await asyncio.gather(*(p.wait_healthy(http) for p in processes))
                names = ", ".join(p.name for p in processes)
                print(f"\n== {kind}: {names}; {links_wanted} links at {rate:g}/s in {CHANNELS} channels ==")
                run = Run(kind)
                drained = asyncio.Event()
                # The outages come while links are still being sent, however few: at 30 s and 60 s of a run of
                # 1,000 links at 10/s, earlier in a shorter one.
                sending_for = links_wanted / rate
                outages = [asyncio.create_task(slack_outage(slack, run, min(SLACK_OUTAGE_AT, 0.6 * sending_for)))]
                if kind == "postgresql":
                    at = min(DB_OUTAGE_AT, 0.3 * sending_for)
                    outages.append(asyncio.create_task(database_outage(database_url, run, at)))
                background = [
                    asyncio.create_task(kill_every(processes, run, database, drained, rng)),
                    asyncio.create_task(supervise(processes, run, drained)),
                    *outages,
                ]
                sender = asyncio.create_task(send_all(http, serves, links, rate))
                outcome = await wait_for_drain(slack, database, links, [sender, *outages], run, limit)
                drained.set()
                sender.cancel()
                for task in background:
                    task.cancel()
                await asyncio.gather(sender, *background, return_exceptions=True)
                if kind == "postgresql":
                    await bring_database_back(database_url)
                await asyncio.gather(*(p.stop() for p in processes))
                ok = report(slack, links, run, processes, outcome)
                async with database.session(read_only=True) as session:
                    states = await share_store.count_by_status(session)
                    endings = Counter(
                        (row.status, row.error_code or "")
                        for row in await session.execute(sa.select(Share.status, Share.error_code))
                    )
                print(f"  shares by state at the end: {dict(sorted(states.items()))}")
                for (status, code), count in endings.most_common():
                    if status != "done":
                        print(f"    {status} {code}: {count}")
        finally:
            await database.dispose()
            for process in processes:
                await process.kill()
    if ok and not keep_logs:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"  process logs kept in {workdir}")
    return ok


@dataclass
class Outcome:
    drained_at: float | None  # monotonic time the last link got its first reply (None: not all did)
    timed_out: bool


async def wait_for_drain(
    slack: FakeSlack, database: Database, links: list[Link], sources: list[asyncio.Task[None]], run: Run, limit: float
) -> Outcome:
    """Until every link was sent and has a reply, every outage is over and no share waits (then 10 s more, to
    catch a late second reply)."""
    keys = [(link.channel, link.ts) for link in links]
    last_report = 0.0
    while run.at() < limit:
        await asyncio.sleep(1.0)
        for task in sources:
            if task.done() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        replied = replies_per_link(slack)
        answered = sum(1 for key in keys if replied[key] > 0)
        if run.at() - last_report >= 30:
            last_report = run.at()
            accepted = sum(1 for link in links if link.accepted is not None)
            print(f"  [{run.at():6.1f} s] accepted {accepted}/{len(links)}, answered {answered}/{len(links)}")
        finished = all(task.done() for task in sources)
        if answered == len(links) and finished and await waiting_shares(database) == 0:
            drained_at = max(first_reply_times(slack).get(key, 0.0) for key in keys)
            await asyncio.sleep(10)
            return Outcome(drained_at, False)
    return Outcome(None, True)


def report(slack: FakeSlack, links: list[Link], run: Run, processes: list[BotProcess], outcome: Outcome) -> bool:
    replied = replies_per_link(slack)
    first = first_reply_times(slack)
    per_link = Counter(replied[(link.channel, link.ts)] for link in links)
    print("  replies per link:")
    for count in sorted(per_link):
        print(f"    {count}: {per_link[count]} links")
    bad = [link for link in links if replied[(link.channel, link.ts)] != 1]
    for link in bad[:50]:
        print(f"    link {link.url} in {link.channel} (ts {link.ts}): {replied[(link.channel, link.ts)]} replies")
    if len(bad) > 50:
        print(f"    … and {len(bad) - 50} more")
    accepted = [link.accepted for link in links if link.accepted is not None]
    resent = sum(1 for link in links if link.sends > 1)
    print(f"  events sent again until accepted (process down, database away): {resent} links")
    if outcome.drained_at is not None and accepted:
        print(f"  time to drain (last link accepted → last link answered): {outcome.drained_at - max(accepted):.1f} s")
        print(f"  whole run (first link sent → last link answered): {outcome.drained_at - run.started:.1f} s")
    else:
        print(f"  NOT DRAINED within {run.at():.0f} s")
    waits = [first[(link.channel, link.ts)] - link.first_sent for link in links if (link.channel, link.ts) in first]
    if waits:
        longest = max(waits)
        print(
            f"  wait per link (first send → reply): median {percentile(waits, 0.5):.1f} s, "
            f"p99 {percentile(waits, 0.99):.1f} s, longest {longest:.1f} s"
        )
    print(f"  faults: {run.kills} SIGKILLs ({', '.join(f'{p.name} {p.kills}' for p in processes)})")
    refused = Counter(call.method for call in slack.calls if call.status == 500)
    print(
        f"  Web API calls answered 500: {sum(refused.values())} "
        f"({', '.join(f'{method} {count}' for method, count in refused.most_common())})"
    )
    print(f"  processes that exited by themselves: {', '.join(run.unexpected_exits) or 'none'}")
    for process in processes:
        print(
            f"  {process.name}: {process.starts} starts, log lines: "
            f"queue_job_stalled {process.log_count('queue_job_stalled')}, "
            f"reply_found_in_thread {process.log_count('reply_found_in_thread')}, "
            f"database_unavailable {process.log_count('database_unavailable')}, "
            f"reply_postponed {process.log_count('reply_postponed')}, "
            f"Traceback {process.log_count('Traceback')}"
        )
    met = not bad and not outcome.timed_out
    print(f"  bar (exactly 1 reply for every link): {'MET' if met else 'MISSED'}")
    return met


# ---------------------------------------------------------------------------------------------- main


async def main_async(args: argparse.Namespace) -> int:
    pages = load_pages(Path(args.corpus))
    kinds = ["postgresql", "sqlite"] if args.database == "both" else [args.database]
    results = {}
    for kind in kinds:
        if kind == "postgresql":
            async with postgres_database("linkbrief_chaos") as url:
                results[kind] = await chaos_run(
                    kind,
                    url,
                    pages,
                    links_wanted=args.links,
                    rate=args.rate,
                    seed=args.seed,
                    limit=args.limit,
                    keep_logs=args.keep_logs,
                )
        else:
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite+aiosqlite:///{tmp}/chaos.db"
                results[kind] = await chaos_run(
                    kind,
                    url,
                    pages,
                    links_wanted=args.links,
                    rate=args.rate,
                    seed=args.seed,
                    limit=args.limit,
                    keep_logs=args.keep_logs,
                )
    print("\n" + json.dumps({kind: "met" if ok else "MISSED" for kind, ok in results.items()}))
    return 0 if all(results.values()) else 1


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0, help="links sent per second")
    parser.add_argument("--seed", type=int, default=1, help="seed of the choice of processes to kill")
    parser.add_argument("--limit", type=float, default=600.0, help="seconds a run may take before it is cut")
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs (always kept on a miss)")
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
