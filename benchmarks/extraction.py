"""Extraction quality and cost: linkbrief against the extractors it is built on, in the same run.

    python -m benchmarks.extraction [--corpus PATH] [--pool]

On the Scrapinghub article-extraction corpus (181 pages with a human-marked body), every extractor sees every
page in turn and is scored with the benchmark's own metric (`benchmarks.corpus_metric`):

- linkbrief: `bot.pipeline.extract.extract_article(html, url).text` - the whole product stage, metadata,
  language detection and quality gate included. A page the gate rejects (`NotArticle`) counts as an empty
  prediction: it loses recall like any miss, and the rejected pages are listed;
- linkbrief with its second extractor (readability-lxml) run on every page (`second_opinion=True`) instead of
  only where trafilatura's result is doubtful: what that choice costs in quality and saves in CPU, in the same
  run; the share of pages on which linkbrief ran it is printed below the table;
- trafilatura default and `favor_precision` (`trafilatura.extract(html, include_comments=False)`, as the
  corpus's own runner calls it);
- readability-lxml: `Document(html).summary(html_partial=True)` turned into text with `html_text`, as the
  corpus's own runner does.

Also measured, for every extractor in the same run (issue #8):

- **opening cleanliness**: the share of pages whose opening - the first line of the extracted text with 4 or
  more `\\w+` tokens (a "paragraph" is a line: trafilatura and html_text put one paragraph per line, and
  linkbrief's list items are lines of their own) - has at least 90% of its tokens (casefolded) among the
  tokens of the ground truth or of the page's headline. The corpus records carry no title, so the headline is
  read off the page: the first `<h1>` that the page's JSON-LD `headline`, `og:title`, `twitter:title` or
  `<title>` confirms, else the first of those claims; the page's first `<h1>` counts as headline too (an
  opening that repeats the visible heading is clean). A page with no such line (nothing extracted, or
  refused) is not clean. Printed beside it, "strict": the same without the headline credit,
  which penalises an extractor that starts with the headline (the variant behind the issue's "today"
  figures). Bar for linkbrief: 0.97;
- **title accuracy** against that same headline (a proxy: the corpus has no title truth): the title has at
  least 80% of the headline's tokens and no more than twice as many tokens. trafilatura's title comes from its
  own metadata (`trafilatura.extract_metadata`), readability-lxml's from `Document.short_title()`, both
  computed outside the timed call so the CPU figures stay those of text extraction;
- CPU: median and mean process time per page, and their ratio to bare trafilatura (`trafilatura.extract`
  without metadata). Issue #8's bar: the new extraction stays within 1.2x of today's ratio.

Printed: both aggregations per extractor, opening cleanliness, title accuracy, CPU per page and its ratio to
bare trafilatura, the pages where linkbrief is worse than the best other extractor by more than 0.05, the
rejected pages, and linkbrief's unclean openings and wrong titles (page, what it gave, what was expected).
Per-page rows (scores, openings, titles) go to `benchmarks/out/extraction-pages.tsv`. `--pool` also measures
the process pool: how long until the first page comes back, per start method, and how long a killed worker
takes to be replaced. Exit status 1 when linkbrief's benchmark F1 is not above every other extractor's or its
opening cleanliness is under 0.97 (everything is printed first).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import html_text
import trafilatura
from lxml import html as lxml_html
from readability import Document

from benchmarks.corpus_metric import CorpusScore, PageScore, aggregate, score_page
from bot.errors import ExtractionFailed, NotArticle
from bot.pipeline.cpu_pool import CpuPool
from bot.pipeline.extract import extract_article
from bot.pipeline.language import load_model

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
CORPUS_NAME = "extraction-scrapinghub"
OUT = REPO / "benchmarks" / "out" / "extraction-pages.tsv"
WORSE_BY = 0.05
LINKBRIEF = "linkbrief"
LINKBRIEF_ALWAYS = "linkbrief, readability always"
OPENING_MIN_WORDS = 4
OPENING_MIN_SHARE = 0.9
OPENING_BAR = 0.97
TITLE_MIN_RECALL = 0.8
TITLE_MAX_GROWTH = 2.0
HEADING_MIN_SHARE_OF_CLAIM = 0.5
EXAMPLES = 25
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    url: str
    html: str
    truth: str
    headline: str
    heading: str  # the first non-empty <h1>, the visible heading, whether or not it is the headline


@dataclass(frozen=True, slots=True)
class Output:
    """What one extractor made of one page; `title` is None when it has none (or is read separately)."""

    text: str
    title: str | None = None


@dataclass(slots=True)
class Run:
    """One extractor over the corpus. `title` (if given) reads the extractor's title outside the timed call."""

    name: str
    extract: Callable[[Page], Output]
    title: Callable[[Page], str | None] | None = None
    scores: dict[str, PageScore] = field(default_factory=dict)
    cpu_ms: list[float] = field(default_factory=list)
    openings: dict[str, str | None] = field(default_factory=dict)
    titles: dict[str, str | None] = field(default_factory=dict)


