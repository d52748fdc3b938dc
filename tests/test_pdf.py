"""PDF links end to end: served on loopback, fetched, read in the real CPU pool, stored in both databases.

Every PDF is made here with fpdf2 (the benchmark's renderer for the article layouts, fpdf2 directly for the odd
cases), so the test shows what the file contains and nothing binary is kept in the repository.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from articles import HARBOUR, HARBOUR_TITLE, ORCHARD, ORCHARD_TITLE, TRAIN, TRAIN_TITLE, article_html
from fakeslack import FakeSlack
from fpdf import FPDF
from localserver import RequestLog, StaticResolver, serve_app
from PIL import Image
from slackbot import blocks_text, bot_client
from slacksign import LinkPart

from benchmarks.pdf import render_pdf
from bot.outcome import ArticleOutcome
from bot.pipeline import urls
from bot.pipeline.cpu_pool import CpuPool
from bot.pipeline.fetch import Fetcher, FetchPolicy
from bot.pipeline.pdf import extract_pdf, normalise
from bot.pipeline.runner import ArticlePipeline
from bot.settings import Settings
from bot.store.db import Database
from bot.summarize.extractive import ExtractiveSummarizer

PDF = "application/pdf"
_STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def _latin(paragraphs: list[str]) -> list[str]:
    """The stories in what the PDF core fonts can print (Latin-1: straight quotes)."""
    return [p.translate(_STRAIGHT) for p in paragraphs]


HARBOUR, ORCHARD, TRAIN = _latin(HARBOUR), _latin(ORCHARD), _latin(TRAIN)
CHANNEL = "C0PUBLIC"
MAX_PAGES = 4
ARXIV_ID = "2401.01234"


@dataclass
class Files:
    """Documents served on 127.0.0.1 under `docs.test` and `arxiv.org` (both resolved to loopback)."""

    port: int
    log: RequestLog
    files: dict[str, tuple[bytes, str]]

    def url(self, path: str, host: str = "docs.test") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, body: bytes | str, content_type: str = PDF) -> str:
        self.files[path] = (body.encode() if isinstance(body, str) else body, content_type)
        return self.url(path)

    def fetches(self, path: str) -> int:
        return self.log.paths.count(path)


@pytest.fixture
async def files() -> AsyncIterator[Files]:
    log = RequestLog()
    served: dict[str, tuple[bytes, str]] = {}

    async def handler(request: web.Request) -> web.Response:
        if request.path not in served:
            raise web.HTTPNotFound()
        body, content_type = served[request.path]
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = log.app()
    app.router.add_get("/{tail:.*}", handler)
    async with serve_app(app) as base:
        yield Files(int(base.rsplit(":", 1)[1]), log, served)


@pytest.fixture
async def pipeline(database: Database) -> AsyncIterator[ArticlePipeline]:
    resolver = StaticResolver({"docs.test": ["127.0.0.1"], "arxiv.org": ["127.0.0.1"]})
    policy = FetchPolicy(allow_private=True, timeout=10)
    async with Fetcher(policy, resolver=resolver) as fetcher, CpuPool(workers=1, timeout=20) as pool:
        summarizer = ExtractiveSummarizer(offload=pool.run)
        yield ArticlePipeline(
            database=database, fetcher=fetcher, cpu_pool=pool, summarizer=summarizer, pdf_max_pages=MAX_PAGES
        )


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _in_order(text: str, paragraphs: list[str]) -> bool:
    """Each paragraph appears whole in `text` (spacing aside), one after another."""
    flat = " ".join(text.split())
    position = 0
    for paragraph in paragraphs:
        found = flat.find(" ".join(paragraph.split()), position)
        if found < 0:
            return False
        position = found + 1
    return True


def _article(outcome: ArticleOutcome) -> ArticleOutcome:
    assert outcome.error is None, outcome.error
    assert outcome.article is not None
    return outcome


async def test_a_one_column_pdf_is_summarised_like_an_article(
    pipeline: ArticlePipeline, files: Files, database: Database
) -> None:
    url = files.serve("/reports/harbour.pdf", render_pdf(HARBOUR_TITLE, HARBOUR, author="Anna Berg", font="Helvetica"))
    outcome = _article(await pipeline.process(url))
    article = outcome.article
    assert article is not None
    assert article.title == HARBOUR_TITLE  # the largest text on page one (the file has no Title)
    assert article.author == "Anna Berg"  # from the metadata
    assert article.published is not None  # the file's creation date
    assert HARBOUR_TITLE not in article.text
    assert article.text.split("\n\n") == HARBOUR
    assert article.canonical_url == url
    assert outcome.summary is not None
    assert outcome.summary.tldr
    again = await pipeline.process(url)
    assert again.duplicate_of == article.id
    assert files.fetches("/reports/harbour.pdf") == 1


async def test_two_columns_are_read_column_by_column(pipeline: ArticlePipeline, files: Files) -> None:
    paragraphs = HARBOUR + ORCHARD + TRAIN
    # Written row by row across both columns: the file's own order is not the reading order.
    url = files.serve("/two.pdf", render_pdf("Three stories", paragraphs, layout="two", font="Helvetica"))
    article = _article(await pipeline.process(url)).article
    assert article is not None
    assert article.title == "Three stories"
    assert _in_order(article.text, paragraphs)
    assert _words(article.text) == _words("\n".join(paragraphs))  # and nothing else: no page numbers


async def test_running_headers_footers_and_page_numbers_are_removed(pipeline: ArticlePipeline, files: Files) -> None:
    paragraphs = HARBOUR + ORCHARD + TRAIN
    data = render_pdf(
        "Three stories", paragraphs, layout="running", header="Lindqvist Courier - weekly digest", font="Helvetica"
    )
    url = files.serve("/running.pdf", data)
    article = _article(await pipeline.process(url)).article
    assert article is not None
    assert "Lindqvist Courier - weekly digest" not in article.text
    assert "Page" not in _words(article.text)
    assert _words(article.text) == _words("\n".join(paragraphs))


def _lines_pdf(pages: list[list[str]], *, title: str | None = None, author: str | None = None) -> bytes:
    """A PDF whose lines are placed one by one, exactly as given (for line-end and page-level cases)."""
    pdf = FPDF(unit="pt", format="A4")
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    for lines in pages:
        pdf.add_page()
        y = 80.0
        for line in lines:
            if line.startswith("# "):
                pdf.set_font("Helvetica", "B", 18)
                pdf.text(60, y, line[2:])
                y += 30
                continue
            pdf.set_font("Helvetica", "", 11)
            if line:
                pdf.text(60, y, line)
            y += 14
    return bytes(pdf.output())


async def test_words_hyphenated_at_line_ends_are_joined(pipeline: ArticlePipeline, files: Files) -> None:
    lines = [
        "The harbour authority collected infor-",
        "mation about every crossing, and the well-",
        "known night ferry carried more passen-",
        "gers than in any summer before. Its captains said the extra sail-",
        "ings were full from the first week. The well-known city council will decide in",
        "October whether the timetable stays for the winter, when fewer people",
        "travel but the bridge works close the road along the water for months.",
    ]
    url = files.serve("/hyphens.pdf", _lines_pdf([lines], title="Ferry figures"))
    article = _article(await pipeline.process(url)).article
    assert article is not None
    assert article.title == "Ferry figures"
    words = _words(article.text)
    assert {"information", "passengers", "sailings"} <= set(words)
    assert "infor" not in words
    assert "well-known" in article.text  # a hyphen before a word that goes on is the word's own


async def test_a_scanned_pdf_is_not_an_article(pipeline: ArticlePipeline, files: Files) -> None:
    outcome = await pipeline.process(files.serve("/scan.pdf", _scan()))
    assert outcome.error is not None
    assert outcome.error.code == "not_article"
    assert "a scanned document without text" in outcome.error.message
    assert outcome.article is None


async def test_an_encrypted_pdf_fails_with_a_one_line_reason(pipeline: ArticlePipeline, files: Files) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, " ".join(HARBOUR))
    pdf.set_encryption(owner_password="owner-secret", user_password="reader-secret")
    outcome = await pipeline.process(files.serve("/locked.pdf", bytes(pdf.output())))
    assert outcome.error is not None
    assert outcome.error.code == "extraction_failed"
    assert "password" in outcome.error.message
    assert "\n" not in outcome.error.message


async def test_a_truncated_or_fake_pdf_fails_with_a_one_line_reason(pipeline: ArticlePipeline, files: Files) -> None:
    whole = render_pdf(HARBOUR_TITLE, HARBOUR, font="Helvetica")
    truncated = await pipeline.process(files.serve("/cut.pdf", whole[: len(whole) * 2 // 3]))
    assert truncated.error is not None
    assert truncated.error.code == "extraction_failed"
    assert "cut off" in truncated.error.message
    damaged = whole[:200] + bytes(len(whole) - 400) + whole[-200:]
    broken = await pipeline.process(files.serve("/broken.pdf", damaged))
    assert broken.error is not None
    assert broken.error.code == "extraction_failed"
    assert "\n" not in broken.error.message
    html_as_pdf = await pipeline.process(files.serve("/fake.pdf", article_html(HARBOUR_TITLE, HARBOUR)))
    assert html_as_pdf.error is not None
    assert html_as_pdf.error.code == "extraction_failed"
    assert "not a PDF" in html_as_pdf.error.message


async def test_a_pdf_over_the_page_limit_is_read_up_to_the_limit(pipeline: ArticlePipeline, files: Files) -> None:
    pages = [
        [f"Chapter {n} tells part {k} of the long harbour report, {k * n} lines in." for k in range(20)]
        for n in range(1, 11)
    ]
    url = files.serve("/long.pdf", _lines_pdf(pages, title="The long harbour report"))
    article = _article(await pipeline.process(url)).article
    assert article is not None
    assert f"Chapter {MAX_PAGES} tells part 19" in article.text
    assert "Chapter 1 tells part 0 of" in article.text
    assert f"Chapter {MAX_PAGES + 1}" not in article.text
    assert "Chapter 10" not in article.text


async def test_a_300_page_pdf_stops_at_the_default_limit_within_the_extraction_time_limit(
    files: Files, database: Database
) -> None:
    settings = Settings.model_construct()
    pages = [
        [f"Section {n} line {k} of the annual harbour report, with its figures." for k in range(12)]
        for n in range(1, 301)
    ]
    url = files.serve("/annual.pdf", _lines_pdf(pages, title="The annual harbour report"))
    resolver = StaticResolver({"docs.test": ["127.0.0.1"]})
    policy = FetchPolicy(allow_private=True, timeout=10)
    async with (
        Fetcher(policy, resolver=resolver) as fetcher,
        CpuPool(workers=1, timeout=settings.cpu_timeout) as pool,
    ):
        pipeline = ArticlePipeline(
            database=database,
            fetcher=fetcher,
            cpu_pool=pool,
            summarizer=ExtractiveSummarizer(offload=pool.run),
            pdf_max_pages=settings.pdf_max_pages,
        )
        await pool.run(len, "started")  # the worker's start is not the reading's time
        # The pool kills a worker that runs over the extraction time limit (the outcome is then an
        # extraction_failed error), so an article here means the reading finished within it.
        outcome = await pipeline.process(url)
    article = _article(outcome).article
    assert article is not None
    last = settings.pdf_max_pages
    assert f"Section {last} line 11 of" in article.text
    assert f"Section {last + 1} line" not in article.text


def _split(paragraph: str, words_per_line: int = 12) -> list[str]:
    words = paragraph.split()
    return [" ".join(words[k : k + words_per_line]) for k in range(0, len(words), words_per_line)]


_ITEMS = [
    ("Night boats every twenty minutes.", "Two old ferries stay in service."),
    ("Crews are hired in spring.", "The council pays most of the cost."),
    ("An electric ferry is tested.", "The islands welcome the change."),
]


def _report_with_contents() -> bytes:
    """Three pages as word processors make them: a title page whose title the later pages repeat as a small
    running header, a table of contents (entry, dot leader, page number as separate runs), a line with a larger
    bold word in it, bulleted lists, and roman page numbers."""
    pdf = FPDF(unit="pt", format="A4")
    title = "Shared harbour data"
    for number, roman in enumerate(("i", "ii", "iii")):
        pdf.add_page()
        if number == 0:
            pdf.set_font("Helvetica", "B", 24)
            pdf.text(60, 90, title)
            pdf.set_font("Helvetica", "B", 13)
            pdf.text(60, 140, "Contents")
            for row, (entry, page) in enumerate((("1 Ferries", "2"), ("2 Crossings", "3"))):
                y = 165 + 16 * row
                pdf.set_font("Helvetica", "", 11)
                pdf.text(60, y, entry)
                pdf.set_font("Helvetica", "", 6)
                pdf.text(140, y, ". " * 40)
                pdf.set_font("Helvetica", "", 11)
                pdf.text(400, y, page)
            pdf.text(60, 230, "The")
            pdf.set_font("Helvetica", "B", 15)
            pdf.text(84, 231, "harbour")
            pdf.set_font("Helvetica", "", 11)
            pdf.text(150, 230, "report says what follows.")
            y = 250
        else:
            pdf.set_font("Helvetica", "", 9)
            pdf.text(60, 40, title)
            pdf.set_font("Helvetica", "", 11)
            y = 90
        lines = _split(HARBOUR[number])
        for k, line in enumerate(lines):
            pdf.text(60, y + 14 * k, line)
        y += 14 * len(lines) + 14
        for row, item in enumerate(_ITEMS[number]):
            pdf.set_font("ZapfDingbats", "", 8)
            pdf.text(60, y + 14 * row, "l")  # a bullet (U+25CF in the text layer)
            pdf.set_font("Helvetica", "", 11)
            pdf.text(72, y + 14 * row, item)
        pdf.text(290, 800, roman)
    return bytes(pdf.output())


def test_title_contents_runs_of_one_line_lists_and_roman_page_numbers() -> None:
    article = extract_pdf(_report_with_contents())
    # Page one's large title, though later pages repeat it in small type as their running header.
    assert article.title == "Shared harbour data"
    expected = ["The harbour report says what follows."]  # the larger bold word in its place
    for number in range(3):
        expected += [HARBOUR[number], "- " + "\n- ".join(_ITEMS[number])]
    # No contents (entries, leaders, page numbers, heading), running header nor roman page numbers.
    assert article.text.split("\n\n") == expected


def test_ligatures_and_compatibility_characters_are_normalised() -> None:
    assert normalise("e\ufb03cient \ufb01nal \ufb02ow\u00a0of \u2460") == "efficient final flow of 1"
    assert normalise("“quoted” – kept") == "“quoted” – kept"


async def test_a_pdf_url_served_as_octet_stream_is_read_as_a_pdf(pipeline: ArticlePipeline, files: Files) -> None:
    data = render_pdf(ORCHARD_TITLE, ORCHARD, font="Helvetica")
    article = _article(await pipeline.process(files.serve("/files/orchard.PDF", data, "application/octet-stream")))
    assert article.article is not None
    assert article.article.title == ORCHARD_TITLE
    other = await pipeline.process(files.serve("/files/orchard.bin", data, "application/octet-stream"))
    assert other.error is not None
    assert other.error.code == "unsupported_type"


def _paper(title: str, *, doi: str | None) -> bytes:
    """A small paper: title, authors with affiliation marks, an abstract, sections, references."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_title("paper_final_v3.pdf")  # what word processors leave behind: not a title
    pdf.add_page()
    if doi is not None:
        pdf.set_font("Helvetica", "", 8)
        pdf.text(56, 815, f"Harbour Economics 4 (2026) 17-29, https://doi.org/{doi}")  # the publisher's footer
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 22, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 14, "Anna Berg1, Lars Holm2 and Mia Strand1", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 14, "1 Harbour Institute   2 University of the Coast", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 14, "Abstract", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 13, HARBOUR[0] + " " + HARBOUR[1], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 14, "1 Introduction", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for paragraph in HARBOUR[2:]:
        pdf.multi_cell(0, 13, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    pdf.multi_cell(0, 13, "Data are available on request.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 14, "References", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for n in range(1, 8):
        pdf.multi_cell(
            0,
            12,
            f"[{n}] K. Author{n}. Ferry timetables in cold water, part {n}. Journal of Quays, 2019. "
            f"doi:10.7777/quays.{n}",  # the DOIs of cited works are not the paper's
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())


async def test_a_paper_starts_at_its_abstract_without_references(pipeline: ArticlePipeline, files: Files) -> None:
    title = "Night ferries and the harbour economy"
    outcome = _article(await pipeline.process(files.serve("/paper.pdf", _paper(title, doi="10.5555/quay.2026.17"))))
    article = outcome.article
    assert article is not None
    assert article.title == title  # the metadata's "paper_final_v3.pdf" is no title
    assert article.author == "Anna Berg, Lars Holm and Mia Strand"
    assert article.text.startswith(HARBOUR[0][:50])  # the abstract comes first, affiliations gone
    assert "Harbour Institute" not in article.text
    assert "Journal of Quays" not in article.text
    assert "References" not in article.text
    assert "1 Introduction" in article.text
    assert article.doi == "10.5555/quay.2026.17"  # kept as metadata, read back from the stored row
    assert outcome.as_json()["doi"] == "10.5555/quay.2026.17"
    assert outcome.summary is not None
    abstract = HARBOUR[0] + " " + HARBOUR[1]
    assert outcome.summary.tldr in abstract  # the abstract comes first: the natural TL;DR source


def test_the_dois_a_paper_cites_are_not_its_own() -> None:
    assert extract_pdf(_paper("Night ferries and the harbour economy", doi=None)).doi is None


async def test_an_arxiv_abstract_page_and_its_pdf_are_one_article(pipeline: ArticlePipeline, files: Files) -> None:
    abstract_page = article_html(
        "Night ferries and the harbour economy",
        HARBOUR,
        extra_head=f'<meta name="citation_arxiv_id" content="{ARXIV_ID}">'
        '<meta name="citation_doi" content="https://doi.org/10.48550/arXiv.2401.01234">',
    )
    files.serve(f"/abs/{ARXIV_ID}", abstract_page, "text/html; charset=utf-8")
    files.serve(f"/pdf/{ARXIV_ID}v2", _paper("Night ferries and the harbour economy", doi="10.5555/quay.1"))
    first = _article(await pipeline.process(files.url(f"/abs/{ARXIV_ID}", host="arxiv.org")))
    second = await pipeline.process(files.url(f"/pdf/{ARXIV_ID}v2", host="arxiv.org"))
    assert first.article is not None
    assert first.article.doi == "10.48550/arXiv.2401.01234"  # from the page's citation metadata
    assert second.duplicate_of == first.article.id
    assert files.fetches(f"/pdf/{ARXIV_ID}v2") == 0  # known by its arXiv id: not even downloaded
    version_one = await pipeline.process(files.url(f"/pdf/{ARXIV_ID}v1.pdf", host="arxiv.org"))
    assert version_one.duplicate_of == first.article.id


async def test_the_pdf_of_an_arxiv_paper_shared_first_is_stored_under_its_abstract_page(
    pipeline: ArticlePipeline, files: Files
) -> None:
    files.serve(f"/pdf/{ARXIV_ID}v2", _paper("Night ferries and the harbour economy", doi="10.5555/quay.1"))
    first = _article(await pipeline.process(files.url(f"/pdf/{ARXIV_ID}v2", host="arxiv.org")))
    assert first.article is not None
    assert first.article.canonical_url == files.url(f"/abs/{ARXIV_ID}v2", host="arxiv.org")
    again = await pipeline.process(files.url(f"/abs/{ARXIV_ID}", host="arxiv.org"))
    assert again.duplicate_of == first.article.id
    assert files.fetches(f"/abs/{ARXIV_ID}") == 0


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://arxiv.org/abs/2401.01234", "arxiv.org/abs/2401.01234"),
        ("https://arxiv.org/abs/2401.01234v3", "arxiv.org/abs/2401.01234"),
        ("http://www.arxiv.org/pdf/2401.01234v3.pdf", "arxiv.org/abs/2401.01234"),
        ("https://export.arxiv.org/pdf/2401.01234", "arxiv.org/abs/2401.01234"),
        ("https://arxiv.org/abs/hep-th/9901001v2", "arxiv.org/abs/hep-th/9901001"),
        ("https://arxiv.org/pdf/math.GT/0309136", "arxiv.org/abs/math.GT/0309136"),
        ("https://arxiv.org/list/cs.CL/recent", "arxiv.org/list/cs.CL/recent"),
        ("https://example.org/pdf/2401.01234v3.pdf", "example.org/pdf/2401.01234v3.pdf"),
    ],
)
def test_arxiv_urls_are_keyed_by_paper(url: str, key: str) -> None:
    assert urls.url_key(url) == key


