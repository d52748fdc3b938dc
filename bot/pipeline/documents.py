"""The worker-side dispatch by content type: every kind of fetched page becomes one `ExtractedArticle`.

HTML pages go to `bot.pipeline.extract`; the documents the fetcher also accepts go to their own readers (PDF,
plain text, Markdown). All of them run in the same worker pool, under the same time limit, and come back as
the same typed value, so nothing after extraction needs to know what kind of page an article came from.
"""

from __future__ import annotations

from bot.errors import NotArticle
from bot.pipeline.extract import ExtractedArticle, extract_article
from bot.pipeline.fetch import HTML_TYPES, MARKDOWN_TYPE, PDF_TYPE, PLAIN_TEXT_TYPE
from bot.pipeline.pdf import DEFAULT_MAX_PAGES, extract_pdf
from bot.pipeline.plaintext import extract_plaintext


def read_document(
    content_type: str, text: str, body: bytes, url: str | None = None, max_pages: int = DEFAULT_MAX_PAGES
) -> ExtractedArticle:
    """The article of a fetched page of `content_type`: `text` is the decoded HTML or text (`FetchedPage.html`),
    `body` the bytes of a PDF (`FetchedPage.body`); `max_pages` bounds how much of a PDF is read."""
    if content_type == PDF_TYPE:
        return extract_pdf(body, url, max_pages=max_pages)
    if content_type in (PLAIN_TEXT_TYPE, MARKDOWN_TYPE):
        return extract_plaintext(text, url, markdown=content_type == MARKDOWN_TYPE)
    if content_type in HTML_TYPES or not content_type:
        return extract_article(text, url)
    raise NotArticle(f"linkbrief cannot read documents of type {content_type}.")
