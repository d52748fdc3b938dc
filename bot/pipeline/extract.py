"""Extraction stage: fetched HTML -> `ExtractedArticle` (metadata + clean body text), off the event loop.

`extract_article` is pure and synchronous: parse once, gate obviously empty pages, run trafilatura (fallbacks
on, metadata included) and readability-lxml, combine them by agreement (`combine`), remove repeated and
truncated blocks (`repeats`), then gate what is left (`quality`). It runs inside worker processes because
trafilatura can spend seconds (or forever) on pathological pages and holds the GIL while it does.

`Extractor` is the asyncio facade: a pebble process pool where every page gets a hard time limit. A page that
runs over is killed with its worker; pebble starts a fresh worker and the pool goes on. Workers are started
with the "forkserver" method, not "fork": the parent runs an event loop and threads, and forking a threaded
process can deadlock the child on a lock some other thread held. The forkserver imports the extraction stack
and loads the language model once (`bot.pipeline.worker`), so each new worker is a cheap fork of a clean,
single-threaded, already warmed-up process. Measured (`python -m benchmarks.extraction --pool`, 1 worker):
first page back about 0.9 s with either method, but a page right after a killed worker 0.07 s with forkserver
against 0.8 s with spawn, which re-imports everything in every new worker.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TypeVar

from lxml.etree import ParserError
from lxml.html import HtmlElement
from pebble import ProcessExpired, ProcessPool
from trafilatura.utils import load_html

from bot.article import ArticleContent
from bot.errors import ExtractionFailed, NotArticle, PipelineError
from bot.pipeline.blocks import count_words, join_blocks
from bot.pipeline.candidates import readability_candidate, trafilatura_candidate
from bot.pipeline.combine import combine
from bot.pipeline.decoding import repair_blocks, repair_field
from bot.pipeline.furniture import trim_furniture
from bot.pipeline.language import choose_language
from bot.pipeline.metadata import (
    canonical_url,
    clean_author,
    clean_site_name,
    declared_language,
    json_ld_documents,
    parse_date,
)
from bot.pipeline.page_qa import find_page_qa, without_page_qa
from bot.pipeline.quality import check_article, check_page
from bot.pipeline.repeats import remove_repeats
from bot.pipeline.title import choose_title, site_names

logger = logging.getLogger(__name__)

WORKER_MAX_TASKS = 200
"""Pages a worker handles before it is replaced: lxml and trafilatura's caches grow in long-lived processes."""

_PRELOAD_MODULE = "bot.pipeline.worker"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractedArticle(ArticleContent):
    """The article as extraction found it on one page.

    `canonical_url` is the page's own claim (`<link rel=canonical>` or `og:url`, absolute, http(s)), or None;
    the pipeline decides the URL the article is stored under.
    """

    canonical_url: str | None = None


def extract_article(html: str, url: str | None = None) -> ExtractedArticle:
    """Extract the article of one page. Raises NotArticle (nothing worth summarising) or ExtractionFailed."""
    if not html or not html.strip():
        raise NotArticle("The page is empty: there is no text on it.")
    tree = _parse(html)
    check_page(tree)

    try:
        document, primary = trafilatura_candidate(tree, url)
        secondary = readability_candidate(tree)
    except PipelineError:
        raise
    except Exception as error:  # a library bug on a strange page must not look like a crash of ours
        logger.warning("extraction failed", exc_info=True)
        raise ExtractionFailed("linkbrief could not read this page's content.") from error

    json_ld = json_ld_documents(tree)
    names = site_names(tree, json_ld)
    fallback = document.title if document else None
    title = repair_field(choose_title(tree, url, fallback, json_ld=json_ld, names=names))
    page_qa = find_page_qa(tree, json_ld)
    blocks = repair_blocks(without_page_qa(remove_repeats(combine(primary, secondary, title)), page_qa))
    trimmed = trim_furniture(check_article(tree, blocks), title)
    blocks = trimmed.blocks
    text = join_blocks(blocks)
    words = count_words(text)

    return ExtractedArticle(
        title=title,
        author=clean_author(document.author if document else None) or trimmed.byline,
        published=parse_date(document.date) if document else None,
        site_name=clean_site_name(document.sitename if document else None, names),
        language=choose_language(declared_language(tree), text, words),
        canonical_url=canonical_url(tree, url),
        text=text,
        word_count=words,
        page_qa=page_qa.pairs,
    )


