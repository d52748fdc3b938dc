"""Extraction quality and cost: linkbrief against the extractors it is built on, in the same run.

    python -m benchmarks.extraction [--corpus PATH] [--pool]

On the Scrapinghub article-extraction corpus (181 pages with a human-marked body), every extractor sees every
page in turn and is scored with the benchmark's own metric (`benchmarks.corpus_metric`):

- linkbrief: `bot.pipeline.extract.extract_article(html, url).text` - the whole product stage, metadata,
  language detection and quality gate included. A page the gate rejects (`NotArticle`) counts as an empty
  prediction: it loses recall like any miss, and the rejected pages are listed;
- trafilatura default and `favor_precision` (`trafilatura.extract(html, include_comments=False)`, as the
  corpus's own runner calls it);
- readability-lxml: `Document(html).summary(html_partial=True)` turned into text with `html_text`, as the
  corpus's own runner does.

Printed: both aggregations per extractor, median CPU ms per page (process time, so other load on the machine
does not count) and its ratio to bare trafilatura, the pages where linkbrief is worse than the best other
extractor by more than 0.05, and the rejected pages. Per-page scores go to `benchmarks/out/extraction-pages.tsv`.
`--pool` also measures the process pool: how long until the first page comes back, per start method, and how
long a killed worker takes to be replaced. Exit status 1 when linkbrief's benchmark F1 is not above every
other extractor's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import html_text
import trafilatura
from readability import Document

from benchmarks.corpus_metric import CorpusScore, PageScore, aggregate, score_page
from bot.errors import ExtractionFailed, NotArticle
from bot.pipeline.extract import Extractor, extract_article
from bot.pipeline.language import load_model

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
CORPUS_NAME = "extraction-scrapinghub"
OUT = REPO / "benchmarks" / "out" / "extraction-pages.tsv"
WORSE_BY = 0.05
LINKBRIEF = "linkbrief"


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    url: str
    html: str
    truth: str


@dataclass(slots=True)
class Run:
    """One extractor over the corpus."""

    name: str
    extract: Callable[[Page], str]
    scores: dict[str, PageScore] = field(default_factory=dict)
    cpu_ms: list[float] = field(default_factory=list)


def load_corpus(path: Path) -> list[Page]:
    directory = path / CORPUS_NAME if (path / CORPUS_NAME).is_dir() else path
    manifest = directory / "MANIFEST.tsv"
    if not manifest.is_file():
        raise SystemExit(f"no {CORPUS_NAME} corpus at {path} (expected {manifest})")
    pages = []
    with manifest.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            pages.append(
                Page(
                    id=row["id"],
                    url=row["url"],
                    html=(directory / row["html_file"]).read_text(encoding="utf-8"),
                    truth=(directory / row["truth_file"]).read_text(encoding="utf-8"),
                )
            )
    return pages


rejections: dict[str, str] = {}


def run_linkbrief(page: Page) -> str:
    try:
        return extract_article(page.html, page.url).text
    except (NotArticle, ExtractionFailed) as error:
        rejections[page.id] = f"{error.code}: {error.message}"
        return ""


def run_trafilatura(page: Page) -> str:
    return trafilatura.extract(page.html, include_comments=False) or ""


def run_trafilatura_precision(page: Page) -> str:
    return trafilatura.extract(page.html, include_comments=False, favor_precision=True) or ""


def run_readability(page: Page) -> str:
    return html_text.extract_text(Document(page.html).summary(html_partial=True))


def evaluate(pages: list[Page], runs: list[Run]) -> None:
    for page in pages:
        for run in runs:  # interleaved, so every extractor meets the same cache and load conditions
            started = time.process_time()
            prediction = run.extract(page)
            run.cpu_ms.append((time.process_time() - started) * 1000)
            run.scores[page.id] = score_page(page.truth, prediction)


def print_table(runs: list[Run]) -> dict[str, CorpusScore]:
    totals = {run.name: aggregate(run.scores.values()) for run in runs}
    bare = statistics.median(next(r for r in runs if r.name == "trafilatura").cpu_ms)
    print(f"{'extractor':<26} {'bench F1':>8} {'P':>6} {'R':>6} {'page F1':>8} {'CPU ms':>7} {'x traf':>6}")
    for run in runs:
        total = totals[run.name]
        cpu = statistics.median(run.cpu_ms)
        print(
            f"{run.name:<26} {total.benchmark_f1:8.4f} {total.precision:6.3f} {total.recall:6.3f} "
            f"{total.per_page_f1:8.4f} {cpu:7.1f} {cpu / bare:6.2f}"
        )
    return totals


def write_pages(pages: list[Page], runs: list[Run]) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["id", "url", *(f"{run.name} {m}" for run in runs for m in ("F1", "P", "R")), "rejected"])
        for page in pages:
            cells = []
            for run in runs:
                score = run.scores[page.id]
                cells += [f"{score.f1:.4f}", f"{score.precision:.4f}", f"{score.recall:.4f}"]
            writer.writerow([page.id, page.url, *cells, rejections.get(page.id, "")])


def print_worse_pages(pages: list[Page], runs: list[Run]) -> None:
    ours = next(run for run in runs if run.name == LINKBRIEF)
    others = [run for run in runs if run.name != LINKBRIEF]
    worse = []
    for page in pages:
        best = max(others, key=lambda run: run.scores[page.id].f1)
        gap = best.scores[page.id].f1 - ours.scores[page.id].f1
        if gap > WORSE_BY:
            worse.append((gap, page, best))
    print(f"\npages where linkbrief is worse than the best other extractor by > {WORSE_BY}: {len(worse)}")
    for _gap, page, best in sorted(worse, key=lambda item: -item[0]):
        score = ours.scores[page.id]
        print(
            f"  {page.id[:12]}  linkbrief F1 {score.f1:.3f} (P {score.precision:.2f} R {score.recall:.2f})"
            f"  best {best.name} {best.scores[page.id].f1:.3f}  {page.url}"
        )
    print(f"\npages rejected by linkbrief's quality gate: {len(rejections)}")
    for page in pages:
        if page.id in rejections:
            print(f"  {page.id[:12]}  {rejections[page.id]}  {page.url}")


RUNAWAY = "<html><body>runaway</body></html>"


def _runaway_or_extract(html: str, url: str | None) -> object:
    """Pool worker for the measurement: sleeps on the marker page (to be killed), extracts anything else."""
    if html == RUNAWAY:
        time.sleep(3600)
    return extract_article(html, url)


async def measure_pool(page: Page) -> None:
    """Wall time until the first page comes back from a new pool (worker start included), a page on a warm
    worker, and a page right after the only worker was killed for running over (its replacement included)."""
    print("\nprocess pool, 1 worker (wall seconds):")
    for method in ("forkserver", "spawn"):
        started = time.perf_counter()
        async with Extractor(workers=1, timeout=1.0, worker=_runaway_or_extract, start_method=method) as extractor:
            await extractor.extract(page.html, page.url)
            first = time.perf_counter() - started
            started = time.perf_counter()
            await extractor.extract(page.html, page.url)
            warm = time.perf_counter() - started
            with contextlib.suppress(ExtractionFailed):
                await extractor.extract(RUNAWAY)
            started = time.perf_counter()
            await extractor.extract(page.html, page.url)
            after_kill = time.perf_counter() - started
        print(
            f"  {method:<11} first page {first:5.2f}   warm page {warm:5.3f}   "
            f"page after a killed worker {after_kill:5.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pool", action="store_true", help="also measure the process pool start costs")
    args = parser.parse_args(argv)

    pages = load_corpus(args.corpus)
    load_model()  # once, like a warmed-up worker; not part of any page's cost
    runs = [
        Run(LINKBRIEF, run_linkbrief),
        Run("trafilatura", run_trafilatura),
        Run("trafilatura favor_precision", run_trafilatura_precision),
        Run("readability-lxml", run_readability),
    ]
    run_linkbrief(pages[0])  # warm imports and caches for everyone alike
    run_trafilatura(pages[0])
    run_readability(pages[0])
    rejections.clear()

    print(f"{len(pages)} pages from {args.corpus}\n")
    evaluate(pages, runs)
    totals = print_table(runs)
    write_pages(pages, runs)
    print_worse_pages(pages, runs)
    print(f"\nper-page scores: {OUT.relative_to(REPO)}")
    if args.pool:
        asyncio.run(measure_pool(next(page for page in pages if page.id not in rejections)))

    ours = totals[LINKBRIEF].benchmark_f1
    beaten = all(ours > total.benchmark_f1 for name, total in totals.items() if name != LINKBRIEF)
    print(f"\nbar (benchmark F1 above every other extractor): {'met' if beaten else 'NOT met'}")
    return 0 if beaten else 1


if __name__ == "__main__":
    sys.exit(main())
