"""Extraction on trafilatura's own evaluation set: snippets, metadata and openings, against the extractors
linkbrief is built on, in the same run.

    python -m benchmarks.extraction_eval [--corpus PATH] [--eval-dir DIR] [--limit N]

The set (`extraction-trafilatura-eval.tar.xz` in the corpus, 990 pages, mostly German and English): per page
`<id>.html` and `<id>.json` with the expected `title`, `author`, `date` (where known), `with` snippets the main
text must contain and `without` snippets (boilerplate, comments, navigation, captions) it must not. The tarball
is used where it is already unpacked (`--eval-dir`, next to the tarball, or the temporary directory), else
unpacked into `--eval-dir` or the temporary directory first.

Pages are read as bytes and decoded the way the pipeline decodes a fetched body without a Content-Type header
(`bot.pipeline.decoding.decode_html` where it exists, else `w3lib.encoding.html_to_unicode` with the fetcher's
own guesser, as `bot.pipeline.fetch` does); every extractor gets the same string. Extractors, each page in
turn: linkbrief (`extract_article(html, url)`, the whole stage; a refused page - `NotArticle` - is an empty
result; and again with its second extractor, readability-lxml, on every page instead of only where
trafilatura's result is doubtful, with the share of pages it ran on printed), trafilatura default and
`favor_precision` (`trafilatura.extract(html, include_comments=False)`; title,
author and date from `trafilatura.extract_metadata`), readability-lxml (`Document.summary` through html_text;
title from `Document.short_title()`, no author or date).

Measures:

- **snippets**, exactly as trafilatura's own `tests/comparison.py` counts them: a `with` snippet found in the
  text (plain substring test) is a true positive, missing a false negative; a `without` snippet found is a
  false positive, absent a true negative; an empty or refused result counts all its `with` as false negatives
  and all its `without` as true negatives. Summed over the set: precision tp/(tp+fp), recall tp/(tp+fn), F1
  their harmonic mean, accuracy (tp+tn)/all. "ws F1" is the same with whitespace runs made single spaces on
  both sides (an extractor that breaks a line inside a snippet is not punished for layout);
- **metadata**, each over the pages whose record has the field: title - at least 80% of the expected title's
  `\\w+` tokens (casefolded) and no more than twice as many tokens; author - the same token rule on names
  (so "Tom Krisher; Ap Auto Writer" for "Tom Krisher" fails on length, and the author order does not
  matter); date - the same YYYY-MM-DD. Bar for linkbrief's title: 0.90;
- **opening cleanliness**: the share of pages whose opening (the first line of the text with at least 4
  `\\w+` tokens) contains none of the page's `without` snippets and is not itself part of one (whitespace
  normalised); a page with no opening is not clean;
- refused pages (linkbrief) and empty results (others); CPU per page: median and mean process time of the
  extraction call, and its ratio to bare trafilatura (metadata calls are outside the timed part).

Per-page rows go to `benchmarks/out/extraction-eval-pages.tsv`; linkbrief's unclean openings and wrong titles
are printed with what it gave and what was expected. Exit status 1 when linkbrief's title accuracy is under
0.90 or its snippet F1 is not above every other extractor's (everything is printed first).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import statistics
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import html_text
import trafilatura
from readability import Document

from benchmarks.extraction import clip, opening, share, title_matches
from bot.errors import ExtractionFailed, NotArticle
from bot.pipeline.extract import extract_article
from bot.pipeline.language import load_model

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
SET_NAME = "extraction-trafilatura-eval"
TARBALL = f"{SET_NAME}.tar.xz"
OUT = REPO / "benchmarks" / "out" / "extraction-eval-pages.tsv"
LINKBRIEF = "linkbrief"
LINKBRIEF_ALWAYS = "linkbrief, readability always"
TITLE_BAR = 0.90
EXAMPLES = 25


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    url: str
    html: str
    title: str | None
    author: str | None
    date: str | None
    with_: tuple[str, ...]
    without: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Output:
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None


@dataclass(slots=True)
class Run:
    """One extractor over the set. `metadata` (if given) reads title/author/date outside the timed call."""

    name: str
    extract: Callable[[Page], Output]
    metadata: Callable[[Page], Output] | None = None
    outputs: dict[str, Output] = field(default_factory=dict)
    cpu_ms: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Snippets:
    tp: int
    fn: int
    fp: int
    tn: int

    def __add__(self, other: Snippets) -> Snippets:
        return Snippets(self.tp + other.tp, self.fn + other.fn, self.fp + other.fp, self.tn + other.tn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0


# -- the set -------------------------------------------------------------------------------------------------


def find_set(corpus: Path, eval_dir: Path | None) -> Path:
    """The unpacked set's directory, unpacking the tarball first when it is nowhere yet."""
    places = [eval_dir] if eval_dir else [corpus / SET_NAME, Path(tempfile.gettempdir()) / SET_NAME]
    for place in places:
        for directory in (place, place / SET_NAME):
            if (directory / "MANIFEST.tsv").is_file():
                return directory
    tarball = corpus / TARBALL
    if not tarball.is_file():
        raise SystemExit(f"no {SET_NAME} at {places[0]} and no {tarball} to unpack")
    target = eval_dir or Path(tempfile.gettempdir())
    target.mkdir(parents=True, exist_ok=True)
    print(f"unpacking {tarball} into {target} ...")
    with tarfile.open(tarball, "r:xz") as archive:
        archive.extractall(target, filter="data")
    return find_set(corpus, target)


