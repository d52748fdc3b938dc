"""A URL already stored, read back with SQLAlchemy Core alone: its article and latest summary, by URL key.

`linkbrief summarize` of a stored URL is answered by two queries. Through the ORM they would first declare
every model (bot.store.models) and configure the mappers, which costs more than the rest of the answer; so the
two tables are named here with only the columns read, in the models' types (tests/test_cli.py checks them
against bot.store.models), and the queries are those of `bot.store.articles.article_for_url_key` and
`latest_summary`. `content_of` and `summary_of` read a row of either kind (a model instance or a Core row: both
have the columns as attributes), so both ways build the same values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bot.article import QAPair, page_qa_from_json
from bot.summarize.base import Summary

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

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
    sa.column("text", sa.Text),
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


async def stored_with_summary(session: AsyncSession, url_key: str) -> tuple[sa.Row[Any], Summary] | None:
    """The article any URL with this key was seen for, with its most recently written summary; None when
    there is no such article or it has no summary."""
    article = (
        await session.execute(
            sa.select(ARTICLES)
            .join(ARTICLE_URLS, ARTICLE_URLS.c.article_id == ARTICLES.c.id)
            .where(ARTICLE_URLS.c.url_key == url_key)
        )
    ).first()
    if article is None:
        return None
    summary = (
        await session.execute(
            sa.select(SUMMARIES)
            .where(SUMMARIES.c.article_id == article.id)
            .order_by(SUMMARIES.c.created_at.desc(), SUMMARIES.c.id.desc())
            .limit(1)
        )
    ).first()
    return None if summary is None else (article, summary_of(summary))
