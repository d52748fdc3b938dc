"""PDF extraction: the bytes of a PDF file -> `ExtractedArticle`, in the same worker pool as HTML pages.

A PDF has no markup, only glyphs at positions, so the article has to be rebuilt from geometry:

- text comes from pypdfium2 (PDFium, Apache/BSD) as the text rectangles it groups characters into: one per run
  of characters on one line, never spanning a column gutter;
- a page is read as one column, or, when a vertical strip in its middle is crossed by (almost) no line while
  both sides hold text, as two columns: lines spanning the page (a title, a wide figure caption) close a band,
  and inside each band the left column is read before the right;
- the rectangles of one visual line (split by a bold word, a symbol, a dot leader) are joined left to right;
- lines repeated at the top or bottom of most pages in the same type size (running headers and footers, digits
  ignored so that page numbers match) and lone page numbers (arabic or roman) are dropped, and so is a table
  of contents (entries ending in a dot leader and a page number);
- lines become paragraphs by vertical gaps, indentation, and font changes; a bulleted line is a list item
  ("- item"); a word hyphenated at a line end is joined; ligatures and compatibility characters are
  normalised (NFKC) by ftfy;
- a references/bibliography section stays out of the text (it is not what the document says, and it would
  dominate a summary of a short paper); an "Abstract" on the first page starts the text, so what precedes it
  (names, affiliations, e-mail addresses) does not, and the abstract is the first thing a summariser reads.

Only the first `max_pages` pages are read: a 300-page report is summarised from its beginning within the same
time limit as any page, instead of running into it.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise

import ftfy
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from bot.errors import ExtractionFailed, NotArticle, PipelineError
from bot.pipeline.blocks import count_words
from bot.pipeline.extract import ExtractedArticle
from bot.pipeline.language import choose_language
from bot.pipeline.papers import find_doi

logger = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 60
SCANNED_REASON = "The PDF is a scanned document without text, so there is nothing linkbrief can read in it."

_MIN_TEXT_CHARS = 40
"""Fewer visible characters than this in all the pages read: the PDF has no text layer to speak of."""

_EDGE_LINES = 2
"""Lines at each end (top and bottom) of a page that may be a running header or footer."""

_PAGE_NUMBER = re.compile(
    r"(?:page|p\.|seite|página|pagina)?\s*[-–—(\[]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—)\]]?"
    r"(?:\s*(?:of|/|von|de)\s*\d{1,4})?",
    re.I,
)
# The end of a table-of-contents entry: a dot leader and a page number ("2.1 Naming . . . . . 3").
_CONTENTS_LEADER = re.compile(r"(?:\.\s*){4,}(?:\d{1,4}|[ivxlc]{1,7})$", re.I)
_CONTENTS_HEADING = re.compile(r"(?:table of )?contents|inhalt(?:sverzeichnis)?|sommaire|índice|indice", re.I)
_HEADING_WORDS = r"references|bibliography|works cited|literature cited|reference list|references and notes|sources"
_REFERENCES = re.compile(rf"(?:[0-9IVX]+\.?\s+)?(?:{_HEADING_WORDS})\s*:?", re.I)
_RESUME_AFTER_REFERENCES = re.compile(
    r"(?:[A-Z0-9]+\.?\s+)?(?:appendix|appendices|supplementary (?:material|information)|acknowledg(?:e)?ments?)\b.*",
    re.I,
)
_ABSTRACT = re.compile(r"abstract\s*[.:—–-]?\s*", re.I)
_BULLET = re.compile(r"\s*[•◦▪▸►‣⁃●○■□➢✓]\s*")
_TERMINAL = tuple('.!?:;"”’)»')
_MEANINGLESS_TITLES = frozenset({"untitled", "title", "document", "no title", "slide 1", "powerpoint presentation"})
_FILE_NAME = re.compile(
    r".*\.(?:pdf|docx?|tex|dvi|pptx?|indd|qxd|ps|rtf|odt|pages|key)\s*$|^microsoft (?:word|powerpoint) - ", re.I
)
_NAME_WORD = re.compile(r"[A-ZÀ-Þ][\w'’.-]*[*†‡§¶\d,]*|(?:and|&|van|von|de|der|da|di|le|la)", re.U)
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text on a page, in PDF points (origin bottom-left). `size` is the font size of its first
    character; `column` is 0 for a line spanning the page, 1 or 2 for the left or right column."""

    page: int
    left: float
    bottom: float
    right: float
    top: float
    text: str
    size: float
    column: int = 0

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass(frozen=True, slots=True)
class _Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    has_images: bool