# -- shared with benchmarks.extraction_eval ------------------------------------------------------------------


def words(text: str | None) -> list[str]:
    """Casefolded `\\w+` tokens."""
    return _WORD_RE.findall((text or "").casefold())


def opening(text: str | None) -> str | None:
    """The first line of `text` with at least 4 `\\w+` tokens, or None."""
    for line in (text or "").splitlines():
        if len(words(line)) >= OPENING_MIN_WORDS:
            return line.strip()
    return None


def opening_is_clean(line: str | None, *references: str) -> bool:
    """At least 90% of the opening's tokens occur in the references (the truth, the headline)."""
    if line is None:
        return False
    allowed = {token for reference in references for token in words(reference)}
    tokens = words(line)
    return sum(token in allowed for token in tokens) >= OPENING_MIN_SHARE * len(tokens)


def title_matches(predicted: str | None, expected: str) -> bool:
    """At least 80% of the expected title's tokens (as a multiset) and no more than twice as many tokens.

    Soft hyphens (U+00AD, invisible to a reader) are removed from both first: an annotation that kept them
    ("Genesenen\xadnachweise") would otherwise split one word into three tokens.
    """
    want, got = words(expected.replace("\u00ad", "")), words((predicted or "").replace("\u00ad", ""))
    if not want or not got:
        return False
    remaining = list(got)
    found = 0
    for token in want:
        if token in remaining:
            remaining.remove(token)
            found += 1
    return found >= TITLE_MIN_RECALL * len(want) and len(got) <= TITLE_MAX_GROWTH * len(want)


def page_headline(html: str) -> str:
    """The page's headline as a reader sees it: the first `<h1>` that the page's own title claims confirm
    (JSON-LD `headline`, `og:title`, `twitter:title` or `<title>` holding at least 80% of its tokens, and the
    `<h1>` at least half of the claim's, so a site name in `<h1>` is not confirmed by "Story - Site"), else
    the first of those claims in that order, else the first `<h1>` ("" when there is none). An `<h1>` alone is
    often the site's or the section's name ("The GiveWell Blog", "Games"); a claim alone may carry a site
    suffix, which the title measure's 2x allowance absorbs."""
    tree = _parse(html)
    if tree is None:
        return ""
    headings = _headings(tree)
    claims = [text for text in map(_squash, _title_claims(tree)) if words(text)]
    for heading in headings:
        if any(_covers(claim, heading) and _covers(heading, claim, HEADING_MIN_SHARE_OF_CLAIM) for claim in claims):
            return heading
    return (claims or headings or [""])[0]


def first_heading(html: str) -> str:
    """The page's first non-empty `<h1>` ("" when there is none)."""
    tree = _parse(html)
    return next(iter(_headings(tree)), "") if tree is not None else ""