def decoder() -> tuple[str, Callable[[bytes], str]]:
    """The pipeline's own decoding of a body that came without a Content-Type header."""
    try:
        from bot.pipeline.decoding import decode_html  # the decoding module of issue #8, where it exists
    except ImportError:
        from w3lib.encoding import html_to_unicode

        from bot.pipeline.fetch import _guess_encoding  # type: ignore[attr-defined]

        return "w3lib html_to_unicode (bot.pipeline.fetch)", lambda body: html_to_unicode(
            None, body, auto_detect_fun=_guess_encoding
        )[1]
    return "bot.pipeline.decoding.decode_html", lambda body: decode_html(None, body)[1]


def load_set(directory: Path, decode: Callable[[bytes], str], limit: int | None) -> list[Page]:
    pages = []
    with (directory / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            record = json.loads((directory / row["truth_file"]).read_text(encoding="utf-8"))
            pages.append(
                Page(
                    id=row["id"],
                    url=record.get("url") or row["url"],
                    html=decode((directory / row["html_file"]).read_bytes()),
                    title=_field(record.get("title")),
                    author=_field(record.get("author")),
                    date=(_field(record.get("date")) or "")[:10] or None,
                    with_=tuple(record.get("with") or ()),
                    without=tuple(record.get("without") or ()),
                )
            )
            if limit and len(pages) >= limit:
                break
    return pages


def _field(value: object) -> str | None:
    """A record's field as one string: a list of values (several authors) joined with "; "."""
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value if item)
    return " ".join(str(value).split()) or None if value else None


# -- extractors ----------------------------------------------------------------------------------------------

rejections: dict[str, str] = {}


second_opinions: dict[str, bool] = {}
"""Page id -> whether linkbrief's extraction ran its second extractor (readability-lxml) on it."""


def run_linkbrief(page: Page, second_opinion: bool | None = None) -> Output:
    try:
        article = extract_article(page.html, page.url, second_opinion=second_opinion)
    except (NotArticle, ExtractionFailed) as error:
        if second_opinion is None:
            rejections[page.id] = f"{error.code}: {error.message}"
        return Output("")
    if second_opinion is None:
        second_opinions[page.id] = article.second_opinion
    published = article.published.isoformat() if isinstance(article.published, datetime.date) else None
    # The page's own Q&A is kept as data beside `text` (and shown as the reply's questions), not dropped: its
    # snippets count as found. The opening is still measured on `text` alone.
    own_qa = "\n\n".join(f"{pair.question}\n\n{pair.answer}" for pair in article.page_qa)
    return Output(f"{article.text}\n\n{own_qa}" if own_qa else article.text, article.title, article.author, published)


