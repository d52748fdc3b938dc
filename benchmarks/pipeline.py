"""Pipeline throughput and cost over the extraction corpus served from a local web server.

    python -m benchmarks.pipeline [--corpus ../shared/corpus] [--database-url URL] [--concurrency 8] [--workers 2]

Serves the 181 pages of corpus/extraction-scrapinghub on 127.0.0.1 and runs every page through the real
pipeline (fetch → extract → dedup → summarise → store) into a fresh database, twice (first pass: every page
new; second pass: every URL a repeat), then prints:

* pages/s and median / p95 wall ms per page of each pass;
* CPU per new page of the whole process tree of the pipeline (the main process, the forkserver, every worker
  it ever started, recycled ones included), split main process / the rest, against bare `trafilatura.extract`
  on the same pages measured in the same run (in the measured process, once before its pipeline starts and
  once after it stops; the ratio is against their mean); CPU per repeat and of start-up too;
* the median time of each stage (wall, in the main process: fetch, read = the pool trip, store) and the median
  CPU of each step inside the pool's page task (extract, fingerprint, summarize), pool trips per new page, and
  the share of new pages on which the second extractor (readability-lxml) ran;
* peak PSS summed over the process tree (and the RSS sum beside it, which counts shared pages once per
  process), and how many worker processes were started in all (the pool recycles them).

How (see benchmarks/proctree.py): the pipeline runs in a child process (this module re-invoked with a hidden
flag); this process serves the pages, is a child subreaper, and takes every reading from outside the tree:
CPU at the phase boundaries the child reports over a socket (the child waits for the reading before it goes
on), PSS and the processes present every 0.5 s. The page server's CPU and the sampling's are not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.corpus_site import corpus_site, load_pages, percentile
from benchmarks.proctree import CpuReading, ProcessTree, subreaper

REPO = Path(__file__).resolve().parent.parent
SAMPLE_INTERVAL = 0.5
"""Seconds between memory samples: reading one process's PSS costs the measurer 5–10 ms of CPU here."""


# ------------------------------------------------------------------------------------- the measured process


def bare_trafilatura(pages: dict[str, str]) -> list[float]:
    """CPU ms per page of `trafilatura.extract` with its defaults, in this process."""
    import trafilatura

    per_page = []
    for html in pages.values():
        started = time.process_time()
        trafilatura.extract(html)
        per_page.append((time.process_time() - started) * 1000)
    return per_page


async def run_pass(pipeline: Any, urls: list[str], concurrency: int) -> tuple[list[dict[str, Any]], float]:
    """Every URL through the pipeline, `concurrency` at a time; each outcome as {ok, error, timings}."""
    limit = asyncio.Semaphore(concurrency)

    async def one(url: str) -> dict[str, Any]:
        async with limit:
            started = time.perf_counter()
            outcome = await pipeline.process(url)
            timings = dict(outcome.timings, total_ms=(time.perf_counter() - started) * 1000)
            return {"ok": outcome.ok, "error": outcome.error.code if outcome.error else None, "timings": timings}

    started = time.perf_counter()
    outcomes = await asyncio.gather(*(one(url) for url in urls))
    return list(outcomes), time.perf_counter() - started