def _parse(html: str) -> HtmlElement:
    try:
        tree = load_html(html)
    except (ParserError, ValueError) as error:
        raise NotArticle("The page is not readable HTML.") from error
    if tree is None:
        raise NotArticle("The page is not readable HTML.")
    return tree


WorkerFunction = Callable[[str, "str | None"], ExtractedArticle]
T = TypeVar("T")


class Extractor:
    """Runs `extract_article` in a process pool, each page under a hard time limit.

    Use as `async with Extractor() as extractor: article = await extractor.extract(html, url)`.

    `worker` is the function run in the pool; it must be importable by name (module-level) because workers
    receive it pickled. It exists for tests that need a page that runs forever without depending on
    trafilatura's behaviour on some crafted input; production code leaves it alone.
    """

    def __init__(
        self,
        *,
        workers: int = 2,
        timeout: float = 10.0,
        worker: WorkerFunction = extract_article,
        start_method: str = "forkserver",
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._timeout = timeout
        self._worker = worker
        context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            # Only takes effect if this process's forkserver is not running yet; harmless otherwise.
            context.set_forkserver_preload([_PRELOAD_MODULE])
        self._pool = ProcessPool(
            max_workers=workers,
            max_tasks=WORKER_MAX_TASKS,
            context=context,
            initializer=_warm_up if start_method != "forkserver" else None,
        )
        self._closed = False

    async def __aenter__(self) -> Extractor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the workers (a running extraction is abandoned) and wait for them to exit."""
        if self._closed:
            return
        self._closed = True
        self._pool.stop()
        await asyncio.to_thread(self._pool.join)

    async def extract(self, html: str, url: str | None = None) -> ExtractedArticle:
        """Extract one page in a worker. Raises NotArticle, or ExtractionFailed on timeout or crash."""
        if self._closed:
            raise RuntimeError("Extractor is closed")
        future = self._pool.schedule(self._worker, args=(html, url), timeout=self._timeout)
        try:
            return await asyncio.wrap_future(future)
        except PipelineError:
            raise
        except TimeoutError as error:
            raise ExtractionFailed(
                f"Reading the page took longer than {self._timeout:g} seconds, so linkbrief gave up."
            ) from error
        except ProcessExpired as error:
            logger.warning("extraction worker died", extra={"exitcode": error.exitcode})
            raise ExtractionFailed("The page crashed linkbrief's reader.") from error
        except asyncio.CancelledError:
            future.cancel()  # stop the worker too, not just our wait for it
            raise
        except Exception as error:
            logger.warning("extraction worker raised", exc_info=True)
            raise ExtractionFailed("linkbrief could not read this page's content.") from error

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """Run another CPU-heavy step (a module-level, picklable function) in the same workers and time limit.

        The summariser uses this: like extraction, it is pure CPU work whose cost grows with the article, and
        in the bot's own process it would hold the event loop that answers Slack. Failures propagate as they
        are (`TimeoutError`, `ProcessExpired`, or the function's own exception) for the caller to handle.
        """
        if self._closed:
            raise RuntimeError("Extractor is closed")
        future = self._pool.schedule(function, args=args, timeout=self._timeout)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.cancel()
            raise


def _warm_up() -> None:
    """Worker initializer for start methods without a preloading server (spawn)."""
    from bot.pipeline import worker  # noqa: F401  (importing it loads everything)
