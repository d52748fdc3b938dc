"""PDF reading, measured: corpus articles rendered to PDF in several layouts, read back and scored.

    python -m benchmarks.pdf [--corpus PATH] [--articles N]

Each Scrapinghub corpus article (human-marked body text; its headline is not part of the truth) is rendered to
PDF locally with fpdf2, under a heading made from its URL, in three layouts:

- **one column**: paragraphs one under another;
- **two columns**: text set in two columns, written into the file row by row (left line, right line, ...) so
  that the file's own order is not the reading order, with a page-number footer;
- **running**: one column with a running header (the site's name) and a "Page N of M" footer on every page.

Each PDF is read by `bot.pipeline.pdf.extract_pdf` and scored against the truth with the corpus metric
(`benchmarks.corpus_metric`: benchmark F1 and per-page F1). Bars: benchmark F1 >= 0.95 (one column), >= 0.90
(two columns). Speed is reported as pages per second (wall) and CPU ms per page.

Then the limits, through the real CPU pool with the default settings: a 300-page PDF must come back within the
extraction time limit (read up to `LINKBRIEF_PDF_MAX_PAGES` pages), and a 10 MB PDF (text pages plus
incompressible images) must leave the worker under 300 MB (its PSS and peak RSS, measured inside the worker).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import re
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fpdf import FPDF

from benchmarks.corpus_metric import aggregate, score_page

LAYOUTS = ("one", "two", "running")
DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_MM = 72 / 25.4


class _Document(FPDF):
    """An A4 page in points with an optional running header and "Page N of M" footer."""

    def __init__(self, *, header_text: str | None, footer: str | None, font: str) -> None:
        super().__init__(unit="pt", format="A4")
        self.header_text = header_text
        self.footer_kind = footer
        self.font_name = font
        self.set_margins(56, 60, 56)
        self.set_auto_page_break(True, margin=64)
        if font == "DejaVu":
            self.add_font("DejaVu", "", str(_FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(_FONT_DIR / "DejaVuSans-Bold.ttf"))

    def header(self) -> None:
        if self.header_text:
            self.set_font(self.font_name, "", 8)
            self.set_xy(56, 28)
            self.cell(0, 10, self.header_text)
            self.set_xy(56, 60)

    def footer(self) -> None:
        if self.footer_kind is None:
            return
        self.set_font(self.font_name, "", 8)
        self.set_xy(56, self.h - 40)
        text = f"Page {self.page_no()} of {{nb}}" if self.footer_kind == "page-of" else str(self.page_no())
        self.cell(0, 10, text, align="C")


def _font() -> str:
    return "DejaVu" if (_FONT_DIR / "DejaVuSans.ttf").exists() else "Helvetica"


def _printable(text: str, font: str) -> str:
    return text if font == "DejaVu" else text.encode("latin-1", "replace").decode("latin-1")


def render_pdf(
    title: str,
    paragraphs: list[str],
    *,
    layout: str = "one",
    author: str | None = None,
    header: str | None = None,
    font: str | None = None,
    body_size: float = 10.5,
) -> bytes:
    """A PDF of an article: `title` in large bold type on page one, then `paragraphs` in `layout`."""
    font = font or _font()
    running = layout == "running"
    pdf = _Document(
        header_text=header if running or header else None,
        footer="page-of" if running else ("number" if layout == "two" else None),
        font=font,
    )
    pdf.alias_nb_pages()
    pdf.set_creator("linkbrief benchmark")
    if author:
        pdf.set_author(author)
    pdf.add_page()
    pdf.set_font(font, "B", 20)
    pdf.multi_cell(0, 24, _printable(title, font))
    pdf.ln(10)
    pdf.set_font(font, "", body_size)
    line_height = body_size * 1.3
    if layout == "two":
        _two_columns(pdf, [_printable(p, font) for p in paragraphs], line_height)
    else:
        for paragraph in paragraphs:
            pdf.multi_cell(0, line_height, _printable(paragraph, font))
            pdf.ln(line_height * 0.6)
    return bytes(pdf.output())


def _two_columns(pdf: _Document, paragraphs: list[str], line_height: float) -> None:
    """Two columns, written row by row across both (the harder order for a reader to undo)."""
    gutter = 8 * _MM
    width = (pdf.w - pdf.l_margin - pdf.r_margin - gutter) / 2
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(pdf.multi_cell(width, line_height, paragraph, dry_run=True, output="LINES"))
        lines.append("")
    top = pdf.get_y() + line_height
    while lines:
        rows = int((pdf.h - 64 - top) / line_height)
        left, right, lines = lines[:rows], lines[rows : 2 * rows], lines[2 * rows :]
        for row in range(rows):
            y = top + row * line_height
            if row < len(left) and left[row]:
                pdf.text(pdf.l_margin, y, left[row])
            if row < len(right) and right[row]:
                pdf.text(pdf.l_margin + width + gutter, y, right[row])
        if lines:
            pdf.add_page()
            top = pdf.t_margin + line_height


@dataclass(frozen=True, slots=True)
class CorpusArticle:
    id: str
    url: str
    truth: str

    @property
    def title(self) -> str:
        slug = urlsplit(self.url).path.rstrip("/").rsplit("/", 1)[-1]
        words = re.sub(r"\.\w+$|[-_]+|\d{5,}", " ", slug).split()
        return " ".join(words[:12]).capitalize() or urlsplit(self.url).netloc

    @property
    def site(self) -> str:
        return urlsplit(self.url).netloc.removeprefix("www.")

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.truth.split("\n") if p.strip()]


def _printable_characters() -> set[int] | None:
    """The characters the benchmark's font has glyphs for (None: the Latin-1 core font is used)."""
    if _font() != "DejaVu":
        return None
    from fontTools.ttLib import TTFont

    return set(TTFont(str(_FONT_DIR / "DejaVuSans.ttf"))["cmap"].getBestCmap())