def _parse(html: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _headings(tree: lxml_html.HtmlElement) -> list[str]:
    return [text for text in (_squash(h.text_content()) for h in tree.iter("h1")) if words(text)]


def _title_claims(tree: lxml_html.HtmlElement) -> list[str]:
    claims: list[str] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        with contextlib.suppress(ValueError, RecursionError):
            claims += _json_headlines(json.loads(script))
    claims += tree.xpath(
        '//meta[@property="og:title"]/@content | //meta[@name="twitter:title"]/@content'
        ' | //meta[@property="twitter:title"]/@content'
    )
    claims += tree.xpath("//title/text()")
    return [str(claim) for claim in claims]


def _json_headlines(data: object, depth: int = 0) -> list[str]:
    if depth > 6:
        return []
    if isinstance(data, list):
        return [found for item in data for found in _json_headlines(item, depth + 1)]
    if not isinstance(data, dict):
        return []
    found = [data["headline"]] if isinstance(data.get("headline"), str) else []
    for value in data.values():
        if isinstance(value, dict | list):
            found += _json_headlines(value, depth + 1)
    return found


def _covers(claim: str, heading: str, at_least: float = TITLE_MIN_RECALL) -> bool:
    """The claim holds at least that share of the heading's tokens."""
    have = set(words(claim))
    want = words(heading)
    return sum(token in have for token in want) >= at_least * len(want)


def _squash(text: str) -> str:
    return " ".join(text.split())


def trafilatura_title(html: str) -> str | None:
    metadata = trafilatura.extract_metadata(html)
    return metadata.title if metadata is not None else None


def readability_title(html: str) -> str | None:
    return Document(html).short_title() or None


def share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def clip(text: str | None, limit: int = 110) -> str:
    if text is None:
        return "(none)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -----------------------------------------------------------------------------------------------------------


def load_corpus(path: Path) -> list[Page]:
    directory = path / CORPUS_NAME if (path / CORPUS_NAME).is_dir() else path
    manifest = directory / "MANIFEST.tsv"
    if not manifest.is_file():
        raise SystemExit(f"no {CORPUS_NAME} corpus at {path} (expected {manifest})")
    pages = []
    with manifest.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            html = (directory / row["html_file"]).read_text(encoding="utf-8")
            pages.append(
                Page(
                    id=row["id"],
                    url=row["url"],
                    html=html,
                    truth=(directory / row["truth_file"]).read_text(encoding="utf-8"),
                    headline=page_headline(html),
                    heading=first_heading(html),
                )
            )
    return pages


rejections: dict[str, str] = {}


second_opinions: dict[str, bool] = {}
"""Page id -> whether linkbrief's extraction ran its second extractor (readability-lxml) on it."""


def run_linkbrief(page: Page) -> Output:
    try:
        article = extract_article(page.html, page.url)
    except (NotArticle, ExtractionFailed) as error:
        rejections[page.id] = f"{error.code}: {error.message}"
        return Output("")
    second_opinions[page.id] = article.second_opinion
    return Output(article.text, article.title)


def run_linkbrief_always(page: Page) -> Output:
    """linkbrief with readability-lxml run on every page, not only where trafilatura's result is doubtful: what
    that choice costs in quality and saves in CPU, in the same run."""
    try:
        article = extract_article(page.html, page.url, second_opinion=True)
    except (NotArticle, ExtractionFailed):
        return Output("")
    return Output(article.text, article.title)


def print_second_opinions(pages: int) -> None:
    ran = sum(second_opinions.values())
    print(
        f"\nlinkbrief ran its second extractor (readability-lxml) on {ran} of {len(second_opinions)} pages it "
        f"extracted ({ran / max(1, len(second_opinions)):.1%}; {pages - len(second_opinions)} refused)"
    )


def run_trafilatura(page: Page) -> Output:
    return Output(trafilatura.extract(page.html, include_comments=False) or "")


def run_trafilatura_precision(page: Page) -> Output:
    return Output(trafilatura.extract(page.html, include_comments=False, favor_precision=True) or "")


def run_readability(page: Page) -> Output:
    return Output(html_text.extract_text(Document(page.html).summary(html_partial=True)))


def evaluate(pages: list[Page], runs: list[Run]) -> None:
    for page in pages:
        for run in runs:  # interleaved, so every extractor meets the same cache and load conditions
            started = time.process_time()
            output = run.extract(page)
            run.cpu_ms.append((time.process_time() - started) * 1000)
            run.scores[page.id] = score_page(page.truth, output.text)
            run.openings[page.id] = opening(output.text)
            run.titles[page.id] = run.title(page) if run.title is not None else output.title


@dataclass(frozen=True, slots=True)
class Extras:
    """Issue #8's measures of one extractor."""

    clean: float
    clean_strict: float
    titles: float
    titled_pages: int
    cpu_median: float
    cpu_mean: float


def extras(pages: list[Page], run: Run) -> Extras:
    titled = [page for page in pages if page.headline]
    return Extras(
        clean=share([opening_is_clean(run.openings[p.id], p.truth, p.headline, p.heading) for p in pages]),
        clean_strict=share([opening_is_clean(run.openings[p.id], p.truth) for p in pages]),
        titles=share([title_matches(run.titles[p.id], p.headline) for p in titled]),
        titled_pages=len(titled),
        cpu_median=statistics.median(run.cpu_ms),
        cpu_mean=statistics.mean(run.cpu_ms),
    )


def print_table(pages: list[Page], runs: list[Run]) -> tuple[dict[str, CorpusScore], dict[str, Extras]]:
    totals = {run.name: aggregate(run.scores.values()) for run in runs}
    measures = {run.name: extras(pages, run) for run in runs}
    bare = measures["trafilatura"]
    print(
        f"{'extractor':<28} {'bench F1':>8} {'P':>6} {'R':>6} {'page F1':>8} {'opening':>7} {'strict':>6} "
        f"{'title':>6} {'CPU ms':>7} {'x traf':>6} {'mean ms':>7} {'x traf':>6}"
    )
    for run in runs:
        total, extra = totals[run.name], measures[run.name]
        print(
            f"{run.name:<28} {total.benchmark_f1:8.4f} {total.precision:6.3f} {total.recall:6.3f} "
            f"{total.per_page_f1:8.4f} {extra.clean:7.3f} {extra.clean_strict:6.3f} {extra.titles:6.3f} "
            f"{extra.cpu_median:7.1f} {extra.cpu_median / bare.cpu_median:6.2f} "
            f"{extra.cpu_mean:7.1f} {extra.cpu_mean / bare.cpu_mean:6.2f}"
        )
    print(
        f"\nopening: share of {len(pages)} pages whose first line of >= {OPENING_MIN_WORDS} words has >= "
        f"{OPENING_MIN_SHARE:.0%} of its tokens in the truth or the headline (strict: truth only); title: share of "
        f"{measures[LINKBRIEF].titled_pages} pages with a headline whose title matches it (>= "
        f"{TITLE_MIN_RECALL:.0%} of its tokens, <= {TITLE_MAX_GROWTH:g}x as many); CPU: process time of the "
        "text extraction call (linkbrief: the whole extract_article)"
    )
    return totals, measures


def write_pages(pages: list[Page], runs: list[Run]) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        metrics = ("F1", "P", "R", "opening clean", "title ok", "CPU ms")
        writer.writerow(
            [
                "id",
                "url",
                "headline",
                *(f"{run.name} {m}" for run in runs for m in metrics),
                "rejected",
                *(f"{run.name} {m}" for run in runs for m in ("opening", "title")),
            ]
        )
        for index, page in enumerate(pages):
            cells = []
            for run in runs:
                score = run.scores[page.id]
                cells += [
                    f"{score.f1:.4f}",
                    f"{score.precision:.4f}",
                    f"{score.recall:.4f}",
                    int(opening_is_clean(run.openings[page.id], page.truth, page.headline, page.heading)),
                    int(title_matches(run.titles[page.id], page.headline)) if page.headline else "",
                    f"{run.cpu_ms[index]:.1f}",
                ]
            texts = [value or "" for run in runs for value in (run.openings[page.id], run.titles[page.id])]
            writer.writerow([page.id, page.url, page.headline, *cells, rejections.get(page.id, ""), *texts])


def print_linkbrief_misses(pages: list[Page], runs: list[Run]) -> None:
    """linkbrief's unclean openings and wrong titles, concretely: what it gave and what was expected."""
    ours = next(run for run in runs if run.name == LINKBRIEF)
    unclean = [p for p in pages if not opening_is_clean(ours.openings[p.id], p.truth, p.headline, p.heading)]
    unclean.sort(key=lambda page: page.id in rejections)  # refused pages (no opening at all) last
    print(f"\nlinkbrief's unclean openings: {len(unclean)} of {len(pages)} (refused pages count as unclean)")
    for page in unclean[:EXAMPLES]:
        given = rejections.get(page.id) and f"(refused: {rejections[page.id]})"
        print(f"  {page.id[:12]}  gave:     {given or clip(ours.openings[page.id])}")
        print(f"  {'':12}  expected: {clip(opening(page.truth))}  [headline: {clip(page.headline, 70)}]")
    wrong = [p for p in pages if p.headline and not title_matches(ours.titles[p.id], p.headline)]
    print(
        f"\nlinkbrief's titles that do not match the page's headline: {len(wrong)} of "
        f"{sum(1 for p in pages if p.headline)}"
    )
    for page in wrong[:EXAMPLES]:
        print(f"  {page.id[:12]}  title {clip(ours.titles[page.id], 70)!r}  headline {clip(page.headline, 70)!r}")


def print_worse_pages(pages: list[Page], runs: list[Run]) -> None:
    ours = next(run for run in runs if run.name == LINKBRIEF)
    others = [run for run in runs if not run.name.startswith(LINKBRIEF)]
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
        async with CpuPool(workers=1, timeout=1.0, start_method=method) as pool:
            await pool.run_page_task(_runaway_or_extract, page.html, page.url)
            first = time.perf_counter() - started
            started = time.perf_counter()
            await pool.run_page_task(_runaway_or_extract, page.html, page.url)
            warm = time.perf_counter() - started
            with contextlib.suppress(ExtractionFailed):
                await pool.run_page_task(_runaway_or_extract, RUNAWAY, None)
            started = time.perf_counter()
            await pool.run_page_task(_runaway_or_extract, page.html, page.url)
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
        Run(LINKBRIEF_ALWAYS, run_linkbrief_always),
        Run("trafilatura", run_trafilatura, lambda page: trafilatura_title(page.html)),
        Run("trafilatura favor_precision", run_trafilatura_precision, lambda page: trafilatura_title(page.html)),
        Run("readability-lxml", run_readability, lambda page: readability_title(page.html)),
    ]
    run_linkbrief(pages[0])  # warm imports and caches for everyone alike
    run_trafilatura(pages[0])
    run_readability(pages[0])
    rejections.clear()
    second_opinions.clear()

    print(f"{len(pages)} pages from {args.corpus}\n")
    evaluate(pages, runs)
    totals, measures = print_table(pages, runs)
    print_second_opinions(len(pages))
    write_pages(pages, runs)
    print_worse_pages(pages, runs)
    print_linkbrief_misses(pages, runs)
    print(f"\nper-page scores: {OUT.relative_to(REPO)}")
    if args.pool:
        asyncio.run(measure_pool(next(page for page in pages if page.id not in rejections)))

    ours = totals[LINKBRIEF].benchmark_f1
    beaten = all(ours > total.benchmark_f1 for name, total in totals.items() if not name.startswith(LINKBRIEF))
    clean = measures[LINKBRIEF].clean >= OPENING_BAR
    print(f"\nbar (benchmark F1 above every other extractor): {'met' if beaten else 'NOT met'}")
    print(f"bar (opening cleanliness >= {OPENING_BAR}): {'met' if clean else 'NOT met'}")
    return 0 if beaten and clean else 1


if __name__ == "__main__":
    sys.exit(main())