def _scan() -> bytes:
    pdf = FPDF()
    for shade in (40, 200):
        pdf.add_page()
        pdf.image(Image.new("L", (300, 400), shade), x=10, y=10, w=180)
    return bytes(pdf.output())


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_channel(CHANNEL, name="general", members=["U0ALICE"])
        fake.add_user("U0ALICE", name="alice")
        yield fake


async def test_pdf_links_in_slack_get_a_summary_or_one_human_reply(
    slack: FakeSlack, files: Files, database: Database
) -> None:
    # The bot resolves names for real: its links name the loopback address itself.
    files.serve("/reports/train.pdf", render_pdf(TRAIN_TITLE, TRAIN, font="Helvetica"))
    files.serve("/reports/scan.pdf", _scan())
    report, scan = files.url("/reports/train.pdf", "127.0.0.1"), files.url("/reports/scan.pdf", "127.0.0.1")
    async with bot_client(slack, database.url) as client:
        top = await client.say("the report: ", LinkPart(report), channel=CHANNEL, user="U0ALICE")
        [reply] = await client.replies(1)
        await client.settled()
        assert reply.thread_ts == top["ts"]
        first = reply.blocks[0] if reply.blocks else {}
        assert first.get("type") == "header"
        assert first["text"]["text"] == TRAIN_TITLE
        other = await client.say("and the scan: ", LinkPart(scan), channel=CHANNEL, user="U0ALICE")
        [_, error] = await client.replies(2)
        await client.settled()
        assert error.thread_ts == other["ts"]
        assert "scanned document without text" in blocks_text(error) + (error.text or "")
        assert "Traceback" not in blocks_text(error)
        shares = await client.shares()
        assert [s.status for s in shares] == ["done", "failed"]
        assert shares[0].article_id is not None