def corpus_articles(corpus: Path, limit: int) -> Iterator[CorpusArticle]:
    """Articles of at least 50 words whose every character the font can print (a glyph the PDF lacks is text
    no reader could recover, which would measure the font, not the reader)."""
    printable = _printable_characters()
    folder = corpus / "extraction-scrapinghub"
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    taken = 0
    for row in rows:
        truth = (folder / row["truth_file"]).read_text(encoding="utf-8")
        if len(truth.split()) < 50:
            continue
        if printable is not None and any(ord(ch) not in printable for ch in truth if not ch.isspace()):
            continue
        if printable is None and truth != _printable(truth, "Helvetica"):
            continue
        yield CorpusArticle(row["id"], row["url"], truth)
        taken += 1
        if taken >= limit:
            return


def _pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


BARS = {"one": 0.95, "two": 0.90, "running": 0.95}
"""Benchmark F1 each layout must reach; the running-header layout is one column, so it has that bar."""


def measure_layouts(articles: list[CorpusArticle]) -> bool:
    """Score every layout; whether each met its bar."""
    from bot.errors import PipelineError
    from bot.pipeline.pdf import extract_pdf

    extract_pdf(render_pdf("Warm-up", [article.truth for article in articles[:1]]))  # imports, font caches
    print(f"{len(articles)} corpus articles, font {_font()}")
    print(
        f"{'layout':<10} {'bench F1':>8} {'page F1':>8} {'prec':>6} {'recall':>6} {'pages':>6} {'pages/s':>8} "
        f"{'CPU ms/page':>11}"
    )
    passed = True
    for layout in LAYOUTS:
        scores, pages, wall, cpu, failures = [], 0, 0.0, 0.0, 0
        per_page_cpu: list[float] = []
        for article in articles:
            data = render_pdf(article.title, article.paragraphs, layout=layout, header=f"{article.site} · reader")
            count = _pages(data)
            started, started_cpu = time.perf_counter(), time.process_time()
            try:
                text = extract_pdf(data).text
            except PipelineError:
                text, failures = "", failures + 1
            wall += time.perf_counter() - started
            spent = time.process_time() - started_cpu
            cpu += spent
            per_page_cpu.append(spent * 1000 / count)
            pages += count
            scores.append(score_page(article.truth, text))
        result = aggregate(scores)
        met = result.benchmark_f1 >= BARS[layout]
        passed = passed and met
        print(
            f"{layout:<10} {result.benchmark_f1:8.3f} {result.per_page_f1:8.3f} {result.precision:6.3f} "
            f"{result.recall:6.3f} {pages:6d} {pages / wall:8.1f} {cpu * 1000 / pages:11.2f}"
            f"  bar {BARS[layout]:.2f} {'ok' if met else 'FAILED'}" + (f"  ({failures} refused)" if failures else "")
        )
        print(f"{'':<10} median CPU ms/page {statistics.median(per_page_cpu):.2f}")
    return passed


