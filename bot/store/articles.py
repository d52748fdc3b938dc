"""Repository functions for articles, their URL aliases and summaries.

Every function takes an `AsyncSession` and leaves the transaction to the caller, so a pipeline step can store
an article, its alias and its summary atomically. Writes that can race (two shares of the same link handled
at once, in one process or several) use `INSERT … ON CONFLICT DO NOTHING` and then read the winner, so the
loser never sees an IntegrityError and both end up with the same row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.article import ArticleContent, page_qa_as_json
from bot.store.lookup import content_of as content_of  # read rows the way the ORM-free lookup does
from bot.store.lookup import summary_of
from bot.store.models import Article, ArticleURL, StoredSummary, utcnow
from bot.store.search import index_article, unindex_article
from bot.summarize.base import Summary

SIMHASH_BITS = 64
BAND_BITS = 16
BANDS = SIMHASH_BITS // BAND_BITS
# With 4 bands, any two hashes within this Hamming distance share at least one band exactly (pigeonhole).
MAX_INDEXED_DISTANCE = BANDS - 1
_MASK64 = (1 << SIMHASH_BITS) - 1
_BAND_MASK = (1 << BAND_BITS) - 1
_BAND_COLUMNS = (
    Article.simhash_band0,
    Article.simhash_band1,
    Article.simhash_band2,
    Article.simhash_band3,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NewArticle(ArticleContent):
    """An extracted article ready to store under `canonical_url`.

    `simhash` is unsigned 64-bit, as trafilatura's Simhash gives it.
    """

    canonical_url: str
    url_key: str
    content_hash: str
    simhash: int


def simhash_to_signed(value: int) -> int:
    """Unsigned 64-bit → the signed BIGINT both databases can store (same bits)."""
    value &= _MASK64
    return value - (1 << SIMHASH_BITS) if value >> (SIMHASH_BITS - 1) else value


def simhash_to_unsigned(value: int) -> int:
    """The stored signed BIGINT → trafilatura's unsigned 64-bit value."""
    return value & _MASK64


def simhash_bands(value: int) -> tuple[int, ...]:
    """The four 16-bit bands of a 64-bit hash, lowest bits first."""
    value &= _MASK64
    return tuple((value >> (BAND_BITS * band)) & _BAND_MASK for band in range(BANDS))


def host_of(url: str) -> str:
    """Lower-cased host without "www.", what `site:` filters compare against."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _insert(session: AsyncSession) -> Any:
    """The dialect's INSERT construct, which has `on_conflict_do_nothing` / `on_conflict_do_update`."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


async def article_by_id(session: AsyncSession, article_id: int) -> Article | None:
    return await session.get(Article, article_id)


async def article_for_url_key(session: AsyncSession, url_key: str) -> Article | None:
    """The article any URL with this key was seen for (aliases include each article's own key)."""
    stmt = sa.select(Article).join(ArticleURL, ArticleURL.article_id == Article.id)
    return await session.scalar(stmt.where(ArticleURL.url_key == url_key))


async def article_for_content_hash(session: AsyncSession, content_hash: str) -> Article | None:
    return await session.scalar(sa.select(Article).where(Article.content_hash == content_hash))


async def near_duplicate(
    session: AsyncSession, simhash: int, *, max_distance: int = MAX_INDEXED_DISTANCE
) -> Article | None:
    """The stored article whose SimHash is closest to `simhash` within `max_distance` bits (ties: lowest id).

    Candidates come from four indexed equality lookups, one per 16-bit band; with uniformly spread hashes each
    band matches about N/65536 rows, so the work stays a few index probes however large the store grows.
    """
    if not 0 <= max_distance <= MAX_INDEXED_DISTANCE:
        raise ValueError(f"the band index finds distances up to {MAX_INDEXED_DISTANCE} only")
    target = simhash & _MASK64
    bands = simhash_bands(target)
    stmt = sa.select(Article.id, Article.simhash).where(
        sa.or_(*(column == band for column, band in zip(_BAND_COLUMNS, bands, strict=True)))
    )
    best: tuple[int, int] | None = None
    for article_id, stored in await session.execute(stmt):
        distance = (target ^ simhash_to_unsigned(stored)).bit_count()
        if distance <= max_distance and (best is None or (distance, article_id) < best):
            best = (distance, article_id)
    return None if best is None else await session.get(Article, best[1])


