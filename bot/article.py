"""Values that describe an article and travel between stages (extraction, storage, summarising, display).

The article's fields are defined once, in `ArticleContent`, and composed by inheritance into the shape each
stage hands on: what extraction found (`bot.pipeline.extract.ExtractedArticle`), what is about to be stored
(`bot.store.articles.NewArticle`) and what was stored (`bot.pipeline.runner.StoredArticle`). A field added
here (as `page_qa` was) reaches every stage without being copied into four class bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class QAPair:
    """A question about the article with its answer: the page's own (an FAQ) or one a summariser wrote."""

    question: str
    answer: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleContent:
    """What linkbrief knows of an article once it is read: metadata, body text and the page's own Q&A.

    `text` is the body without the title, paragraphs separated by one blank line ("\\n\\n"); list items are
    lines ("- item") inside their paragraph. `word_count` counts `\\w+` runs of `text`. `language` is an ISO
    639-1 code. `page_qa` holds the questions and answers the page itself publishes (an FAQ section or
    schema.org FAQPage data), in page order; they are not part of `text`. `doi` is the Digital Object
    Identifier a paper declares ("10.1145/3366423.3380211"), in its page metadata or its PDF, without a
    resolver prefix.
    """

    title: str | None = None
    author: str | None = None
    published: date | None = None
    site_name: str | None = None
    language: str | None = None
    text: str
    word_count: int
    page_qa: tuple[QAPair, ...] = ()
    doi: str | None = None


def page_qa_as_json(pairs: tuple[QAPair, ...]) -> list[dict[str, str]] | None:
    """The `page_qa` of the JSON contract: a list of {"question","answer"}, or null when the page has none."""
    return [{"question": pair.question, "answer": pair.answer} for pair in pairs] or None


def page_qa_from_json(value: object) -> tuple[QAPair, ...]:
    """The stored JSON list back as pairs; anything malformed reads as no pairs."""
    if not isinstance(value, list):
        return ()
    return tuple(
        QAPair(question=str(item["question"]), answer=str(item["answer"]))
        for item in value
        if isinstance(item, dict) and "question" in item and "answer" in item
    )