def run_linkbrief_always(page: Page) -> Output:
    """linkbrief with readability-lxml on every page, not only where trafilatura's result is doubtful."""
    return run_linkbrief(page, second_opinion=True)


def run_trafilatura(page: Page) -> Output:
    return Output(trafilatura.extract(page.html, url=page.url, include_comments=False) or "")


def run_trafilatura_precision(page: Page) -> Output:
    return Output(trafilatura.extract(page.html, url=page.url, include_comments=False, favor_precision=True) or "")


def trafilatura_metadata(page: Page) -> Output:
    metadata = trafilatura.extract_metadata(page.html, default_url=page.url)
    if metadata is None:
        return Output("")
    return Output("", metadata.title, metadata.author, (metadata.date or "")[:10] or None)


def run_readability(page: Page) -> Output:
    return Output(html_text.extract_text(Document(page.html).summary(html_partial=True)))


def readability_metadata(page: Page) -> Output:
    return Output("", Document(page.html).short_title() or None)


def evaluate(pages: list[Page], runs: list[Run]) -> None:
    for number, page in enumerate(pages, 1):
        for run in runs:  # interleaved, so every extractor meets the same cache and load conditions
            started = time.process_time()
            output = run.extract(page)
            run.cpu_ms.append((time.process_time() - started) * 1000)
            if run.metadata is not None:
                metadata = run.metadata(page)
                output = Output(output.text, metadata.title, metadata.author, metadata.date)
            run.outputs[page.id] = output
        if number % 100 == 0:
            print(f"  {number} pages", file=sys.stderr)


# -- measures ------------------------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def snippets(page: Page, text: str, normalise: bool = False) -> Snippets:
    """trafilatura's `evaluate_result`: substring tests; an empty result has all `with` missed."""
    if not text:
        return Snippets(0, len(page.with_), 0, len(page.without))
    if normalise:
        text = _squash(text)
    found = [(_squash(s) if normalise else s) in text for s in page.with_]
    leaked = [(_squash(s) if normalise else s) in text for s in page.without]
    return Snippets(sum(found), len(found) - sum(found), sum(leaked), len(leaked) - sum(leaked))


def opening_leak(page: Page, text: str) -> str | None:
    """The `without` snippet the opening holds (or is part of); "" when there is no opening; None when clean."""
    line = opening(text)
    if line is None:
        return ""
    line = _squash(line)
    for snippet in page.without:
        snippet = _squash(snippet)
        if snippet and (snippet in line or line in snippet):
            return snippet
    return None


def author_matches(predicted: str | None, expected: str) -> bool:
    """The title rule on name tokens: at least 80% of the expected names' tokens, at most twice as many."""
    return title_matches(predicted, expected)


def date_matches(predicted: str | None, expected: str) -> bool:
    return predicted == expected


@dataclass(frozen=True, slots=True)
class Measures:
    snippets: Snippets
    snippets_ws: Snippets
    title: float
    author: float
    date: float
    clean: float
    empty: int
    cpu_median: float
    cpu_mean: float


def measure(pages: list[Page], run: Run) -> Measures:
    out = run.outputs
    total = sum((snippets(p, out[p.id].text) for p in pages), Snippets(0, 0, 0, 0))
    total_ws = sum((snippets(p, out[p.id].text, normalise=True) for p in pages), Snippets(0, 0, 0, 0))
    return Measures(
        snippets=total,
        snippets_ws=total_ws,
        title=share([title_matches(out[p.id].title, p.title) for p in pages if p.title]),
        author=share([author_matches(out[p.id].author, p.author) for p in pages if p.author]),
        date=share([date_matches(out[p.id].date, p.date) for p in pages if p.date]),
        clean=share([opening_leak(p, out[p.id].text) is None for p in pages if p.without]),
        empty=sum(1 for p in pages if not out[p.id].text.strip()),
        cpu_median=statistics.median(run.cpu_ms),
        cpu_mean=statistics.mean(run.cpu_ms),
    )