def _long_pdf(articles: list[CorpusArticle], pages: int) -> bytes:
    """A one-column PDF of at least `pages` pages: the corpus articles one after another, again and again."""
    pdf = _Document(header_text=None, footer="number", font="Helvetica")
    pdf.set_font("Helvetica", "", 10.5)
    pdf.add_page()
    index = 0
    while pdf.page_no() < pages:
        article = articles[index % len(articles)]
        index += 1
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(0, 18, _printable(article.title, "Helvetica"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10.5)
        for paragraph in article.paragraphs:
            pdf.multi_cell(0, 13.6, _printable(paragraph, "Helvetica"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _heavy_pdf(articles: list[CorpusArticle], target_bytes: int) -> bytes:
    """About `target_bytes` of PDF: 60 pages of text, with incompressible images making up the rest."""
    from PIL import Image

    pdf = _Document(header_text=None, footer="number", font="Helvetica")
    pdf.set_font("Helvetica", "", 10.5)
    pdf.add_page()
    index = 0
    while pdf.page_no() < 60:
        for paragraph in articles[index % len(articles)].paragraphs:
            pdf.multi_cell(0, 13.6, _printable(paragraph, "Helvetica"), new_x="LMARGIN", new_y="NEXT")
        index += 1
    size = 0
    while size < target_bytes - 1_100_000:
        image = Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3))
        pdf.add_page()
        pdf.image(image, x=56, y=80, w=400)
        size += 600 * 600 * 3
    return bytes(pdf.output())


def read_in_worker(data: bytes, max_pages: int) -> tuple[int, float, float, float]:
    """Run in a pool worker: read the PDF, then report words, CPU seconds, PSS and peak RSS (MB) of the worker."""
    import psutil

    from bot.pipeline.documents import read_document

    started = time.process_time()
    article = read_document("application/pdf", "", data, None, max_pages)
    cpu = time.process_time() - started
    pss = psutil.Process().memory_full_info().pss / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    return article.word_count, cpu, pss, peak


async def measure_limits(articles: list[CorpusArticle]) -> bool:
    from bot.pipeline.cpu_pool import CpuPool
    from bot.settings import Settings

    settings = Settings.model_construct()
    max_pages, timeout = settings.pdf_max_pages, settings.cpu_timeout
    long_pdf = _long_pdf(articles, 300)
    heavy_pdf = _heavy_pdf(articles, 10_000_000)
    failed = False
    for name, data in (("300-page", long_pdf), ("10 MB", heavy_pdf)):
        # A fresh worker for each file, so that its peak RSS is this file's and not the one before.
        async with CpuPool(workers=1, timeout=timeout) as pool:
            await pool.run(len, "warm")  # start the worker before timing
            started = time.perf_counter()
            words, cpu, pss, peak = await pool.run_page_task(read_in_worker, data, max_pages)
            wall = time.perf_counter() - started
        within = wall < timeout and pss < 300 and peak < 300
        failed = failed or not within
        print(
            f"{name} PDF ({_pages(data)} pages, {len(data) / 1e6:.1f} MB): read {min(max_pages, _pages(data))} "
            f"pages, {words} words in {wall:.2f} s wall / {cpu:.2f} s CPU (limit {timeout:g} s); "
            f"worker PSS {pss:.0f} MB, peak RSS {peak:.0f} MB (bar 300 MB): {'ok' if within else 'FAILED'}"
        )
    return not failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=120)
    args = parser.parse_args(argv)
    articles = list(corpus_articles(args.corpus, args.articles))
    if len(articles) < args.articles:
        print(f"only {len(articles)} usable articles in {args.corpus}", file=sys.stderr)
    layouts_met = measure_layouts(articles)
    limits_met = asyncio.run(measure_limits(articles))
    return 0 if layouts_met and limits_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
