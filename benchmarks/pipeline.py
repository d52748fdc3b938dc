"""Pipeline throughput over the extraction corpus served from a local web server.

    python -m benchmarks.pipeline [--corpus ../shared/corpus] [--database-url URL] [--concurrency 8]

Serves the 181 pages of corpus/extraction-scrapinghub on 127.0.0.1 and runs every page through the real
pipeline (fetch → extract → dedup → summarise → store) into a fresh database, then prints:

* pages/s and median / p95 wall ms per page (first pass: every page new; second pass: every URL a repeat);
* CPU per page of the whole pipeline (this process plus its extraction workers) against bare
  `trafilatura.extract` on the same pages in the same run, and the ratio;
* the median time of each stage, so a slow stage is visible;
* peak memory: RSS of this process plus the unique memory of each worker process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import threading
import time
from pathlib import Path

import psutil
import trafilatura

from benchmarks.corpus_site import corpus_site, load_pages, percentile
from bot.errors import PipelineError
from bot.pipeline.runner import ArticleOutcome, ArticlePipeline
from bot.settings import Settings
from bot.store.db import Database

REPO = Path(__file__).resolve().parent.parent


class _RssSampler:
    """Samples memory every 50 ms and keeps the peak: this process's RSS plus each child's unique set size.

    Children are forks of one warmed-up server process and share most of their pages with it; adding up their
    RSS would count those shared pages once per worker.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_full_info().uss
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def __enter__(self) -> _RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _children_cpu() -> float:
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def bare_trafilatura(pages: dict[str, str]) -> list[float]:
    """CPU ms per page of `trafilatura.extract` with its defaults, in this process."""
    per_page = []
    for html in pages.values():
        started = time.process_time()
        trafilatura.extract(html)
        per_page.append((time.process_time() - started) * 1000)
    return per_page


async def run_pass(pipeline: ArticlePipeline, urls: list[str], concurrency: int) -> tuple[list[ArticleOutcome], float]:
    limit = asyncio.Semaphore(concurrency)

    async def one(url: str) -> tuple[ArticleOutcome, float]:
        async with limit:
            started = time.perf_counter()
            outcome = await pipeline.process(url)
            return outcome, (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    results = await asyncio.gather(*(one(url) for url in urls))
    wall = time.perf_counter() - started
    outcomes = [outcome for outcome, _ in results]
    for outcome, ms in results:
        outcome.timings["total_ms"] = ms
    return outcomes, wall


async def main_async(args: argparse.Namespace) -> None:
    pages = load_pages(Path(args.corpus))
    bare = bare_trafilatura(pages)

    async with corpus_site(pages) as (_base, urls):
        return await _measure(args, pages, urls, bare)


async def _measure(args: argparse.Namespace, pages: dict[str, str], urls: list[str], bare: list[float]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        settings = Settings(
            database_url=url,
            fetch_allow_private=True,
            fetch_concurrency=args.concurrency,
            extract_workers=args.workers,
        )
        database = Database(url)
        await database.migrate()
        try:
            with _RssSampler() as rss:
                async with ArticlePipeline.open(settings, database) as pipeline:
                    # Warm the worker pool so its start-up is not charged to the first pages.
                    with contextlib.suppress(PipelineError):
                        await pipeline.extractor.extract(next(iter(pages.values())), urls[0])
                    cpu_parent = time.process_time()
                    cpu_children = _children_cpu()
                    first, first_wall = await run_pass(pipeline, urls, args.concurrency)
                    cpu_parent = time.process_time() - cpu_parent
                    cpu_children = _children_cpu() - cpu_children
                    cpu_total = cpu_parent + cpu_children
                    second, second_wall = await run_pass(pipeline, urls, args.concurrency)
        finally:
            await database.dispose()

    ok = [o for o in first if o.ok]
    errors: dict[str, int] = {}
    for outcome in first:
        if outcome.error is not None:
            errors[outcome.error.code] = errors.get(outcome.error.code, 0) + 1
    n = len(urls)
    cpu_per_page = cpu_total / n * 1000
    bare_mean = statistics.fmean(bare)

    print(f"pages: {n}  stored: {len(ok)}  errors: {errors or 'none'}  workers: {args.workers}")
    print(f"database: {'sqlite (temporary)' if not args.database_url else args.database_url}")
    print()
    print(f"{'pass':<22}{'pages/s':>10}{'median ms':>12}{'p95 ms':>10}")
    for name, outcomes, wall in (("first (all new)", first, first_wall), ("second (all repeats)", second, second_wall)):
        totals = [o.timings["total_ms"] for o in outcomes]
        print(f"{name:<22}{n / wall:>10.1f}{statistics.median(totals):>12.1f}{percentile(totals, 0.95):>10.1f}")
    print()
    print("CPU per page (first pass, this process + extraction workers):")
    print(f"  linkbrief pipeline   mean {cpu_per_page:7.1f} ms", end="")
    print(f"   (this process {cpu_parent / n * 1000:.1f} ms, workers {cpu_children / n * 1000:.1f} ms)")
    print(f"  bare trafilatura     mean {bare_mean:7.1f} ms   median {statistics.median(bare):.1f} ms")
    print(f"  ratio                {cpu_per_page / bare_mean:7.2f} x")
    print()
    print("median stage time on the first pass (ms):")
    stages = sorted({key for o in ok for key in o.timings if key != "total_ms"})
    for stage in stages:
        values = [o.timings[stage] for o in ok if stage in o.timings]
        print(f"  {stage:<16}{statistics.median(values):8.1f}   p95 {percentile(values, 0.95):8.1f}")
    print()
    print(f"peak memory (RSS of this process + unique memory of each worker): {rss.peak / 2**20:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="extraction processes")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
