"""The article pipeline: one URL in, one stored, deduplicated, summarised article (or one typed error) out.

    validate → alias lookup → fetch → (final-URL lookup) → read: extract + fingerprint + summarise
             → (canonical-link lookup) → content hash / near-duplicate lookup → store (article, summary, search)

Each arrow is a place where a repeat is recognised as early (and as cheaply) as possible: a URL seen before
never costs a fetch, a page seen before under another URL never costs a second summary. Every URL that led to
an article is recorded as an alias, so the next share of any of them stops at the first lookup.

"read" is one task in the CPU pool (`bot.pipeline.worker.read_page`): all the CPU work of a new page in one
trip, the lookups it makes possible after it, in this process. With the LLM summariser the summary is made
here instead, after the lookups (it is network work, and a duplicate needs none).

The runner owns no policy of its own: fetching rules live in `fetch`, extraction in `extract`, identity in
`urls` and `fingerprint`, persistence in `bot.store`. It only orders the stages and turns every failure into a
`PipelineError`, so callers (the CLI, the Slack worker) never see a traceback.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.errors import InternalError, PipelineError
from bot.logs import get_logger
from bot.outcome import ArticleOutcome, StoredArticle
from bot.pipeline import urls
from bot.pipeline.cpu_pool import CpuPool
from bot.pipeline.extract import ExtractedArticle
from bot.pipeline.fetch import FetchedPage, Fetcher, FetchPolicy
from bot.pipeline.fingerprint import (
    MIN_WORDS_FOR_NEAR_MATCH,
    NEAR_DUPLICATE_DISTANCE,
    TextFingerprint,
    texts_match,
)
from bot.pipeline.pdf import DEFAULT_MAX_PAGES
from bot.pipeline.worker import read_page, summary_input
from bot.settings import Settings
from bot.store import articles as store
from bot.store.db import Database
from bot.store.outage import is_database_outage
from bot.summarize import SummarizerUnavailable, make_summarizer, summarizer_problem
from bot.summarize.base import Summarizer, Summary, SummaryInput
from bot.summarize.extractive import ExtractiveSummarizer

log = get_logger(__name__)


class ArticlePipeline:
    """Runs URLs through fetch → extract → dedup → summarise → store.

    Holds the long-lived parts (one HTTP session, one CPU process pool, one summariser) so that many URLs,
    processed concurrently, share them. Use `ArticlePipeline.open(settings, database)`.

    The offline summariser (`ExtractiveSummarizer`) runs inside the pool's page task; any other summariser
    (the LLM) runs here, after the duplicate lookups.
    """

    def __init__(
        self,
        *,
        database: Database,
        fetcher: Fetcher,
        cpu_pool: CpuPool,
        summarizer: Summarizer,
        pdf_max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        self.database = database
        self.fetcher = fetcher
        self.cpu_pool = cpu_pool
        self.summarizer = summarizer
        self.pdf_max_pages = pdf_max_pages
        self._summarise_in_pool = isinstance(summarizer, ExtractiveSummarizer)
        self._inflight: dict[str, asyncio.Future[None]] = {}

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: Settings, database: Database) -> AsyncIterator[ArticlePipeline]:
        """A pipeline built from settings, with its HTTP session and process pool closed on exit (the pool's
        workers start with the first page that needs them)."""
        problem = summarizer_problem(settings)  # an unusable summariser fails here, before any worker starts
        if problem:
            raise SummarizerUnavailable(problem)
        async with (
            Fetcher(FetchPolicy.from_settings(settings)) as fetcher,
            CpuPool(workers=settings.cpu_workers, timeout=settings.cpu_timeout) as cpu_pool,
        ):
            summarizer = make_summarizer(settings, offload=cpu_pool.run)
            try:
                yield cls(
                    database=database,
                    fetcher=fetcher,
                    cpu_pool=cpu_pool,
                    summarizer=summarizer,
                    pdf_max_pages=settings.pdf_max_pages,
                )
            finally:
                close = getattr(summarizer, "aclose", None)
                if close is not None:
                    await close()

    async def process(self, url: str) -> ArticleOutcome:
        """Take one URL all the way; never raises for anything a URL or a page can do (a database outage is
        raised: it is not the link's fault, see `bot.store.outage`).

        Two spellings of one URL processed at the same time (a link pasted twice in a burst) would both miss
        the alias table and both fetch; the second instead waits for the first and then finds its alias.
        """
        key = _inflight_key(url)
        if key is None:
            return await self._process_safely(url)
        while (earlier := self._inflight.get(key)) is not None:
            await asyncio.shield(earlier)
        done = asyncio.get_running_loop().create_future()
        self._inflight[key] = done
        try:
            return await self._process_safely(url)
        finally:
            del self._inflight[key]
            done.set_result(None)

    async def _process_safely(self, url: str) -> ArticleOutcome:
        run = _Run(url)
        try:
            return await self._process(run)
        except PipelineError as error:
            log.info("article_failed", url=url, code=error.code, reason=error.message)
            metrics.ERRORS.labels(error.code).inc()
            return ArticleOutcome(url=url, final_url=run.final_url, error=error, timings=run.timings)
        except Exception as exc:
            if is_database_outage(exc):
                raise  # our infrastructure, not the link: the caller retries later (bot.store.outage)
            log.exception("article_crashed", url=url)
            metrics.ERRORS.labels("internal_error").inc()
            return ArticleOutcome(
                url=url,
                final_url=run.final_url,
                error=InternalError("Something went wrong on our side while reading this link."),
            )

    async def _process(self, run: _Run) -> ArticleOutcome:
        url = urls.validate_url(run.url)
        run.add_key(url)
        known = await self._known_article(run)
        if known is not None:
            return await self._duplicate(run, known)

        with run.stage("fetch"):
            page = await self.fetcher.fetch(url)
        run.final_url = page.final_url
        if run.add_key(page.final_url):
            known = await self._known_article(run)
            if known is not None:
                return await self._duplicate(run, known)

        with run.stage("read"):
            reading = await self.cpu_pool.run_page_task(
                read_page,
                page.html,
                page.final_url,
                self._summarise_in_pool,
                page.content_type,
                page.body,
                self.pdf_max_pages,
            )
        extracted, print_ = reading.article, reading.fingerprint
        run.timings.update({f"cpu_{step}_ms": round(ms, 1) for step, ms in reading.cpu_ms.items()})
        metrics.EXTRACTIONS.labels("yes" if extracted.second_opinion else "no").inc()
        ready = reading.summary
        if reading.summary_failed:
            log.warning("summary_failed", url=run.url, title=extracted.title)

        canonical = self._canonical_url(page, extracted)
        if run.add_key(canonical):
            known = await self._known_article(run)
            if known is not None:  # the same article by the site's word, its stored text maybe another version
                return await self._duplicate(run, known)
        known = await self._same_text(extracted.text, print_)
        if known is not None:
            return await self._duplicate(run, known, ready)

        # Summarised before storing, so the article, its summary and its search entry are written in one
        # short transaction (the text indexed once); only a lost insert race wastes the summary.
        summary = ready
        if not self._summarise_in_pool:
            with run.stage("summarize"):
                summary = await self._summary_of(summary_input(extracted))
        with run.stage("store"):
            stored, created = await self._store(run, canonical, extracted, print_, summary)
        if not created:
            # Another task stored the same article between our lookups and our insert.
            return await self._duplicate(run, stored)
        log.info("article_stored", url=run.url, article_id=stored.id, **run.timings)
        return ArticleOutcome(
            url=run.url, final_url=run.final_url, article=stored, summary=summary, timings=run.timings
        )

    @staticmethod
    def _canonical_url(page: FetchedPage, extracted: ExtractedArticle) -> str:
        """The page's own canonical link when it stays on the same site, else the final URL cleaned."""
        declared = extracted.canonical_url
        if declared:
            try:
                urls.validate_url(declared)
            except PipelineError:
                declared = None
        if declared and urls.same_site(declared, page.final_url):
            return urls.canonical_url(declared)
        return urls.canonical_url(page.final_url)

    async def _known_article(self, run: _Run) -> StoredArticle | None:
        async with self.database.session(read_only=True) as session:
            for key in run.keys:
                row = await store.article_for_url_key(session, key)
                if row is not None:
                    return StoredArticle.from_row(row)
        return None

    async def _same_text(self, text: str, print_: TextFingerprint) -> StoredArticle | None:
        """An article already stored with this text, exactly or nearly."""
        async with self.database.session(read_only=True) as session:
            row = await store.article_for_content_hash(session, print_.content_hash)
            if row is not None:
                return StoredArticle.from_row(row)
            if print_.word_count < MIN_WORDS_FOR_NEAR_MATCH:
                return None
            row = await store.near_duplicate(session, print_.simhash, max_distance=NEAR_DUPLICATE_DISTANCE)
        if row is None:
            return None
        # Confirmed outside the session, in the worker pool: CPU work that must hold neither a connection nor
        # the event loop.
        candidate = StoredArticle.from_row(row)
        return candidate if await self.cpu_pool.run(texts_match, text, candidate.text) else None

    async def _store(
        self,
        run: _Run,
        canonical: str,
        extracted: ExtractedArticle,
        print_: TextFingerprint,
        summary: Summary | None,
    ) -> tuple[StoredArticle, bool]:
        new = store.NewArticle(
            canonical_url=canonical,
            url_key=urls.url_key(canonical),
            title=extracted.title,
            author=extracted.author,
            published=extracted.published,
            site_name=extracted.site_name,
            language=extracted.language,
            text=extracted.text,
            word_count=extracted.word_count,
            page_qa=extracted.page_qa,
            doi=extracted.doi,
            content_hash=print_.content_hash,
            simhash=print_.simhash,
        )
        async with self.database.session() as session, session.begin():
            row, created = await store.add_article(session, new, summary=summary)
            article = StoredArticle.from_row(row)
            await self._record_aliases(session, run, article.id, recorded=new.url_key)
        return article, created

    @staticmethod
    async def _record_aliases(
        session: AsyncSession, run: _Run, article_id: int, *, recorded: str | None = None
    ) -> None:
        """Map every URL key of the run to the article, except `recorded` (the key `add_article` mapped)."""
        for key, spelled in run.keys.items():
            if key != recorded:
                await store.add_alias(session, key, spelled, article_id)

    async def _duplicate(self, run: _Run, article: StoredArticle, ready: Summary | None = None) -> ArticleOutcome:
        """An article seen before: remember the new spellings of its URL and reuse (or make) its summary.

        `ready` is the summary this run's page task already made of the same text (or a near copy of it): stored
        when the article has none, instead of summarising again."""
        async with self.database.session() as session, session.begin():
            await self._record_aliases(session, run, article.id)
            summary = await store.latest_summary(session, article.id)
        if summary is None:
            summary = await self._summarize(article, ready)
        log.info("article_seen_before", url=run.url, article_id=article.id)
        return ArticleOutcome(
            url=run.url,
            final_url=run.final_url,
            article=article,
            duplicate_of=article.id,
            summary=summary,
            timings=run.timings,
        )

    async def _summarize(self, article: StoredArticle, ready: Summary | None = None) -> Summary | None:
        """Summarise a stored article that has no summary yet (or take `ready`), and store it."""
        summary = ready if ready is not None else await self._summary_of(summary_input(article))
        if summary is not None:
            async with self.database.session() as session, session.begin():
                await store.save_summary(session, article.id, summary)
        return summary

    async def _summary_of(self, article: SummaryInput) -> Summary | None:
        """The summariser's output; a summariser failure leaves the article without a summary, logged."""
        try:
            return await self.summarizer.summarize(article)
        except Exception:
            log.exception("summary_failed", title=article.title)
            return None


def _inflight_key(url: str) -> str | None:
    """The dedup key of a URL as given, or None when it is not a URL we would fetch anyway."""
    try:
        return urls.url_key(urls.validate_url(url))
    except (PipelineError, ValueError):
        return None


class _Run:
    """The state of one URL's trip through the pipeline: its URL keys so far and stage timings."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.final_url: str | None = None
        self.keys: dict[str, str] = {}
        self.timings: dict[str, float] = {}

    def add_key(self, url: str) -> bool:
        """Remember the dedup key of `url`; True when it is one not seen on this run yet."""
        key = urls.url_key(url)
        if key in self.keys:
            return False
        self.keys[key] = url
        return True

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a stage; the timings go to the log line that closes the run."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[f"{name}_ms"] = round((time.perf_counter() - started) * 1000, 1)
            metrics.STAGE_SECONDS.labels(name).observe(time.perf_counter() - started)