async def run_pipeline(
    args: argparse.Namespace, pages: dict[str, str], urls: list[str], mark: Callable[[str], None]
) -> dict[str, Any]:
    from bot import metrics
    from bot.errors import PipelineError
    from bot.pipeline.runner import ArticlePipeline
    from bot.pipeline.worker import read_page
    from bot.settings import Settings
    from bot.store.db import Database

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        settings = Settings(
            database_url=url,
            fetch_allow_private=True,
            fetch_concurrency=args.concurrency,
            cpu_workers=args.workers,
        )
        database = Database(url)
        await database.migrate()
        try:
            mark("start")
            async with ArticlePipeline.open(settings, database) as pipeline:
                # Warm the worker pool so its start-up is not charged to the first pages.
                with contextlib.suppress(PipelineError):
                    await pipeline.cpu_pool.run_page_task(read_page, next(iter(pages.values())), urls[0], False)
                mark("warm")
                tasks = pipeline.cpu_pool.tasks
                second_opinions = {answer: _extractions(metrics, answer) for answer in ("yes", "no")}
                first, first_wall = await run_pass(pipeline, urls, args.concurrency)
                mark("first")
                first_tasks = pipeline.cpu_pool.tasks - tasks
                second_opinions = {a: _extractions(metrics, a) - n for a, n in second_opinions.items()}
                second, second_wall = await run_pass(pipeline, urls, args.concurrency)
                mark("second")
        finally:
            await database.dispose()
    return {
        "first": first,
        "first_wall": first_wall,
        "second": second,
        "second_wall": second_wall,
        "first_tasks": first_tasks,
        "second_opinions": second_opinions,
    }


def _extractions(metrics: Any, second_opinion: str) -> float:
    value = metrics.REGISTRY.get_sample_value("linkbrief_extractions_total", {"second_opinion": second_opinion})
    return value or 0.0


def measured_child(args: argparse.Namespace) -> None:
    """The process being measured: runs the pipeline, tells the measurer each phase boundary (`start`: before
    the pool starts; `warm`: pool warmed up; `first`, `second`: each pass done) and waits for its reading, sends
    the results at the end."""
    channel = socket.socket(fileno=args.measured_child).makefile("rwb")
    urls = json.loads(channel.readline())

    def send(message: dict[str, Any]) -> None:
        channel.write(json.dumps(message).encode() + b"\n")
        channel.flush()

    def mark(phase: str) -> None:
        send({"mark": phase})
        channel.readline()  # the measurer has taken its reading

    from bot.logs import configure_logging

    configure_logging("WARNING")
    pages = load_pages(Path(args.corpus))
    bare_before = bare_trafilatura(pages)
    result = asyncio.run(run_pipeline(args, pages, urls, mark))
    send({"result": result | {"bare_before": bare_before, "bare_after": bare_trafilatura(pages)}})


# ------------------------------------------------------------------------------------------ the measurer


async def measure(args: argparse.Namespace) -> tuple[dict[str, Any], ProcessTree, dict[str, CpuReading], float]:
    """Run the measured process under this one's readings; its result, its tree, the CPU at each mark, and
    this process's own CPU over the run (not counted)."""
    pages = load_pages(Path(args.corpus))
    forwarded = ["--corpus", args.corpus, "--concurrency", str(args.concurrency), "--workers", str(args.workers)]
    if args.database_url:
        forwarded += ["--database-url", args.database_url]
    measurer_cpu = time.process_time()
    async with corpus_site(pages) as (_base, urls):
        ours, theirs = socket.socketpair()
        with subreaper(), ours:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "benchmarks.pipeline",
                "--measured-child",
                str(theirs.fileno()),
                *forwarded,
                pass_fds=(theirs.fileno(),),
                cwd=str(REPO),
            )
            theirs.close()
            tree = ProcessTree.alone(process.pid)
            cpu: dict[str, CpuReading] = {}
            sampler = asyncio.create_task(tree.sample_every(SAMPLE_INTERVAL))
            reader, writer = await asyncio.open_connection(sock=ours)
            writer.write(json.dumps(urls).encode() + b"\n")
            result: dict[str, Any] | None = None
            try:
                while result is None:
                    line = await reader.readline()
                    if not line:
                        raise SystemExit(f"the measured process stopped (exit code {await process.wait()})")
                    message = json.loads(line)
                    if "mark" in message:
                        cpu[message["mark"]] = tree.cpu()
                        tree.sample()
                        writer.write(b"ok\n")
                        await writer.drain()
                    else:
                        result = message["result"]
                await process.wait()
            finally:
                sampler.cancel()
                writer.close()
                if process.returncode is None:
                    process.kill()
                    await process.wait()
            tree.reap_all()
    return result, tree, cpu, time.process_time() - measurer_cpu


