"""Plain-text and Markdown documents -> `ExtractedArticle`: pages that need no rendering to be read.

A `text/plain` or `text/markdown` file is already the article: there is no navigation or boilerplate to strip,
only its shape to respect. Paragraphs are runs of lines separated by blank lines; lines wrapped at a fixed
width are joined back into their paragraph; Markdown markup that is not words (heading marks, emphasis, link
targets, images, code fences, HTML comments) is dropped, keeping the words. The title is the first heading
(`# Title`, or a line underlined with `===`/`---`), else the first line when it is short enough to be one.
"""

from __future__ import annotations

import re

from bot.errors import NotArticle
from bot.pipeline.blocks import count_words
from bot.pipeline.extract import ExtractedArticle
from bot.pipeline.language import choose_language
from bot.pipeline.papers import find_doi
from bot.pipeline.pdf import grouped_lists, normalise

MARKDOWN_TYPES = frozenset({"text/markdown", "text/x-markdown"})
PLAIN_TYPES = frozenset({"text/plain", *MARKDOWN_TYPES})

_MAX_TITLE_WORDS = 20
_ATX_HEADING = re.compile(r"\s{0,3}#{1,6}\s+(.*?)\s*#*\s*")
_SETEXT_UNDERLINE = re.compile(r"\s{0,3}(?:=+|-+)\s*")
_FENCE = re.compile(r"\s{0,3}(?:```|~~~)")
_LIST_ITEM = re.compile(r"\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REFERENCE_DEFINITION = re.compile(r"\s{0,3}\[[^\]]+\]:\s+\S+.*")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|`+)(?=\S)(.+?)(?<=\S)\1")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_RULE = re.compile(r"\s{0,3}(?:[-*_]\s*){3,}")


def extract_plaintext(text: str, url: str | None = None, *, markdown: bool = False) -> ExtractedArticle:
    """Read a plain-text or Markdown document. Raises NotArticle when it has no words."""
    text = normalise(text).replace("\r\n", "\n").replace("\r", "\n")
    if markdown:
        text = _COMMENT.sub("", text)
    title, paragraphs = _paragraphs(text.split("\n"), markdown=markdown)
    body = "\n\n".join(paragraphs)
    words = count_words(body)
    if not words:
        raise NotArticle("The document is empty: there is no text in it.")
    return ExtractedArticle(
        title=title,
        language=choose_language(None, body, words),
        text=body,
        word_count=words,
        doi=find_doi(body[:5000]),
    )


def _paragraphs(lines: list[str], *, markdown: bool) -> tuple[str | None, list[str]]:
    """The title and the paragraphs of the document, in order."""
    title: str | None = None
    paragraphs: list[str] = []
    current: list[str] = []
    in_fence = False
    first_line = ""

    def close() -> None:
        if current:
            paragraphs.append(_join(current))
            current.clear()

    for index, raw in enumerate(lines):
        line = raw.rstrip()
        if markdown and _FENCE.match(line):
            close()
            in_fence = not in_fence
            continue
        if in_fence:
            continue  # code is not prose to summarise
        heading = _heading(line, lines[index + 1] if index + 1 < len(lines) else "", markdown=markdown)
        if heading is not None:
            close()
            if title is None:
                title = heading
            else:
                paragraphs.append(heading)
            continue
        if not line.strip() or (markdown and (_SETEXT_UNDERLINE.fullmatch(line) or _RULE.fullmatch(line))):
            close()
            continue
        if markdown and _REFERENCE_DEFINITION.fullmatch(line):
            continue
        if markdown and _LIST_ITEM.match(line):
            close()  # each list item is its own line of the paragraph that lists them
            paragraphs.append("- " + _inline(_LIST_ITEM.sub("", line, count=1), markdown=markdown))
            continue
        if not paragraphs and not current:
            first_line = _inline(line, markdown=markdown)
        current.append(_inline(line, markdown=markdown))
    close()
    if title is None and first_line and len(first_line.split()) <= _MAX_TITLE_WORDS and len(paragraphs) > 1:
        # No heading: the first line names the document when it is short, as a text file's first line does.
        title = first_line.rstrip(".:")
        rest = paragraphs[0][len(first_line) :].strip()
        paragraphs = [rest, *paragraphs[1:]] if rest else paragraphs[1:]
    return title, grouped_lists(paragraphs)


def _heading(line: str, following: str, *, markdown: bool) -> str | None:
    if not markdown or not line.strip():
        return None
    match = _ATX_HEADING.fullmatch(line)
    if match:
        return _inline(match.group(1), markdown=True) or None
    if _SETEXT_UNDERLINE.fullmatch(following) and not _LIST_ITEM.match(line) and len(line.split()) <= _MAX_TITLE_WORDS:
        return _inline(line.strip(), markdown=True)
    return None


def _inline(text: str, *, markdown: bool) -> str:
    if markdown:
        text = _IMAGE.sub(r"\1", text)
        text = _LINK.sub(r"\1", text)
        text = _EMPHASIS.sub(r"\2", text)
        text = text.lstrip("> ")
    return " ".join(text.split())


def _join(lines: list[str]) -> str:
    """Lines of one paragraph joined; a word hyphenated at a wrapped line's end is joined whole."""
    joined = ""
    for line in lines:
        if not joined:
            joined = line
        elif re.search(r"[^\W\d_]-$", joined) and line[:1].islower():
            joined = joined[:-1] + line
        else:
            joined += " " + line
    return joined