async def add_article(
    session: AsyncSession, new: NewArticle, *, summary: Summary | None = None
) -> tuple[Article, bool]:
    """Store `new` unless an article with its content hash or URL key exists; returns (article, created).

    Also records `new.url_key` as an alias of whichever article wins. A new article is stored with `summary`
    (when given) as its first summary and indexed for search once, with both: storing it and then calling
    `save_summary` would write the text into the index twice, or (left unindexed until then) still pay for
    `save_summary` taking out of the index an article that was never in it. On a lost race (created False)
    `summary` is not stored: the winner stores its own in its transaction.

    The article comes back from the INSERT itself (RETURNING), not read again: on SQLite a second read would
    fetch and decompress the text just written.
    """
    values = {
        "canonical_url": new.canonical_url,
        "url_key": new.url_key,
        "host": host_of(new.canonical_url),
        "title": new.title,
        "author": new.author,
        "published": new.published,
        "site_name": new.site_name,
        "language": new.language,
        "text": new.text,
        "word_count": new.word_count,
        "page_qa": page_qa_as_json(new.page_qa),
        "doi": new.doi,
        "content_hash": new.content_hash,
        "simhash": simhash_to_signed(new.simhash),
        **{f"simhash_band{band}": value for band, value in enumerate(simhash_bands(new.simhash))},
        "created_at": utcnow(),
    }
    stmt = _insert(session)(Article).values(values).on_conflict_do_nothing().returning(Article)
    article = await session.scalar(stmt)
    if article is None:
        existing = await article_for_content_hash(session, new.content_hash)
        if existing is None:
            existing = await session.scalar(sa.select(Article).where(Article.url_key == new.url_key))
        if existing is None:  # the conflicting row was deleted again before we could read it
            raise RuntimeError(f"article for {new.url_key!r} vanished during insert")
        await add_alias(session, new.url_key, new.canonical_url, existing.id)
        return existing, False
    await add_alias(session, new.url_key, new.canonical_url, article.id)
    if summary is not None:
        await _write_summary(session, article.id, summary)
    await index_article(session, article.id)
    return article, True


async def add_alias(session: AsyncSession, url_key: str, url: str, article_id: int) -> int:
    """Map `url_key` to `article_id` unless it already maps somewhere; returns the article id it maps to.

    The INSERT returns the id when it took place; only when the key was taken is the winner read.
    """
    stmt = (
        _insert(session)(ArticleURL)
        .values(url_key=url_key, url=url, article_id=article_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=[ArticleURL.url_key])
        .returning(ArticleURL.article_id)
    )
    mapped = await session.scalar(stmt)
    if mapped is None:
        mapped = await session.scalar(sa.select(ArticleURL.article_id).where(ArticleURL.url_key == url_key))
    if mapped is None:  # the winning alias's article was deleted in between
        raise RuntimeError(f"alias {url_key!r} vanished during insert")
    return mapped


async def save_summary(session: AsyncSession, article_id: int, summary: Summary) -> None:
    """Insert or replace the summary by `summary.summarizer` and re-index the article with its latest summary.

    For the first summary of an article stored in the same transaction, pass it to `add_article` instead,
    which indexes the article once, with it.
    """
    # The article leaves the search index while its summary changes and comes back with the new one: on
    # SQLite the index forgets an entry only given the exact values it indexed.
    await unindex_article(session, article_id)
    await _write_summary(session, article_id, summary)
    await index_article(session, article_id)


async def _write_summary(session: AsyncSession, article_id: int, summary: Summary) -> None:
    """Insert or replace the summary by `summary.summarizer`, leaving the search index to the caller."""
    values = {
        "article_id": article_id,
        "summarizer": summary.summarizer,
        "tldr": summary.tldr,
        "key_points": list(summary.key_points),
        "qa": [{"question": pair.question, "answer": pair.answer} for pair in summary.qa],
        "model": summary.model,
        "prompt_tokens": summary.prompt_tokens,
        "completion_tokens": summary.completion_tokens,
        "dropped_claims": summary.dropped_claims,
        "created_at": utcnow(),
    }
    stmt = _insert(session)(StoredSummary).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[StoredSummary.article_id, StoredSummary.summarizer],
        set_={key: stmt.excluded[key] for key in values if key not in ("article_id", "summarizer")},
    )
    await session.execute(stmt)


async def latest_summary(session: AsyncSession, article_id: int) -> Summary | None:
    """The most recently written summary of the article, as the typed value."""
    row = await session.scalar(
        sa.select(StoredSummary)
        .where(StoredSummary.article_id == article_id)
        .order_by(StoredSummary.created_at.desc(), StoredSummary.id.desc())
        .limit(1)
        # The upsert above is Core; refresh any copy this session already holds.
        .execution_options(populate_existing=True)
    )
    return None if row is None else summary_of(row)