def extract_pdf(data: bytes, url: str | None = None, *, max_pages: int = DEFAULT_MAX_PAGES) -> ExtractedArticle:
    """Read the article in a PDF. Raises NotArticle (no text: a scan, or empty) or ExtractionFailed (not a PDF,
    cut off, encrypted, damaged)."""
    try:
        return _extract(data, max_pages)
    except PipelineError:
        raise
    except Exception as error:
        # A file PDFium or our geometry cannot cope with is a stranger's input: one line in the log (no
        # traceback) and one line for the person who shared it, never a crash.
        logger.warning("pdf reading failed: %s: %s", type(error).__name__, str(error)[:200], extra={"url": url})
        raise ExtractionFailed("The PDF file is damaged, so linkbrief could not read it.") from error


def _extract(data: bytes, max_pages: int) -> ExtractedArticle:
    _check_file(data)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ExtractionFailed("The PDF is protected by a password, so linkbrief cannot read it.") from error
        raise ExtractionFailed("The PDF file is damaged, so linkbrief could not read it.") from error
    try:
        metadata = _metadata(document)
        pages = list(_read_pages(document, max_pages))
    except pdfium.PdfiumError as error:
        raise ExtractionFailed("The PDF file is damaged, so linkbrief could not read it.") from error
    finally:
        document.close()

    visible = sum(len(line.text.replace(" ", "")) for page in pages for line in page.lines)
    if visible < _MIN_TEXT_CHARS:
        if any(page.has_images for page in pages):
            raise NotArticle(SCANNED_REASON)
        raise NotArticle("The PDF has no text in it.")

    doi = find_doi(" ".join((metadata.get("Subject", ""), metadata.get("Keywords", "")))) or _printed_doi(pages[0])
    pages = _without_running_lines(pages)
    title, title_lines = _title(metadata.get("Title", ""), pages[0].lines)
    author = _clean_author(metadata.get("Author", "")) or _author_below(pages[0].lines, title_lines)
    lines = _without_contents([line for page in pages for line in page.lines if line not in title_lines])
    paragraphs = _paragraphs(lines)
    paragraphs = _from_abstract(paragraphs)
    paragraphs = _without_references(paragraphs)
    text = "\n\n".join(paragraphs)
    words = count_words(text)
    if not words:
        raise NotArticle("The PDF has no text in it.")
    return ExtractedArticle(
        title=title,
        author=author,
        published=_pdf_date(metadata.get("CreationDate", "")) or _pdf_date(metadata.get("ModDate", "")),
        language=choose_language(None, text, words),
        text=text,
        word_count=words,
        doi=doi,
    )


_MARGIN_SHARE = 0.07
"""The top and bottom margins of a page, as a share of its height, that hold a publisher's header and footer:
text blocks end about an inch (8-12%) from the paper's edge, and a footer sits below that."""


def _printed_doi(first_page: _Page) -> str | None:
    """The DOI a paper prints as its own: on page one, in its top or bottom margin first (where publishers
    print it, outside the text block), else in its text before a references heading (the DOIs after it, and
    on later pages, are those of the works it cites)."""
    margin = _MARGIN_SHARE * first_page.height
    edges = " ".join(
        line.text for line in first_page.lines if line.bottom < margin or line.top > first_page.height - margin
    )
    body: list[str] = []
    for line in first_page.lines:
        if _REFERENCES.fullmatch(line.text.strip()):
            break
        body.append(line.text)
    return find_doi(edges) or find_doi(" ".join(body))


def _check_file(data: bytes) -> None:
    """Refuse what is not a whole PDF before PDFium tries to repair it into something partial."""
    if b"%PDF-" not in data[:1024]:
        raise ExtractionFailed("The file is not a PDF, although the site says it is.")
    if b"%%EOF" not in data[-2048:]:
        raise ExtractionFailed("The PDF file is cut off before its end, so linkbrief could not read it.")


