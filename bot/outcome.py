"""What the article pipeline hands back: a stored article, and what became of one URL.

Apart from the pipeline (bot.pipeline.runner) so that a reader of results does not have to load the stages:
`linkbrief summarize` answers a URL already stored from the store alone, without importing the fetcher, the
extractor or the summarisers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.article import ArticleContent, page_qa_as_json
from bot.errors import PipelineError
from bot.store.lookup import content_of
from bot.summarize.base import Summary

if TYPE_CHECKING:
    import sqlalchemy as sa

    from bot.store.models import Article


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredArticle(ArticleContent):
    """An article as stored: what every consumer of a pipeline result reads."""

    id: int
    canonical_url: str

    @classmethod
    def from_row(cls, row: Article | sa.Row[Any]) -> StoredArticle:
        """The article of a model instance or of a row read without the models (bot.store.lookup)."""
        return cls(id=row.id, canonical_url=row.canonical_url, **content_of(row))


@dataclass(frozen=True, slots=True)
class ArticleOutcome:
    """What became of one URL: a stored article (new or seen before) with its summary, or an error."""

    url: str
    final_url: str | None = None
    article: StoredArticle | None = None
    duplicate_of: int | None = None
    summary: Summary | None = None
    error: PipelineError | None = None
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, object]:
        """The `linkbrief summarize --json` line (its fields are listed in the README's "Command line")."""
        article = self.article
        summary = self.summary.as_json() if self.summary else None
        return {
            "url": self.url,
            "final_url": self.final_url,
            "canonical_url": article.canonical_url if article else None,
            "article_id": article.id if article else None,
            "duplicate_of": self.duplicate_of,
            "title": article.title if article else None,
            "site_name": article.site_name if article else None,
            "author": article.author if article else None,
            "published": article.published.isoformat() if article and article.published else None,
            "language": article.language if article else None,
            "word_count": article.word_count if article else None,
            "text": article.text if article else None,
            "page_qa": page_qa_as_json(article.page_qa) if article else None,
            "doi": article.doi if article else None,
            "tldr": summary["tldr"] if summary else None,
            "key_points": summary["key_points"] if summary else None,
            "qa": summary["qa"] if summary else None,
            "summarizer": summary["summarizer"] if summary else None,
            "error": self.error.as_dict() if self.error else None,
        }