def report(
    args: argparse.Namespace, result: dict[str, Any], tree: ProcessTree, cpu: dict[str, CpuReading], measurer_cpu: float
) -> None:
    first, second = result["first"], result["second"]
    bare_before, bare_after = statistics.fmean(result["bare_before"]), statistics.fmean(result["bare_after"])
    bare_mean = (bare_before + bare_after) / 2
    n = len(first)
    ok = [o for o in first if o["ok"]]
    errors: dict[str, int] = {}
    for outcome in first:
        if outcome["error"] is not None:
            errors[outcome["error"]] = errors.get(outcome["error"], 0) + 1
    new, repeat, start = cpu["first"] - cpu["warm"], cpu["second"] - cpu["first"], cpu["warm"] - cpu["start"]
    per_page = new.total / n * 1000

    print(f"pages: {n}  stored: {len(ok)}  errors: {errors or 'none'}  extraction workers: {args.workers}")
    print(f"database: {args.database_url or 'sqlite (temporary)'}")
    print()
    print(f"{'pass':<22}{'pages/s':>10}{'median ms':>12}{'p95 ms':>10}")
    for name, outcomes, wall in (
        ("first (all new)", first, result["first_wall"]),
        ("second (all repeats)", second, result["second_wall"]),
    ):
        totals = [o["timings"]["total_ms"] for o in outcomes]
        print(f"{name:<22}{n / wall:>10.1f}{statistics.median(totals):>12.1f}{percentile(totals, 0.95):>10.1f}")
    print()
    print("CPU per page, whole process tree (main process + forkserver + every worker, recycled ones included):")
    print(f"  new page (first pass)   {per_page:7.1f} ms", end="")
    print(f"   (main process {new.root / n * 1000:.1f} ms, workers {new.others / n * 1000:.1f} ms)")
    print(f"  repeat (second pass)    {repeat.total / n * 1000:7.1f} ms")
    bare = f"{bare_mean:7.1f} ms   (before the pipeline {bare_before:.1f}, after {bare_after:.1f})"
    print(f"  bare trafilatura        {bare}")
    print("                          (trafilatura.extract with its defaults, mean per page, in the measured process)")
    print(f"  ratio (new / bare)      {per_page / bare_mean:7.2f} x")
    print(f"  pool start and warm-up  {start.total * 1000:7.0f} ms once")
    print(f"  not counted: the measurer (page server, sampling) {measurer_cpu * 1000:.0f} ms over the run")
    print()
    print("median stage time on the first pass (ms; wall in the main process, cpu_* inside the pool's page task):")
    stages = sorted({key for o in ok for key in o["timings"] if key != "total_ms"})
    for stage in stages:
        values = [o["timings"][stage] for o in ok if stage in o["timings"]]
        print(f"  {stage:<20}{statistics.median(values):8.1f}   p95 {percentile(values, 0.95):8.1f}")
    opinions = result["second_opinions"]
    extracted = opinions["yes"] + opinions["no"]
    print(f"pool trips per new page: {result['first_tasks'] / n:.2f}")
    print(
        f"second extractor (readability-lxml) ran on {opinions['yes']:.0f} of {extracted:.0f} extracted pages "
        f"({opinions['yes'] / max(1, extracted):.0%})"
    )
    print()
    print(
        f"peak memory, PSS summed over the process tree: {tree.peak.pss / 2**20:.0f} MiB "
        f"({tree.peak.processes} processes; their RSS sum {tree.peak.rss / 2**20:.0f} MiB)"
    )
    print(f"worker processes started in all: {tree.started('worker')} (seen by samples every {SAMPLE_INTERVAL:g} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="extraction processes")
    parser.add_argument("--measured-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measured_child is not None:
        measured_child(args)
        return
    report(args, *asyncio.run(measure(args)))


if __name__ == "__main__":
    main()