def _metadata(document: pdfium.PdfDocument) -> dict[str, str]:
    return {key: normalise(value).strip() for key, value in document.get_metadata_dict(skip_empty=True).items()}


def normalise(text: str) -> str:
    """Ligatures and compatibility forms to plain letters (ﬁ -> fi), mojibake repaired, PDFium's markers gone;
    quotation marks stay as written (the HTML reader keeps them too)."""
    return ftfy.fix_text(text.replace("\x02", "-").replace("\ufffe", "-"), normalization="NFKC", uncurl_quotes=False)


def _read_pages(document: pdfium.PdfDocument, max_pages: int) -> Iterator[_Page]:
    for number in range(min(len(document), max_pages)):
        page = document[number]
        try:
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                lines = _page_lines(textpage, number)
            finally:
                textpage.close()
            has_images = not lines and any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
        finally:
            page.close()
        yield _Page(number, width, height, _in_reading_order(lines, width), has_images)


def _page_lines(textpage: pdfium.PdfTextPage, number: int) -> list[Line]:
    """The text rectangles of a page, each with its text and font size (measured at its middle)."""
    lines = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = normalise(textpage.get_text_bounded(left, bottom, right, top)).replace("\r", " ").replace("\n", " ")
        if not text.strip():
            continue
        char = textpage.get_index((left + right) / 2, (bottom + top) / 2, (right - left) / 2, (top - bottom) / 2)
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, char) if char is not None and char >= 0 else 0.0
        lines.append(Line(number, left, bottom, right, top, text, size or (top - bottom)))
    return lines


def _in_reading_order(rects: list[Line], width: float) -> list[Line]:
    """Rectangles merged into lines and ordered as a reader reads them: by bands and columns (module doc)."""
    gutter = _gutter(rects, width)
    if gutter is None:
        return _merged(_by_lines(rects))
    middle = (gutter[0] + gutter[1]) / 2
    ordered: list[Line] = []
    band: list[Line] = []

    def close_band() -> None:
        ordered.extend(_merged(_by_lines([r for r in band if r.column == 1])))
        ordered.extend(_merged(_by_lines([r for r in band if r.column == 2])))
        band.clear()

    spanning: list[Line] = []
    for rect in sorted(rects, key=lambda r: (-r.top, r.left)):
        if rect.left < middle < rect.right:
            spanning.append(rect)
            continue
        if spanning:
            close_band()
            ordered.extend(_merged(_by_lines(spanning)))
            spanning = []
        band.append(replace(rect, column=1 if rect.right <= middle else 2))
    close_band()
    ordered.extend(_merged(_by_lines(spanning)))
    return ordered


def _by_lines(rects: list[Line]) -> list[list[Line]]:
    """Rectangles grouped by visual line, top to bottom, each line's left to right.

    Rectangles of one line do not share a top (a bold word, a symbol, a superscript), so sorting by their top
    alone would put a slightly taller word on the right before the words on its left. A rectangle belongs to
    the line of the rectangle that opened it when either's middle lies within the other's height: small
    things (a superscript, a dot leader, a symbol) join the line they sit on. Rectangles more than twice as
    tall as the page's usual line (a drop cap, a large title) only share a line with each other, so a drop cap
    does not pull the lines beside it into one.
    """
    if not rects:
        return []
    usual = statistics.median(rect.height for rect in rects)
    groups: list[list[Line]] = []
    for rect in sorted(rects, key=lambda r: (-r.top, r.left)):
        anchor = groups[-1][0] if groups else None
        if anchor is not None and _same_line(anchor, rect, 2 * usual):
            groups[-1].append(rect)
        else:
            groups.append([rect])
    return [sorted(group, key=lambda r: r.left) for group in groups]


def _same_line(anchor: Line, rect: Line, tall: float) -> bool:
    if (anchor.height > tall) != (rect.height > tall):
        return False
    return (
        anchor.bottom <= (rect.top + rect.bottom) / 2 <= anchor.top
        or rect.bottom <= (anchor.top + anchor.bottom) / 2 <= rect.top
    )


