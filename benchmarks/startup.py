"""How fast the `linkbrief` command answers: `--help`, `summarize` of a URL already stored, `serve` start-up.

    python -m benchmarks.startup [--corpus ../shared/corpus] [--runs 5] [--serve-runs 3]

Each figure is a real process started the way a user starts it (`linkbrief …` beside this interpreter, or
`python -m bot`), timed from spawn to exit (or to ready), with a clean environment: no linkbrief, Slack or
proxy setting, SQLite in a temporary directory. Prints the median and the fastest of `--runs` runs, and for
(1) and (2) the median CPU time (user + system) of the process: on a shared, loaded machine wall time grows
with the load, CPU time much less, so the two together tell a slow command from a busy machine.

1. `linkbrief --help`: the parser alone (target < 0.3 s).
2. `linkbrief summarize URL` of a page already stored: one corpus page served on 127.0.0.1 in this process,
   summarised once first (its time printed as "first"), then again `--runs` times; the repeat is answered from
   the store (target < 1 s).
3. `linkbrief serve --mode http` from spawn to the first 200 from `/healthz`, against the test suite's fake
   Slack (tests/fakeslack.py, on 127.0.0.1; start-up checks the bot token with `auth.test`), `--serve-runs`
   times, each stopped with SIGTERM.

`python -X importtime -m bot --help` shows where the time of (1) goes, module by module. To measure another
version of the code with the same interpreter and packages, put its tree first on the path:
`PYTHONPATH=/path/to/other/checkout python -m benchmarks.startup`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

from benchmarks.corpus_site import corpus_site, load_pages
from benchmarks.memory import free_port, wait_healthy
from benchmarks.slack import SECRET, FakeSlack

REPO = Path(__file__).resolve().parent.parent
HELP_TARGET = 0.3
STORED_TARGET = 1.0
PAGES_TRIED = 10


def linkbrief_command() -> list[str]:
    """`linkbrief` as installed beside this interpreter (`python -m bot` where the script is missing)."""
    script = Path(sys.executable).parent / "linkbrief"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """This environment without linkbrief's, Slack's, the database's or proxy settings; data under `home`."""
    drop = ("LINKBRIEF_", "SLACK_", "DATABASE_URL", "OPENAI_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop) and "proxy" not in k.lower()}
    return env | {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"), **extra}


class Run:
    """One finished command: wall seconds from spawn to exit, CPU seconds (user + system) it used."""

    def __init__(self, wall: float, cpu: float) -> None:
        self.wall, self.cpu = wall, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def timed_run(*args: str, env: dict[str, str], cwd: Path, check: bool = True) -> Run | None:
    """How long `linkbrief args` took; None when it exits 1 and not `check`, else a failure exits the
    benchmark. CPU is read from the finished children's usage: this process runs one command at a time."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *linkbrief_command(),
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode == 1 and not check:
        return None
    if process.returncode != 0:
        raise SystemExit(f"linkbrief {' '.join(args)} exited {process.returncode}: {stderr.decode().strip()}")
    return Run(elapsed, _children_cpu() - cpu_before)


def report(label: str, times: list[float], target: float | None = None, cpu: list[float] | None = None) -> None:
    verdict = ""
    if target is not None:
        verdict = f"   (target < {target:g} s: {'met' if statistics.median(times) < target else 'NOT met'})"
    used = f"   CPU median {statistics.median(cpu):6.3f} s" if cpu else ""
    print(f"{label:<34} median {statistics.median(times):6.3f} s   fastest {min(times):6.3f} s{used}{verdict}")


async def bench_help(runs: int, home: Path) -> None:
    env = clean_env(home)
    runs_done = [await _checked(timed_run("--help", env=env, cwd=home)) for _ in range(runs)]
    report("1. linkbrief --help", [r.wall for r in runs_done], HELP_TARGET, [r.cpu for r in runs_done])


async def _checked(run: Awaitable[Run | None]) -> Run:
    done = await run
    assert done is not None, "checked runs return their time or exit"
    return done


async def bench_summarize(pages: dict[str, str], runs: int, home: Path) -> None:
    env = clean_env(
        home,
        DATABASE_URL=f"sqlite+aiosqlite:///{home / 'linkbrief.db'}",
        LINKBRIEF_FETCH_ALLOW_PRIVATE="true",
    )
    async with corpus_site(pages) as (_base, urls):
        # The first corpus page linkbrief summarises (a few are paywall teasers it refuses: exit status 1).
        for url in urls[:PAGES_TRIED]:
            first = await timed_run("summarize", url, env=env, cwd=home, check=False)
            if first is not None:
                break
        else:
            raise SystemExit(f"none of the first {PAGES_TRIED} corpus pages could be summarised")
        again = [await _checked(timed_run("summarize", url, env=env, cwd=home)) for _ in range(runs)]
    print(f"2. linkbrief summarize URL          first (fetch, extract, summarise, store) {first.wall:6.3f} s")
    report("   … the same URL, already stored", [r.wall for r in again], STORED_TARGET, [r.cpu for r in again])


async def bench_serve(runs: int, home: Path) -> None:
    times: list[float] = []
    async with FakeSlack() as slack:
        for run in range(runs):
            port = free_port()
            env = clean_env(
                home,
                SLACK_BOT_TOKEN=slack.bot_token,
                SLACK_SIGNING_SECRET=SECRET,
                LINKBRIEF_SLACK_API_URL=slack.api_url,
                DATABASE_URL=f"sqlite+aiosqlite:///{home / f'serve-{run}.db'}",
                LINKBRIEF_LISTEN_HOST="127.0.0.1",
                LINKBRIEF_LOG_LEVEL="WARNING",
            )
            started = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                *linkbrief_command(), "serve", "--mode", "http", "--port", str(port), env=env, cwd=home
            )
            try:
                await wait_healthy(f"http://127.0.0.1:{port}", process, within=120)
                times.append(time.perf_counter() - started)
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        await asyncio.wait_for(process.wait(), 30)
                    except TimeoutError:
                        process.kill()
                        await process.wait()
    report("3. linkbrief serve: spawn → ready", times)


async def measure(args: argparse.Namespace) -> None:
    pages = load_pages(Path(args.corpus))
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
        print(
            f"{' '.join(linkbrief_command())} on Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
            f"load average {load} (1, 5, 15 min)"
        )
        await bench_help(args.runs, home)
        await bench_summarize(pages, args.runs, home)
        if args.serve_runs:
            await bench_serve(args.serve_runs, home)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--runs", type=int, default=5, help="runs of --help and of summarize (default 5)")
    parser.add_argument("--serve-runs", type=int, default=3, help="serve start-ups (default 3; 0 skips them)")
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