def print_table(pages: list[Page], runs: list[Run]) -> dict[str, Measures]:
    measures = {run.name: measure(pages, run) for run in runs}
    bare = measures["trafilatura"]
    print(
        f"{'extractor':<28} {'F1':>6} {'P':>6} {'R':>6} {'acc':>6} {'ws F1':>6} {'title':>6} {'author':>6} "
        f"{'date':>6} {'opening':>7} {'empty':>5} {'CPU ms':>7} {'x traf':>6} {'mean ms':>7} {'x traf':>6}"
    )
    for run in runs:
        m = measures[run.name]
        author = f"{m.author:6.3f}" if run.name != "readability-lxml" else f"{'-':>6}"
        date = f"{m.date:6.3f}" if run.name != "readability-lxml" else f"{'-':>6}"
        print(
            f"{run.name:<28} {m.snippets.f1:6.3f} {m.snippets.precision:6.3f} {m.snippets.recall:6.3f} "
            f"{m.snippets.accuracy:6.3f} {m.snippets_ws.f1:6.3f} {m.title:6.3f} {author} {date} {m.clean:7.3f} "
            f"{m.empty:5d} {m.cpu_median:7.1f} {m.cpu_median / bare.cpu_median:6.2f} {m.cpu_mean:7.1f} "
            f"{m.cpu_mean / bare.cpu_mean:6.2f}"
        )
    with_title = sum(1 for p in pages if p.title)
    with_author = sum(1 for p in pages if p.author)
    with_date = sum(1 for p in pages if p.date)
    print(
        f"\nsnippets: {sum(len(p.with_) for p in pages)} with / {sum(len(p.without) for p in pages)} without, "
        "trafilatura's counting; metadata over the pages that have the field: "
        f"title {with_title}, author {with_author}, date {with_date}; opening: {sum(1 for p in pages if p.without)} "
        "pages with without-snippets; empty: refused or nothing extracted; CPU: the text extraction call"
    )
    return measures


def write_pages(pages: list[Page], runs: list[Run]) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        per_run = ("tp", "fn", "fp", "tn", "title ok", "author ok", "date ok", "opening clean", "CPU ms")
        writer.writerow(
            [
                "id",
                "url",
                *(f"{run.name} {m}" for run in runs for m in per_run),
                "rejected",
                "expected title",
                *(f"{run.name} {m}" for run in runs for m in ("title", "author", "date", "opening")),
            ]
        )
        for index, page in enumerate(pages):
            cells: list[object] = []
            texts: list[str] = []
            for run in runs:
                out = run.outputs[page.id]
                score = snippets(page, out.text)
                cells += [
                    score.tp,
                    score.fn,
                    score.fp,
                    score.tn,
                    int(title_matches(out.title, page.title)) if page.title else "",
                    int(author_matches(out.author, page.author)) if page.author else "",
                    int(date_matches(out.date, page.date)) if page.date else "",
                    int(opening_leak(page, out.text) is None) if page.without else "",
                    f"{run.cpu_ms[index]:.1f}",
                ]
                texts += [out.title or "", out.author or "", out.date or "", opening(out.text) or ""]
            writer.writerow([page.id, page.url, *cells, rejections.get(page.id, ""), page.title or "", *texts])


