"""Memory of a running `linkbrief serve`, idle and at work: PSS summed over its process tree.

    python -m benchmarks.memory [--corpus ../shared/corpus] [--settle 10] [--no-busy]

Starts the real command (`linkbrief serve --mode http`) with its default settings except what a machine without
Slack needs: fake credentials pointing at the test suite's fake Slack (tests/fakeslack.py, on 127.0.0.1 in this
process; start-up checks the bot token with `auth.test`), a temporary SQLite database, the HTTP server on
127.0.0.1, WARNING logs, and permission to fetch from 127.0.0.1 (where this process serves the corpus pages).
This process is a child subreaper and reads the tree from outside (benchmarks/proctree.py). It prints:

1. idle: once /healthz answers, PSS is sampled every 0.5 s until it has moved less than 1% for `--settle`
   seconds; the PSS and RSS sums of that last sample, and each process with its PSS (idle, the main process
   alone: the CPU pool's forkserver and workers start with the first page);
2. busy (unless --no-busy): the 181 pages of corpus/extraction-scrapinghub posted as signed message events
   (5 links a message, a channel a message) all at once; peak PSS while every link is read and answered,
   CPU of the tree per page over that time, worker processes started; then PSS once it settles again.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from benchmarks.corpus_site import corpus_site, load_pages
from benchmarks.proctree import Memory, ProcessTree, subreaper
from benchmarks.slack import SECRET, FakeSlack, event_with_links, replies_for, send

REPO = Path(__file__).resolve().parent.parent
SAMPLE_INTERVAL = 0.5
LINKS_PER_MESSAGE = 5


def mib(value: int) -> str:
    return f"{value / 2**20:.0f} MiB"


def free_port() -> int:
    """A TCP port on 127.0.0.1 free when asked (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command() -> list[str]:
    """`linkbrief serve` as installed beside this interpreter (`python -m bot` where the script is missing)."""
    script = Path(sys.executable).parent / "linkbrief"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    return [*command, "serve", "--mode", "http"]


def serve_env(slack: FakeSlack, home: Path) -> dict[str, str]:
    """This environment without linkbrief's, Slack's or proxy settings, plus what the run needs."""
    drop = ("LINKBRIEF_", "SLACK_", "DATABASE_URL", "OPENAI_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop) and "proxy" not in k.lower()}
    return env | {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "LINKBRIEF_SLACK_API_URL": slack.api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{home / 'linkbrief.db'}",
        "LINKBRIEF_LISTEN_HOST": "127.0.0.1",
        "LINKBRIEF_FETCH_ALLOW_PRIVATE": "true",
        "LINKBRIEF_LOG_LEVEL": "WARNING",
    }


async def wait_healthy(base_url: str, process: asyncio.subprocess.Process, within: float) -> float:
    """Seconds until /healthz answers 200; exits if the server stops or takes longer than `within`."""
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        while time.monotonic() - started < within:
            if process.returncode is not None:
                raise SystemExit(f"linkbrief serve exited with {process.returncode}")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(base_url + "/healthz") as response:
                    if response.status == 200:
                        return time.monotonic() - started
            await asyncio.sleep(0.2)
    raise SystemExit(f"linkbrief serve was not healthy after {within:.0f} s")


async def settle(tree: ProcessTree, seconds: float, within: float = 90.0) -> Memory:
    """Sample until the PSS sum has stayed within 1% (and the process count unchanged) for `seconds`."""
    window: list[Memory] = []
    keep = max(2, round(seconds / SAMPLE_INTERVAL))
    deadline = time.monotonic() + within
    while True:
        window = [*window, tree.sample()][-keep:]
        pss = [m.pss for m in window]
        steady = len({m.processes for m in window}) == 1 and max(pss) - min(pss) <= 0.01 * max(pss)
        if (len(window) == keep and steady) or time.monotonic() > deadline:
            return window[-1]
        await asyncio.sleep(SAMPLE_INTERVAL)


def print_processes(tree: ProcessTree) -> None:
    for pid, memory in sorted(tree.memory_by_process().items()):
        print(f"     {tree.role(pid):<18} pid {pid:<8} PSS {mib(memory.pss):>9}   RSS {mib(memory.rss):>9}")


async def busy(tree: ProcessTree, slack: FakeSlack, base_url: str, urls: list[str]) -> None:
    """Every corpus page posted at once; peak PSS and CPU until every link has its reply."""
    tree.peak = Memory(0, 0, 0)
    before = tree.cpu()
    started = time.monotonic()
    sampler = asyncio.create_task(tree.sample_every(SAMPLE_INTERVAL))
    try:
        async with aiohttp.ClientSession() as http:
            for m in range(0, len(urls), LINKS_PER_MESSAGE):
                body = event_with_links(
                    urls[m : m + LINKS_PER_MESSAGE], channel=f"C0MEM{m:04d}", ts=f"1740000000.{m:06d}"
                )
                await send(http, base_url + "/slack/events", body)
        await replies_for(slack, len(urls), within=900)
    finally:
        sampler.cancel()
    spent = tree.cpu() - before
    wall = time.monotonic() - started
    peak = tree.peak
    print(f"2. busy: {len(urls)} links in {-(-len(urls) // LINKS_PER_MESSAGE)} messages, all answered in {wall:.0f} s")
    print(f"   peak PSS {mib(peak.pss)} over {peak.processes} processes (their RSS sum {mib(peak.rss)})")
    print(
        f"   CPU of the tree {spent.total / len(urls) * 1000:.0f} ms per link "
        f"(main process {spent.root / len(urls) * 1000:.0f}, the rest {spent.others / len(urls) * 1000:.0f}); "
        f"worker processes started so far: {tree.started('worker')}"
    )


async def measure(args: argparse.Namespace) -> None:
    pages = load_pages(Path(args.corpus))
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp, subreaper():
        async with FakeSlack() as slack, corpus_site(pages) as (_base, urls):
            process = await asyncio.create_subprocess_exec(
                *serve_command(), "--port", str(port), env=serve_env(slack, Path(tmp)), cwd=tmp
            )
            tree = ProcessTree.alone(process.pid)
            base_url = f"http://127.0.0.1:{port}"
            try:
                healthy = await wait_healthy(base_url, process, within=120)
                idle = await settle(tree, args.settle)
                print(f"linkbrief serve, default settings (SQLite; healthy after {healthy:.1f} s)")
                print(f"1. idle: PSS {mib(idle.pss)} over {idle.processes} processes (their RSS sum {mib(idle.rss)})")
                print_processes(tree)
                if not args.no_busy:
                    await busy(tree, slack, base_url, urls)
                    after = await settle(tree, args.settle)
                    print(f"3. settled after work: PSS {mib(after.pss)} over {after.processes} processes")
                    print_processes(tree)
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        await asyncio.wait_for(process.wait(), 30)
                    except TimeoutError:
                        process.kill()
                        await process.wait()
                tree.reap_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument(
        "--settle", type=float, default=10.0, help="seconds PSS must stay within 1%% to count as settled"
    )
    parser.add_argument("--no-busy", action="store_true", help="idle only")
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
