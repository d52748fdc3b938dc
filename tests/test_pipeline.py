"""The whole pipeline, URL to stored article, against real local servers and both real databases.

Sites get realistic names (`news.test`, `www.news.test`, `mirror.test`) through a fixed resolver that maps them
to loopback addresses, so the same article can live on "another host" without any traffic leaving the machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from articles import HARBOUR, HARBOUR_TITLE, ORCHARD, ORCHARD_TITLE, TRAIN, TRAIN_TITLE, article_html
from localserver import SECOND_LOOPBACK, RequestLog, StaticResolver, port_of, serve_app
from sqlalchemy import func, select

from bot import metrics
from bot.pipeline.cpu_pool import CpuPool
from bot.pipeline.fetch import Fetcher, FetchPolicy
from bot.pipeline.runner import ArticlePipeline
from bot.store.db import Database
from bot.store.models import Article, ArticleURL, StoredSummary
from bot.summarize.extractive import ExtractiveSummarizer


@dataclass
class Sites:
    """Two local sites: `news.test`/`www.news.test` on 127.0.0.1 and `mirror.test` on 127.0.0.2, same port."""

    port: int
    news_log: RequestLog
    mirror_log: RequestLog
    news_pages: dict[str, str]
    mirror_pages: dict[str, str]

    def news(self, path: str, host: str = "news.test") -> str:
        return f"http://{host}:{self.port}{path}"

    def mirror(self, path: str) -> str:
        return f"http://mirror.test:{self.port}{path}"


def _html_app(log: RequestLog, pages: dict[str, str], redirects: dict[str, str]) -> web.Application:
    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path in redirects:
            raise web.HTTPMovedPermanently(redirects[request.path])
        if request.path not in pages:
            raise web.HTTPNotFound()
        return web.Response(text=pages[request.path], content_type="text/html")

    app = log.app()
    app.router.add_route("GET", "/{tail:.*}", handler)
    return app


@pytest.fixture
async def sites() -> AsyncIterator[Sites]:
    news_log, mirror_log = RequestLog(), RequestLog()
    news_pages = {
        "/2026/03/harbour-ferries": article_html(HARBOUR_TITLE, HARBOUR),
        "/2026/03/orchards": article_html(ORCHARD_TITLE, ORCHARD),
        "/2026/04/night-train": article_html(TRAIN_TITLE, TRAIN),
        "/home": "<html><body>"
        + "".join(f'<p><a href="/story/{i}">Story number {i} of today</a></p>' for i in range(80))
        + "</body></html>",
    }
    news_redirects = {"/short/ferries": "/2026/03/harbour-ferries"}
    mirror_pages = {
        # The harbour story syndicated on another site under another path: same text, other chrome.
        "/syndicated/ferry-story.html": article_html(
            HARBOUR_TITLE, HARBOUR, site_name="Mirror Daily", author="Wire staff"
        ),
        # The orchard story, lightly edited by the other site (one sentence changed, a credit added).
        "/copy/orchards": article_html(
            ORCHARD_TITLE,
            [ORCHARD[0].replace("two years", "twenty-four months"), *ORCHARD[1:], "Reporting by Mirror Daily."],
            site_name="Mirror Daily",
        ),
    }
    async with serve_app(_html_app(news_log, news_pages, news_redirects)) as news_url:
        port = port_of(news_url)
        async with serve_app(_html_app(mirror_log, mirror_pages, {}), host=SECOND_LOOPBACK, port=port):
            yield Sites(port, news_log, mirror_log, news_pages, mirror_pages)


@pytest.fixture
async def pipeline(database: Database) -> AsyncIterator[ArticlePipeline]:
    resolver = StaticResolver(
        {"news.test": ["127.0.0.1"], "www.news.test": ["127.0.0.1"], "mirror.test": [SECOND_LOOPBACK]}
    )
    policy = FetchPolicy(allow_private=True, timeout=10)
    async with Fetcher(policy, resolver=resolver) as fetcher, CpuPool(workers=1, timeout=20) as cpu_pool:
        summarizer = ExtractiveSummarizer(offload=cpu_pool.run)
        yield ArticlePipeline(database=database, fetcher=fetcher, cpu_pool=cpu_pool, summarizer=summarizer)


async def _count(database: Database, model: type) -> int:
    async with database.session() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_new_article_is_fetched_extracted_summarised_and_stored(
    pipeline: ArticlePipeline, sites: Sites, database: Database
) -> None:
    outcome = await pipeline.process(sites.news("/2026/03/harbour-ferries?utm_source=newsletter&utm_medium=email"))

    assert outcome.error is None
    assert outcome.duplicate_of is None
    article = outcome.article
    assert article is not None
    assert article.title == HARBOUR_TITLE
    assert article.canonical_url == sites.news("/2026/03/harbour-ferries")
    assert article.text.startswith(HARBOUR[0][:60])
    assert HARBOUR_TITLE not in article.text
    assert article.word_count > 200
    line = outcome.as_json()
    assert line["article_id"] == article.id
    assert line["published"] == "2026-03-03"
    assert line["error"] is None
    assert set(line) == {
        "url", "final_url", "canonical_url", "article_id", "duplicate_of", "title", "site_name", "author",
        "published", "language", "word_count", "text", "page_qa", "doi", "tldr", "key_points", "qa", "summarizer",
        "error",
    }  # fmt: skip
    assert outcome.summary is not None
    assert outcome.summary.summarizer.startswith("extractive")
    assert await _count(database, Article) == 1
    assert await _count(database, StoredSummary) == 1


async def test_spellings_of_the_same_url_are_one_article_and_cost_no_second_fetch(
    pipeline: ArticlePipeline, sites: Sites, database: Database
) -> None:
    first = await pipeline.process(sites.news("/2026/03/harbour-ferries"))
    assert first.article is not None
    variants = [
        sites.news("/2026/03/harbour-ferries?utm_source=x&utm_campaign=spring&fbclid=abc"),
        sites.news("/2026/03/harbour-ferries/"),
        sites.news("/2026/03/harbour-ferries", host="www.news.test"),
        sites.news("/2026/03/harbour-ferries/#comments", host="www.news.test"),
    ]
    for url in variants:
        outcome = await pipeline.process(url)
        assert outcome.error is None, url
        assert outcome.duplicate_of == first.article.id, url
        assert outcome.summary == first.summary
    assert sites.news_log.paths == ["/2026/03/harbour-ferries"]
    assert await _count(database, Article) == 1
    assert await _count(database, StoredSummary) == 1


async def test_a_redirect_to_a_known_article_is_the_same_article(
    pipeline: ArticlePipeline, sites: Sites, database: Database
) -> None:
    first = await pipeline.process(sites.news("/2026/03/harbour-ferries"))
    via_redirect = await pipeline.process(sites.news("/short/ferries"))
    assert via_redirect.duplicate_of == first.article.id
    assert via_redirect.final_url == sites.news("/2026/03/harbour-ferries")
    fetched = len(sites.news_log.paths)
    # The short link is now an alias: a third share costs no request at all.
    again = await pipeline.process(sites.news("/short/ferries?utm_source=x"))
    assert again.duplicate_of == first.article.id
    assert len(sites.news_log.paths) == fetched
    assert await _count(database, Article) == 1


async def test_a_new_article_reached_through_a_redirect_records_each_url_key_once(
    pipeline: ArticlePipeline, sites: Sites, database: Database
) -> None:
    """The canonical key is recorded by `add_article` (with the canonical spelling), the short link's by the
    runner; neither twice."""
    outcome = await pipeline.process(sites.news("/short/ferries?utm_source=x"))
    assert outcome.error is None
    assert outcome.duplicate_of is None
    assert outcome.article is not None
    async with database.session() as session:
        aliases = (await session.execute(select(ArticleURL.url_key, ArticleURL.url, ArticleURL.article_id))).all()
    assert sorted(aliases) == [
        (f"news.test:{sites.port}/2026/03/harbour-ferries", sites.news("/2026/03/harbour-ferries"), outcome.article.id),
        (f"news.test:{sites.port}/short/ferries", sites.news("/short/ferries?utm_source=x"), outcome.article.id),
    ]


async def test_same_text_on_another_host_is_the_same_article(
    pipeline: ArticlePipeline, sites: Sites, database: Database
) -> None:
    original = await pipeline.process(sites.news("/2026/03/harbour-ferries"))
    copy = await pipeline.process(sites.mirror("/syndicated/ferry-story.html"))
    assert copy.error is None
    assert copy.duplicate_of == original.article.id
    assert sites.mirror_log.paths == ["/syndicated/ferry-story.html"]
    assert await _count(database, Article) == 1
    # The mirror's URL now leads straight to the article.
    assert await _count(database, ArticleURL) == 2


async def test_a_lightly_edited_copy_is_a_near_duplicate(
    pipeline: ArticlePipeline, sites: Sites, database: Database
) -> None:
    original = await pipeline.process(sites.news("/2026/03/orchards"))
    edited = await pipeline.process(sites.mirror("/copy/orchards"))
    assert edited.duplicate_of == original.article.id
    assert await _count(database, Article) == 1


async def test_different_articles_with_the_same_boilerplate_stay_apart(
    pipeline: ArticlePipeline, sites: Sites, database: Database
) -> None:
    outcomes = [
        await pipeline.process(sites.news(path))
        for path in ("/2026/03/harbour-ferries", "/2026/03/orchards", "/2026/04/night-train")
    ]
    assert [o.duplicate_of for o in outcomes] == [None, None, None]
    assert len({o.article.id for o in outcomes}) == 3
    assert await _count(database, Article) == 3


async def test_racing_shares_of_one_article_end_as_one_article(
    pipeline: ArticlePipeline, sites: Sites, database: Database
) -> None:
    urls = [
        sites.news("/2026/03/harbour-ferries"),
        sites.news("/2026/03/harbour-ferries?utm_source=a"),
        sites.news("/2026/03/harbour-ferries", host="www.news.test"),
        sites.mirror("/syndicated/ferry-story.html"),
        sites.news("/short/ferries"),
    ]
    outcomes = await asyncio.gather(*(pipeline.process(url) for url in urls))
    assert all(o.error is None for o in outcomes)
    assert len({o.article.id for o in outcomes}) == 1
    assert await _count(database, Article) == 1
    assert await _count(database, StoredSummary) == 1


async def test_failures_are_typed_and_leave_nothing_behind(
    pipeline: ArticlePipeline, sites: Sites, database: Database
) -> None:
    cases = {
        sites.news("/missing"): "http_error",
        sites.news("/home"): "not_article",
        "ftp://news.test/file": "bad_url",
        "https://user:pw@news.test/x": "bad_url",
        f"http://unknown.test:{sites.port}/": "bad_url",
    }
    for url, code in cases.items():
        outcome = await pipeline.process(url)
        assert outcome.error is not None, url
        assert outcome.error.code == code, (url, outcome.error)
        assert outcome.article is None
        line = outcome.as_json()
        assert line["error"]["code"] == code
        assert line["error"]["message"]
        assert line["title"] is None
        assert line["tldr"] is None
    assert await _count(database, Article) == 0
    assert await _count(database, ArticleURL) == 0


async def test_a_canonical_link_on_the_same_site_names_the_article(
    pipeline: ArticlePipeline, sites: Sites, database: Database
) -> None:
    sites.news_pages["/amp/train"] = article_html(
        TRAIN_TITLE, TRAIN, canonical=sites.news("/2026/04/night-train?utm_source=amp")
    )
    sites.news_pages["/hijack"] = article_html(
        ORCHARD_TITLE, ORCHARD, canonical="https://someone-else.example/their-story"
    )
    amp = await pipeline.process(sites.news("/amp/train"))
    assert amp.article.canonical_url == sites.news("/2026/04/night-train")
    # The canonical URL is an alias now: sharing it needs no fetch.
    direct = await pipeline.process(sites.news("/2026/04/night-train"))
    assert direct.duplicate_of == amp.article.id
    assert "/2026/04/night-train" not in sites.news_log.paths
    # A canonical link to another site is not trusted.
    hijack = await pipeline.process(sites.news("/hijack"))
    assert hijack.article.canonical_url == sites.news("/hijack")


# --- the CPU pool: started lazily, one trip per new page, the second extractor only on doubtful pages ----------


def _pool_workers() -> list[int]:
    """Processes forked by one of this process's children (the forkserver): the CPU pool's workers."""
    import psutil

    me = psutil.Process()
    children = {child.pid for child in me.children()}
    return [process.pid for process in me.children(recursive=True) if process.ppid() in children]


def _extractions(second_opinion: str) -> float:
    return metrics.REGISTRY.get_sample_value("linkbrief_extractions_total", {"second_opinion": second_opinion}) or 0.0


def chunked_article_html(title: str, first: list[str], second: list[str]) -> str:
    """An article whose body the site splits into two chunks, each beside an advertisement (a magazine layout):
    trafilatura keeps the first chunk, its own readability pass the second, longer one."""

    def chunk(paragraphs: list[str]) -> str:
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        return (
            f'<div class="grid grid-layout"><div class="grid--item body body__container article__body">{body}</div>'
            '<div class="grid--item grid-layout__aside"><p>Advertisement</p></div></div>'
        )

    return article_html(title, []).replace(
        '<div class="article-body"></div>', f'<div class="article__chunks">{chunk(first)}{chunk(second)}</div>'
    )


async def test_the_pool_starts_with_the_first_page_and_each_new_page_is_one_trip(
    pipeline: ArticlePipeline, sites: Sites
) -> None:
    assert not pipeline.cpu_pool.started
    assert _pool_workers() == []

    first = await pipeline.process(sites.news("/2026/03/harbour-ferries"))
    assert first.ok
    assert first.summary is not None
    assert pipeline.cpu_pool.started
    assert len(_pool_workers()) == 1  # the fixture's pool has one worker
    assert pipeline.cpu_pool.tasks == 1  # extraction, fingerprint and summary: one task

    await pipeline.process(sites.news("/2026/04/night-train"))
    assert pipeline.cpu_pool.tasks == 2
    # A repeat costs no CPU work at all; the same text under another URL costs the one task that finds it.
    await pipeline.process(sites.news("/2026/04/night-train?utm_source=x"))
    assert pipeline.cpu_pool.tasks == 2
    copy = await pipeline.process(sites.mirror("/syndicated/ferry-story.html"))
    assert copy.duplicate_of == first.article.id
    assert pipeline.cpu_pool.tasks == 3


async def test_the_second_extractor_runs_only_on_a_doubtful_page(pipeline: ArticlePipeline, sites: Sites) -> None:
    clean_before, doubtful_before = _extractions("no"), _extractions("yes")
    clean = await pipeline.process(sites.news("/2026/03/harbour-ferries"))
    assert clean.ok
    assert (_extractions("no") - clean_before, _extractions("yes") - doubtful_before) == (1, 0)

    sites.news_pages["/features/orchards"] = chunked_article_html(ORCHARD_TITLE, ORCHARD, TRAIN + HARBOUR)
    chunked = await pipeline.process(sites.news("/features/orchards"))
    assert chunked.ok
    assert (_extractions("no") - clean_before, _extractions("yes") - doubtful_before) == (1, 1)
    # The second opinion is what finds both chunks: trafilatura alone stops after the first.
    assert chunked.article.text.startswith(ORCHARD[0][:60])
    assert TRAIN[0][:60] in chunked.article.text
    assert HARBOUR[-1][:60] in chunked.article.text
