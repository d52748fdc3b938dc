"""How a CPU-pool worker's memory grows with the pages it reads: what the worker recycling limit rests on.

    python -m benchmarks.worker_memory [--corpus ../shared/corpus] [--eval-dir DIR] [--passes 3] [--every 100]

One `CpuPool` worker (the bot's own pool, forkserver and preload included, recycling off) runs the bot's page
task (`read_page`: extraction, fingerprint, offline summary) on every page of both extraction corpora in turn
(the 181 Scrapinghub pages and the 990 of trafilatura's evaluation set: 1,171 different pages, six or so
languages), `--passes` times over under new URLs. Every `--every` tasks this process reads the worker's memory
from outside it (USS: its own pages, what recycling would give back; PSS; RSS) and its CPU per page over the
window. It prints that series, the worker's mean CPU per page on each pass (a warm worker against a fresh
one: what recycling throws away), the growth per 1,000 pages over the first pass (new pages) and over the later
passes (pages of the same kinds again: the long-run slope once caches are full), and how many pages it takes
the worker to double its first-page USS at the long-run slope.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from pathlib import Path

import psutil

from benchmarks.corpus_site import load_pages
from benchmarks.extraction_eval import decoder, find_set, load_set

REPO = Path(__file__).resolve().parent.parent
MIB = 2**20


def worker_process() -> psutil.Process:
    """The pool's only worker: the one child of this process's forkserver."""
    [server] = [p for p in psutil.Process().children() if "forkserver" in " ".join(p.cmdline())]
    [worker] = server.children()
    return worker


def reading(worker: psutil.Process) -> tuple[float, float, float, float]:
    """(USS, PSS, RSS in MiB, CPU seconds so far) of the worker."""
    memory = worker.memory_full_info()
    times = worker.cpu_times()
    return memory.uss / MIB, memory.pss / MIB, memory.rss / MIB, times.user + times.system


async def measure(pages: list[tuple[str, str]], passes: int, every: int) -> None:
    from bot.errors import PipelineError
    from bot.pipeline.cpu_pool import CpuPool
    from bot.pipeline.worker import read_page

    async with CpuPool(workers=1, timeout=60, max_tasks=10**9) as pool:
        for url, html in pages:  # the first page that is an article starts the worker and warms it up
            with contextlib.suppress(PipelineError):
                await pool.run(read_page, html, url, True)
                break
        worker = worker_process()
        first_uss, first_pss, first_rss, cpu_before = reading(worker)
        print(f"after the first page: USS {first_uss:.0f} MiB, PSS {first_pss:.0f} MiB, RSS {first_rss:.0f} MiB")
        print(f"{'pages':>7} {'USS MiB':>8} {'PSS MiB':>8} {'RSS MiB':>8} {'CPU ms/page':>12}")
        series = [(1, first_uss)]
        tasks, failed = 1, 0
        started = time.monotonic()
        pass_cpu: list[float] = []
        for number in range(passes):
            pass_started = reading(worker)[3]
            for url, html in pages:
                try:
                    await pool.run(read_page, html, f"{url}#pass{number}", True)
                except (PipelineError, TimeoutError):
                    failed += 1  # a page refused or too slow is part of real traffic too
                tasks += 1
                if tasks % every == 0:
                    uss, pss, rss, cpu = reading(worker)
                    print(f"{tasks:>7} {uss:>8.0f} {pss:>8.0f} {rss:>8.0f} {(cpu - cpu_before) / every * 1000:>12.0f}")
                    cpu_before = cpu
                    series.append((tasks, uss))
            if worker.pid != worker_process().pid:
                raise SystemExit("the worker was replaced during the run: the figures would mix two processes")
            pass_cpu.append((reading(worker)[3] - pass_started) / len(pages) * 1000)
        elapsed = time.monotonic() - started
    print(f"{tasks} tasks ({failed} refused or failed) in {elapsed:.0f} s, one worker, never replaced")
    print("worker CPU per page, each pass over the same pages: " + ", ".join(f"{ms:.1f} ms" for ms in pass_cpu))
    per_pass = len(pages)
    end_first = max((t, u) for t, u in series if t <= per_pass)
    later = [(t, u) for t, u in series if t >= per_pass]
    first_slope = (end_first[1] - first_uss) / (end_first[0] - 1) * 1000
    print(f"USS growth over the first {end_first[0]} pages (all new): {first_slope:.1f} MiB per 1,000 pages")
    if len(later) >= 2:
        (t0, u0), (t1, u1) = later[0], later[-1]
        slope = (u1 - u0) / (t1 - t0) * 1000
        print(f"USS growth from page {t0} to {t1} (the same kinds of page again): {slope:.1f} MiB per 1,000 pages")
        if slope > 0:
            print(f"at that slope the worker doubles its first-page USS after {first_uss / slope * 1000:,.0f} pages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--eval-dir", type=Path, default=None, help="an unpacked copy of trafilatura's set")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--every", type=int, default=100, help="tasks between two readings")
    args = parser.parse_args()
    scrapinghub = [(f"https://scrapinghub.example/{name}", html) for name, html in load_pages(args.corpus).items()]
    _, decode = decoder()
    trafilatura_set = [(page.url, page.html) for page in load_set(find_set(args.corpus, args.eval_dir), decode, None)]
    asyncio.run(measure(scrapinghub + trafilatura_set, args.passes, args.every))


if __name__ == "__main__":
    main()