def print_linkbrief_misses(pages: list[Page], runs: list[Run]) -> None:
    """linkbrief's unclean openings, wrong titles and authors on pages it kept (refused pages are listed last)."""
    ours = next(run for run in runs if run.name == LINKBRIEF).outputs
    kept = [p for p in pages if p.id not in rejections]
    unclean = [p for p in kept if p.without and opening_leak(p, ours[p.id].text) is not None]
    print(
        f"\nlinkbrief's unclean openings on kept pages: {len(unclean)} of {len(kept)} (refused pages count as unclean)"
    )
    for page in unclean[:EXAMPLES]:
        leak = opening_leak(page, ours[page.id].text)
        print(f"  {page.id}  gave: {clip(opening(ours[page.id].text))}")
        print(f"  {'':{len(page.id)}}  must not contain: {clip(leak or '(no line of 4 words)', 80)}")
        print(f"  {'':{len(page.id)}}  a must-have snippet: {clip(page.with_[0] if page.with_ else '', 80)}")
    wrong = [p for p in kept if p.title and not title_matches(ours[p.id].title, p.title)]
    print(f"\nlinkbrief's wrong titles on kept pages: {len(wrong)} of {sum(1 for p in kept if p.title)}")
    for page in wrong[:EXAMPLES]:
        print(f"  {page.id}  title {clip(ours[page.id].title, 80)!r}  expected {clip(page.title, 80)!r}")
    authors = [p for p in kept if p.author and not author_matches(ours[p.id].author, p.author)]
    print(f"\nlinkbrief's wrong authors on kept pages: {len(authors)} of {sum(1 for p in kept if p.author)}")
    for page in authors[: EXAMPLES // 2]:
        print(f"  {page.id}  author {clip(ours[page.id].author, 60)!r}  expected {clip(page.author, 60)!r}")
    print(f"\npages refused by linkbrief: {len(rejections)}")
    for page in pages:
        if page.id in rejections:
            print(f"  {page.id}  {rejections[page.id]}  {page.url}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="holds the set's tarball")
    parser.add_argument("--eval-dir", type=Path, help="the unpacked set (unpacked there if missing)")
    parser.add_argument("--limit", type=int, help="only the first N pages of the manifest")
    args = parser.parse_args(argv)

    directory = find_set(args.corpus, args.eval_dir)
    decoding, decode = decoder()
    pages = load_set(directory, decode, args.limit)
    load_model()  # once, like a warmed-up worker; not part of any page's cost
    runs = [
        Run(LINKBRIEF, run_linkbrief),
        Run(LINKBRIEF_ALWAYS, run_linkbrief_always),
        Run("trafilatura", run_trafilatura, trafilatura_metadata),
        Run("trafilatura favor_precision", run_trafilatura_precision, trafilatura_metadata),
        Run("readability-lxml", run_readability, readability_metadata),
    ]
    for run in runs:  # warm imports and caches for everyone alike
        run.extract(pages[0])
    rejections.clear()
    second_opinions.clear()

    print(f"{len(pages)} pages from {directory} (decoded with {decoding})\n")
    evaluate(pages, runs)
    measures = print_table(pages, runs)
    ran = sum(second_opinions.values())
    print(
        f"\nlinkbrief ran its second extractor (readability-lxml) on {ran} of {len(second_opinions)} pages it "
        f"extracted ({ran / max(1, len(second_opinions)):.1%}); '{LINKBRIEF_ALWAYS}': on every page"
    )
    write_pages(pages, runs)
    print_linkbrief_misses(pages, runs)
    print(f"\nper-page rows: {OUT.relative_to(REPO)}")

    ours = measures[LINKBRIEF]
    titles = ours.title >= TITLE_BAR
    best = all(ours.snippets.f1 > m.snippets.f1 for name, m in measures.items() if not name.startswith(LINKBRIEF))
    print(f"\nbar (title accuracy >= {TITLE_BAR}): {'met' if titles else 'NOT met'}")
    print(f"bar (snippet F1 above every other extractor): {'met' if best else 'NOT met'}")
    return 0 if titles and best else 1


if __name__ == "__main__":
    sys.exit(main())