def _gutter(rects: list[Line], width: float) -> tuple[float, float] | None:
    """The strip between two columns: the widest run of x positions in the middle half of the page that no
    rectangle crosses (one in twenty may, for a centred page number or a stray wide line), with text on both
    sides. None for a one-column page."""
    if len(rects) < 6:
        return None
    step = 2.0
    allowed = max(1, len(rects) // 20)
    best: tuple[float, float] | None = None
    start: float | None = None
    x = width * 0.25
    while x <= width * 0.75 + step:
        free = x <= width * 0.75 and sum(1 for r in rects if r.left < x < r.right) <= allowed
        if free and start is None:
            start = x
        elif not free and start is not None:
            if best is None or x - start > best[1] - best[0]:
                best = (start, x - step)
            start = None
        x += step
    if best is None:
        return None
    left_side = sum(1 for r in rects if r.right <= best[1])
    right_side = sum(1 for r in rects if r.left >= best[0])
    if min(left_side, right_side) < max(3, len(rects) // 5):
        return None
    return best


def _merged(groups: list[list[Line]]) -> list[Line]:
    """Each visual line's rectangles (split by a font change, a symbol, a dot leader) joined into one line."""
    lines: list[Line] = []
    for group in groups:
        text = ""
        for rect in group:
            space = "" if not text or text.endswith(" ") or rect.text.startswith(" ") else " "
            text += space + rect.text
        first = group[0]
        lines.append(
            replace(
                first,
                left=min(rect.left for rect in group),
                right=max(rect.right for rect in group),
                top=max(rect.top for rect in group),
                bottom=min(rect.bottom for rect in group),
                text=text,
                size=max(group, key=lambda rect: len(rect.text.strip())).size,  # the line's main type
            )
        )
    return lines


_MAX_NUMBERED_RUNNING_WORDS = 8
"""A running line matched with its digits ignored ("Page 3 of 9", "Berg et al. 12") is short; a long line
that repeats except for its numbers is more likely the body's own ("Table 3 shows ...")."""


def _edge_key(line: Line) -> tuple[str, int]:
    """What a running line repeats: its words (digits aside when short) in its type size, so that a title
    printed large on page one is not taken for the small running header that repeats it on later pages."""
    text = " ".join(line.text.lower().split())
    if len(text.split()) <= _MAX_NUMBERED_RUNNING_WORDS:
        text = re.sub(r"\d+", "#", text)
    return text, round(line.size)


def _edges(page: _Page) -> list[Line]:
    by_height = sorted(page.lines, key=lambda line: -line.top)
    return by_height[:_EDGE_LINES] + by_height[-_EDGE_LINES:]


def _without_running_lines(pages: list[_Page]) -> list[_Page]:
    """Pages without their running headers/footers (an edge line seen on most pages) and page numbers."""
    counts: Counter[tuple[str, int]] = Counter()
    for page in pages:
        counts.update({_edge_key(line) for line in _edges(page)})
    needed = max(2, round(0.4 * len(pages)))
    kept = []
    for page in pages:
        edges = set(_edges(page))
        running = {
            line
            for line in edges
            if (len(pages) > 1 and counts[_edge_key(line)] >= needed) or _PAGE_NUMBER.fullmatch(line.text.strip())
        }
        kept.append(replace(page, lines=[line for line in page.lines if line not in running]))
    return kept


def _without_contents(lines: list[Line]) -> list[Line]:
    """The lines without a table of contents: its entries (dot leader, page number) and its heading. A list of
    the document's sections and their page numbers is not something the document says."""
    kept: list[Line] = []
    for index, line in enumerate(lines):
        text = line.text.strip()
        if _is_contents_entry(text):
            continue
        following = lines[index + 1].text.strip() if index + 1 < len(lines) else ""
        if _CONTENTS_HEADING.fullmatch(text) and _is_contents_entry(following):
            continue
        kept.append(line)
    return kept


def _is_contents_entry(text: str) -> bool:
    if ". ." not in text and "...." not in text:
        return False
    leader = _CONTENTS_LEADER.search(text)
    return leader is not None and re.search(r"[^\W\d_]", text[: leader.start()]) is not None


def _title(declared: str, first_page: list[Line]) -> tuple[str | None, set[Line]]:
    """The title and the first-page lines that print it (kept out of the text).

    The document's own Title when it is a title (not empty, not a file name or a placeholder), else the
    largest text in the upper half of page one when it stands out from the body text.
    """
    largest = _largest_text(first_page)
    printed = " ".join(line.text.strip() for line in largest)
    if _meaningful_title(declared):
        same = _fold(printed) == _fold(declared) or (_fold(printed) and _fold(printed) in _fold(declared))
        return declared, set(largest) if same else set()
    if largest:
        return " ".join(printed.split()), set(largest)
    return None, set()


def _fold(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def _meaningful_title(title: str) -> bool:
    title = title.strip()
    if len(title) < 3 or not re.search(r"[^\W\d_]{2}", title):
        return False
    if title.lower() in _MEANINGLESS_TITLES or _FILE_NAME.match(title):
        return False
    # One token with digits or underscores is an identifier ("paper_v3", "arXiv:2401.01234"), not a title.
    return " " in title or not re.search(r"[\d_]", title)


def _largest_text(lines: list[Line]) -> list[Line]:
    """The consecutive lines of the largest font on page one, if that font is larger than the body's."""
    if not lines:
        return []
    body = statistics.median(line.size for line in lines)
    top = max(line.top for line in lines)
    bottom = min(line.bottom for line in lines)
    upper = [line for line in lines if line.top >= (top + bottom) / 2 and len(line.text.split()) <= 25]
    if not upper:
        return []
    size = max(line.size for line in upper)
    if size < body * 1.2:
        return []
    chosen: list[Line] = []
    for line in lines:
        if line in upper and line.size >= size - 0.5:
            chosen.append(line)
        elif chosen:
            break
    return chosen[:4]


def _clean_author(author: str) -> str | None:
    author = " ".join(author.split())
    if len(author) < 3 or not re.search(r"[^\W\d_]{2}", author) or "@" in author:
        return None
    if " " not in author and author.islower():
        return None  # a login name ("jsmith", "admin"), not a person
    return author


def _author_below(lines: list[Line], title_lines: set[Line]) -> str | None:
    """The line under the title when it reads as a list of names ("Ann Lee, Bo Chen and Cy Diaz")."""
    if not title_lines:
        return None
    last_title = max(lines.index(line) for line in title_lines)
    for line in lines[last_title + 1 : last_title + 2]:
        text = line.text.strip()
        words = text.replace(",", " ").split()
        if 2 <= len(words) <= 16 and all(_NAME_WORD.fullmatch(word) for word in words) and not text.endswith("."):
            names = re.sub(r"(?<=[^\W\d_])[*†‡§¶\d]+", "", text)
            return " ".join(names.split()).strip(" ,")
    return None


def _paragraphs(lines: list[Line]) -> list[str]:
    """Lines joined into paragraphs (module doc), hyphenated words joined."""
    spacing = _line_spacing(lines)
    vocabulary = _vocabulary(lines)
    paragraphs: list[list[Line]] = []
    margins = _column_margins(lines)
    for line in lines:
        current = paragraphs[-1] if paragraphs else None
        if current is None or _starts_paragraph(current[-1], line, spacing, margins):
            paragraphs.append([line])
        else:
            current.append(line)
    return grouped_lists([text for text in (_join(lines_, vocabulary) for lines_ in paragraphs) if text])


def grouped_lists(paragraphs: list[str]) -> list[str]:
    """Consecutive list items ("- item") as the lines of one paragraph, as the HTML reader shapes lists."""
    grouped: list[str] = []
    for paragraph in paragraphs:
        if paragraph.startswith("- ") and grouped and grouped[-1].startswith("- "):
            grouped[-1] += "\n" + paragraph
        else:
            grouped.append(paragraph)
    return grouped


def _vocabulary(lines: list[Line]) -> set[str]:
    """The words of the document written whole inside lines (the last word of a line may be cut)."""
    words: set[str] = set()
    for line in lines:
        words.update(word.lower() for word in re.findall(r"[\w-]+", line.text)[:-1])
    return words


def _line_spacing(lines: list[Line]) -> float:
    gaps = [
        previous.bottom - line.bottom
        for previous, line in pairwise(lines)
        if previous.page == line.page and previous.column == line.column and previous.bottom > line.bottom
    ]
    return statistics.median(gaps) if gaps else 0.0


def _column_margins(lines: list[Line]) -> dict[tuple[int, int], tuple[float, float]]:
    """The left and right edge of the text of each column of each page."""
    edges: dict[tuple[int, int], list[Line]] = {}
    for line in lines:
        edges.setdefault((line.page, line.column), []).append(line)
    return {key: (min(line.left for line in group), max(line.right for line in group)) for key, group in edges.items()}


def _starts_paragraph(
    previous: Line, line: Line, spacing: float, margins: dict[tuple[int, int], tuple[float, float]]
) -> bool:
    if _is_heading_word(previous.text) or _is_heading_word(line.text) or _BULLET.match(line.text):
        return True
    if abs(previous.size - line.size) > 0.9:
        return True
    ends_sentence = previous.text.rstrip().endswith(_TERMINAL)
    if previous.page != line.page or previous.column != line.column:
        # A paragraph carried over to the next column or page goes on mid-sentence.
        return ends_sentence and not line.text.lstrip()[:1].islower()
    gap = previous.bottom - line.bottom
    if gap <= 0 or (spacing and gap > spacing * 1.4):
        return True
    left_margin, right_margin = margins[(line.page, line.column)]
    indented = line.left - left_margin > 0.8 * line.size and previous.left - left_margin < 0.5 * line.size
    short = right_margin - previous.right > 4 * line.size
    return ends_sentence and (indented or short)


def _is_heading_word(text: str) -> bool:
    text = text.strip()
    return bool(_REFERENCES.fullmatch(text) or _ABSTRACT.fullmatch(text))


def _join(lines: list[Line], vocabulary: set[str]) -> str:
    """Lines of one paragraph as one string. A line ending in a hyphen before a lower-case word is a word
    broken in two ("infor-" + "mation"), unless the document writes the hyphenated word elsewhere too
    ("well-" + "known", with "well-known" on some other line)."""
    text = ""
    for line in lines:
        part = " ".join(line.text.split())
        if not text:
            text = part
        elif re.search(r"[^\W\d_][-\u00ad]$", text) and part[:1].islower():
            head = re.findall(r"[\w-]+$", text[:-1])
            tail = re.match(r"[\w-]+", part)
            compound = f"{head[0] if head else ''}-{tail.group() if tail else ''}".lower()
            if text.endswith("-") and compound in vocabulary and compound.replace("-", "") not in vocabulary:
                text += part
            else:
                text = text[:-1] + part
        else:
            text += " " + part
    # A list item is a line "- item", as the HTML reader writes list items.
    return _BULLET.sub("- ", text, count=1).replace("\u00ad", "")


def _from_abstract(paragraphs: list[str]) -> list[str]:
    """A paper's text from its abstract on: what page one prints before it is names and affiliations."""
    for index, paragraph in enumerate(paragraphs[:12]):
        match = _ABSTRACT.match(paragraph)
        if match is None:
            continue
        rest = paragraph[match.end() :].strip()
        if not rest:
            return paragraphs[index + 1 :]
        # "Abstract: We ..." or "Abstract. We ...", or a run-in "Abstract We ..." before a paragraph long
        # enough to be one (not "Abstract Syntax Notation One", a title that starts with the word).
        if match.group().strip().lower() != "abstract" or (rest[:1].isupper() and len(rest.split()) >= 30):
            return [rest, *paragraphs[index + 1 :]]
    return paragraphs


def _without_references(paragraphs: list[str]) -> list[str]:
    """The text with its references section left out (up to an appendix that follows it, if any)."""
    kept: list[str] = []
    skipping = False
    for paragraph in paragraphs:
        if _REFERENCES.fullmatch(paragraph.strip()):
            skipping = True
        elif skipping and len(paragraph.split()) <= 8 and _RESUME_AFTER_REFERENCES.fullmatch(paragraph.strip()):
            skipping = False
            kept.append(paragraph)
        elif not skipping:
            kept.append(paragraph)
    return kept


def _pdf_date(value: str) -> date | None:
    match = _PDF_DATE.match(value)
    if match is None:
        return None
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if 1990 <= year <= date.today().year + 1 else None


def lines_of(data: bytes, *, max_pages: int = DEFAULT_MAX_PAGES) -> Iterable[Line]:
    """The lines of a PDF in reading order, running headers and footers removed (for diagnostics)."""
    document = pdfium.PdfDocument(data)
    try:
        pages = _without_running_lines(list(_read_pages(document, max_pages)))
    finally:
        document.close()
    return [line for page in pages for line in page.lines]
