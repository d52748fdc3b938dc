"""URLs already stored, read back with SQLAlchemy Core alone: each one's article and latest summary, by URL key.

`linkbrief summarize` of stored URLs is answered by two queries per URL. Through the ORM they would first
declare every model (bot.store.models) and configure the mappers, which costs more than the rest of the answer;
so the two tables are named here with only the columns read, in the models' types (tests/test_cli.py checks
them against bot.store.models), and the queries are those of `bot.store.articles.article_for_url_key` and
`latest_summary`. The read is synchronous, on a Connection or a Session: on SQLite it runs on the sqlite3
driver in a thread (`bot.store.db.read_sqlite_at_newest`), without SQLAlchemy's asyncio layer either;
otherwise (PostgreSQL, or a SQLite file the command had to migrate first) through `AsyncSession.run_sync`.
`content_of` and `summary_of` read a row of either kind (a model instance or a Core row: both have the columns
as attributes), so both ways build the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bot.article import QAPair, page_qa_from_json
from bot.store.stored_text import StoredText
from bot.summarize.base import Summary

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.store.models import Article, StoredSummary

ARTICLES = sa.table(
    "articles",
    sa.column("id", sa.Integer),
    sa.column("canonical_url", sa.Text),
    sa.column("title", sa.Text),
    sa.column("author", sa.Text),
    sa.column("published", sa.Date),
    sa.column("site_name", sa.Text),
    sa.column("language", sa.String),
    sa.column("text", StoredText),
    sa.column("word_count", sa.Integer),
    sa.column("page_qa", sa.JSON),
    sa.column("doi", sa.Text),
)
ARTICLE_URLS = sa.table("article_urls", sa.column("url_key", sa.Text), sa.column("article_id", sa.Integer))
SUMMARIES = sa.table(
    "summaries",
    sa.column("id", sa.Integer),
    sa.column("article_id", sa.Integer),
    sa.column("summarizer", sa.String),
    sa.column("tldr", sa.Text),
    sa.column("key_points", sa.JSON),
    sa.column("qa", sa.JSON),
    sa.column("model", sa.String),
    sa.column("prompt_tokens", sa.Integer),
    sa.column("completion_tokens", sa.Integer),
    sa.column("dropped_claims", sa.Integer),
    sa.column("created_at", sa.DateTime),
)


def content_of(row: Article | sa.Row[Any]) -> dict[str, Any]:
    """The `ArticleContent` fields of a stored row, as keyword arguments (for any of its subclasses)."""
    return {
        "title": row.title,
        "author": row.author,
        "published": row.published,
        "site_name": row.site_name,
        "language": row.language,
        "text": row.text,
        "word_count": row.word_count,
        "page_qa": page_qa_from_json(row.page_qa),
        "doi": row.doi,
    }


def summary_of(row: StoredSummary | sa.Row[Any]) -> Summary:
    """The stored summary as the typed value."""
    return Summary(
        tldr=row.tldr,
        key_points=tuple(row.key_points or ()),
        qa=tuple(QAPair(question=p["question"], answer=p["answer"]) for p in row.qa or ()),
        summarizer=row.summarizer,
        model=row.model,
        prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens,
        dropped_claims=row.dropped_claims,
    )


def stored_with_summaries(db: sa.Connection | Session, url_keys: Sequence[str]) -> list[tuple[sa.Row[Any], Summary]]:
    """The article each key was seen for with its most recently written summary, in the keys' order; shorter
    than `url_keys` when one of them has no article or its article no summary (the read stops there)."""
    found: list[tuple[sa.Row[Any], Summary]] = []
    for url_key in url_keys:
        article = db.execute(
            sa.select(ARTICLES)
            .join(ARTICLE_URLS, ARTICLE_URLS.c.article_id == ARTICLES.c.id)
            .where(ARTICLE_URLS.c.url_key == url_key)
        ).first()
        if article is None:
            break
        summary = db.execute(
            sa.select(SUMMARIES)
            .where(SUMMARIES.c.article_id == article.id)
            .order_by(SUMMARIES.c.created_at.desc(), SUMMARIES.c.id.desc())
            .limit(1)
        ).first()
        if summary is None:
            break
        found.append((article, summary_of(summary)))
    return found
