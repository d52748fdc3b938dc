"""The page's own questions and answers (an FAQ), read as data and taken out of the article text.

Pages publish Q&A in three shapes, all read here from the parsed page (never from an extractor's output, which
may have dropped or merged parts of it):

- schema.org `FAQPage` / `QAPage` in JSON-LD: a page's declared data, valid even when the questions are not
  shown. Pages are written by strangers, so anything malformed is skipped, never raised;
- the same in microdata (`itemtype=".../Question"` items with `name` and `acceptedAnswer` > `text`);
- a visible section whose heading says it holds questions ("FAQ", "Common Questions Answered", "Häufig
  gestellte Fragen", "Foire aux questions", ...), followed by question/answer pairs.

The section rule: only a heading that names the section as questions opens one. Question-shaped subheadings
alone ("What happens next?") are not enough: explainers, interviews and analysis pieces are written that way,
and their questions and answers are the article, which must stay in `text`. Under such a heading a question is
a heading, a bold line, a `<dt>`, a `<summary>` or a short paragraph ending in "?" (a `<dt>`/`<summary>` need
not end in one), and its answer is what follows up to the next question, a heading of the section's level or
higher that is not a question, or a block of links. The section also ends with the element that holds it (the
smallest ancestor of the heading in which questions follow it), so a page footer never becomes an answer. The
page's first `<h1>` (its headline: "Fragen und Antworten zum Streik") never opens a section, and more than two
paragraphs before the first question mean the heading titles an ordinary article section.

`without_page_qa` then removes what the page shows of its Q&A from the extracted blocks: where a block begins
with an FAQ heading or question, that block and the run of blocks after it that are the Q&A's texts (matched by
word overlap: extractors split and merge paragraphs differently from the page). Nothing before that point and
nothing outside the run is touched, so an article paragraph that an FAQ answer happens to repeat stays.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.etree import XPath, _Comment, _Element, _ProcessingInstruction
from lxml.html import HtmlElement

from bot.article import QAPair
from bot.pipeline.blocks import Block, count_words
from bot.pipeline.decoding import repair_text
from bot.pipeline.metadata import json_ld_documents
from bot.pipeline.overlap import TextIndex, tokens
from bot.pipeline.quality import MIN_ARTICLE_WORDS

MAX_PAIRS = 20
MAX_QUESTION_CHARS = 300
MAX_ANSWER_CHARS = 1500
MAX_ANSWER_UNITS = 8
"""Paragraphs one answer may take: more means the section's end was missed and the article goes on."""
MAX_INTRO_UNITS = 2
"""Lines an FAQ section may have before its first question ("Answers to what readers ask us most.")."""
MAX_HEADING_WORDS = 10
MAX_PLAIN_QUESTION_WORDS = 30
MIN_KEPT_WORDS = MIN_ARTICLE_WORDS
"""Text that must remain when the Q&A is removed (the quality gate's minimum): a page that is nothing but its
FAQ keeps it as text too, rather than being refused as empty."""
BLOCK_MATCH = 0.8
"""Share of a long block's word 4-grams found in the Q&A's texts for the block to count as one of them."""
SHORT_BLOCK_WORDS = 6
MAX_STEPPED_WORDS = 12
"""A block this short between two Q&A blocks ("Was this answer helpful? Yes No") does not end the Q&A."""
_MAX_JSON_DEPTH = 12

_FAQ_HEADING = re.compile(
    r"""\b(?:
    faqs?|q\s*&\s*a|q\s+and\s+a
    |(?:frequently|commonly|often)\s+asked\s+questions
    |(?:common|key|top|main|important|quick|your|readers?)\s+questions
    |questions\s+(?:and|&)\s+answers|questions\s+answered
    |häufig(?:\s+gestellte)?\s+fragen|häufige\s+fragen|fragen\s+(?:und|&)\s+antworten|wichtigsten\s+fragen
    |questions\s+fréquentes|questions\s+fréquemment\s+posées|foire\s+aux\s+questions
    |questions\s*-\s*réponses|questions\s+et\s+réponses
    |preguntas\s+(?:más\s+)?frecuentes|preguntas\s+y\s+respuestas
    |perguntas\s+frequentes|perguntas\s+e\s+respostas
    |domande\s+frequenti|domande\s+e\s+risposte
    |veel\s*gestelde\s+vragen|vragen\s+en\s+antwoorden
    |часто\s+задаваемые\s+вопросы|вопросы\s+и\s+ответы
    )\b""",
    re.VERBOSE,
)
_QUESTION_PREFIX = re.compile(r"^(?:q|question|frage|f|pregunta|p|domanda|vraag|вопрос)\s*:\s+", re.IGNORECASE)
_ANSWER_PREFIX = re.compile(
    r"^(?:a|answer|antwort|réponse|r|respuesta|resposta|risposta|antwoord|ответ)\s*:\s+", re.IGNORECASE
)
_QUESTION_END = re.compile(r"[?？]\W*$")

_BLOCK_TAG = re.compile(r"<(?:br|/?(?:p|div|li|ul|ol|dl|dt|dd|h[1-6]|tr|td|th|table|blockquote))\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_HEADINGS_AND_BOLD = XPath("//h1|//h2|//h3|//h4|//h5|//h6|//strong|//b")
_MICRODATA_QUESTIONS = XPath("//*[@itemscope][contains(@itemtype, 'schema.org/Question')]")

_HEADING_LEVELS = {f"h{level}": level for level in range(1, 7)}
_QUESTION_TAGS = frozenset({"dt", "summary", "button"})
_BOLD_TAGS = frozenset({"b", "strong"})
_LINK_TAGS = frozenset({"a"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "li", "dt", "dd", "summary",
     "details", "blockquote", "td", "th", "tr", "table", "ul", "ol", "dl", "figure", "figcaption", "button",
     "form", "pre", "address", "center", "hr", "body", "html", *_HEADING_LEVELS}
)  # fmt: skip
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "select", "option", "input", "textarea", "img",
     "video", "audio", "object", "embed", "canvas", "head"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ShownQA:
    """One stretch of the body that shows Q&A: the texts it may start with, and every text in it.

    A visible FAQ section is one stretch (its heading and questions start it). A declared pair (JSON-LD,
    microdata) is a stretch of its own, started by its question and `answered`: it only counts when its answer
    follows, because declared questions are often the article's own subheadings, which must stay.
    """

    starts: tuple[str, ...]
    texts: tuple[str, ...]
    answered: bool = False


@dataclass(frozen=True, slots=True)
class PageQA:
    """What a page publishes as Q&A: the pairs (in page order, capped and repaired) and where the body shows
    them (`shown`, for `without_page_qa`)."""

    pairs: tuple[QAPair, ...] = ()
    shown: tuple[ShownQA, ...] = ()


def find_page_qa(tree: HtmlElement, json_ld: list[object] | None = None) -> PageQA:
    """The page's Q&A from JSON-LD, microdata and visible FAQ sections. Never raises on what the page contains.

    The source with the most pairs comes first (on a tie declared data, which is cleaner than text read off
    the layout); questions only another source has are added after it: a page may declare one FAQ and show
    another.
    """
    declared = _json_ld_pairs(json_ld_documents(tree) if json_ld is None else json_ld)
    marked_up = _microdata_pairs(tree)
    sections = _faq_sections(tree)
    section_pairs = [pair for section in sections for pair in section.pairs]
    sources = sorted((declared, marked_up, section_pairs), key=len, reverse=True)  # stable: ties keep order
    pairs = tuple(_clipped(pair) for pair in _unique([pair for source in sources for pair in source])[:MAX_PAIRS])
    shown = [
        ShownQA(starts=(section.heading, *(pair.question for pair in section.pairs)), texts=tuple(section.texts))
        for section in sections
    ]
    shown += [
        ShownQA(starts=(pair.question,), texts=(pair.question, pair.answer), answered=True)
        for pair in (*declared, *marked_up)
    ]
    return PageQA(pairs=pairs, shown=tuple(shown))


def without_page_qa(blocks: list[Block], page_qa: PageQA) -> list[Block]:
    """`blocks` without the Q&A the page shows, and nothing else.

    Each stretch is removed where a block begins with one of its headings or questions, together with the
    blocks right after it that are its texts (a short block between two of them, such as "Was this helpful?",
    is stepped over and kept). Blocks before that point stay whatever they say, so an article paragraph an FAQ
    answer repeats is not lost. When nothing of the article would remain, the blocks stay as they are: a page
    that is nothing but its FAQ is still summarised from its text.
    """
    removed: set[int] = set()
    for stretch in page_qa.shown:
        removed |= _stretch_at(blocks, stretch, removed)
    if not removed:
        return blocks
    kept = [block for index, block in enumerate(blocks) if index not in removed]
    if sum(block.words for block in kept) < MIN_KEPT_WORDS:
        return blocks
    return kept


def _stretch_at(blocks: list[Block], stretch: ShownQA, taken: set[int]) -> set[int]:
    """Indexes of the blocks of the first place in `blocks` that shows `stretch` (empty when none does)."""
    texts = _TextMatcher(stretch.texts)
    starts = [_key(start) for start in stretch.starts]
    alone: set[int] = set()  # a heading with none of the Q&A after it (its content was dropped, or it is a link)
    for first, block in enumerate(blocks):
        if first in taken or not _begins_with(_key(block.text), starts):
            continue
        found = {first}
        index = first + 1
        while index < len(blocks) and index not in taken:
            if texts.matches(blocks[index]):
                found.add(index)
            elif not (blocks[index].words <= MAX_STEPPED_WORDS and _matches_at(texts, blocks, index + 1, taken)):
                break
            index += 1
        if stretch.answered and not _shows_answer(blocks, found, stretch.texts[-1]):
            continue
        if len(found) > 1 or stretch.answered:
            return found
        alone = alone or found
    return alone


def _matches_at(texts: _TextMatcher, blocks: list[Block], index: int, taken: set[int]) -> bool:
    return index < len(blocks) and index not in taken and texts.matches(blocks[index])


def _shows_answer(blocks: list[Block], found: set[int], answer: str) -> bool:
    return TextIndex(blocks[index].text for index in sorted(found)).contains(answer, 0.5)


class _TextMatcher:
    """Is a block one of these texts, or (for a long block) mostly made of them?

    Long blocks are measured by word 4-grams across all the texts, which survives an extractor merging a
    question into its answer or splitting an answer at a link. A heading or a short block must be one of the
    texts exactly (short paragraphs may also be a run of words inside one): a subheading such as "Ingredients"
    is not an FAQ's because some answer mentions ingredients.
    """

    def __init__(self, texts: tuple[str, ...]) -> None:
        self._index = TextIndex(texts)
        self._exact = {_key(text) for text in texts}
        self._joined = " " + " ".join(_key(text) for text in texts) + " "

    def matches(self, block: Block) -> bool:
        key = _key(block.text)
        if not key:
            return False
        if key in self._exact:
            return True
        if block.kind == "heading":
            return False
        if block.words < SHORT_BLOCK_WORDS:
            return block.words >= 2 and f" {key} " in self._joined
        return self._index.contains(block.text, BLOCK_MATCH)


def _key(text: str) -> str:
    """A text's words, lower-cased, without leading list numbers ("1. Can I ...?" is "can i ...")."""
    words = tokens(text)
    while words and words[0].isdigit():
        words = words[1:]
    return " ".join(words)


def _begins_with(key: str, starts: list[str]) -> bool:
    return any(start and (key == start or key.startswith(start + " ")) for start in starts)


# JSON-LD


def _json_ld_pairs(json_ld: list[object]) -> list[QAPair]:
    pairs: list[QAPair] = []
    for data in json_ld:
        for page in _typed_objects(data, ("FAQPage", "QAPage")):
            pairs += _questions_pairs(page.get("mainEntity"))
    return _unique(pairs)


def _typed_objects(data: Any, types: tuple[str, ...], depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object of one of `types` anywhere in the data (top level, lists, `@graph`, nested)."""
    if depth > _MAX_JSON_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _typed_objects(item, types, depth + 1)
    elif isinstance(data, dict):
        if _has_type(data, types):
            yield data
            return
        for value in data.values():
            yield from _typed_objects(value, types, depth + 1)


def _has_type(item: dict[str, Any], types: tuple[str, ...]) -> bool:
    declared = item.get("@type")
    names = declared if isinstance(declared, list) else [declared]
    # "FAQPage", "schema:FAQPage" and "https://schema.org/FAQPage" all occur.
    return any(isinstance(name, str) and re.split(r"[/:#]", name)[-1] in types for name in names)


def _questions_pairs(entity: Any) -> list[QAPair]:
    questions = entity if isinstance(entity, list) else [entity]
    pairs: list[QAPair] = []
    for question in questions:
        if not isinstance(question, dict):
            continue
        asked = _json_text(question.get("name")) or _json_text(question.get("text"))
        answer = _best_answer(question)
        if asked and answer:
            pairs.append(QAPair(question=asked, answer=answer))
    return pairs


def _best_answer(question: dict[str, Any]) -> str:
    """The accepted answer, else the suggested one with the most votes (a QAPage may have many)."""
    for key in ("acceptedAnswer", "suggestedAnswer"):
        value = question.get(key)
        answers = [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, dict)]
        answers.sort(key=_votes, reverse=True)
        for answer in answers:
            text = _json_text(answer.get("text"))
            if text:
                return text
    return ""


def _votes(answer: dict[str, Any]) -> int:
    try:
        return int(answer.get("upvoteCount") or 0)
    except (TypeError, ValueError):
        return 0


def _json_text(value: Any) -> str:
    """A JSON-LD string as plain text: HTML (answers often carry <p>, <a>, <br>) removed, entities decoded."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), None)
    if not isinstance(value, str):
        return ""
    value = html.unescape(value)  # first: some sites escape the answer's HTML once more
    if "<" in value:
        value = _BLOCK_TAG.sub(" ", value)
        value = _ANY_TAG.sub("", value)
    return _normal(value)


# Microdata


def _microdata_pairs(tree: HtmlElement) -> list[QAPair]:
    pairs: list[QAPair] = []
    for question in _MICRODATA_QUESTIONS(tree):
        asked = _item_property(question, "name") or _item_property(question, "text")
        answer = ""
        for key in ("acceptedAnswer", "suggestedAnswer"):
            for item in _item_properties(question, key):
                answer = _item_property(item, "text")
                if answer:
                    break
            if answer:
                break
        if asked and answer:
            pairs.append(QAPair(question=asked, answer=answer))
    return _unique(pairs)


def _item_properties(item: _Element, name: str) -> Iterator[_Element]:
    """Elements carrying property `name` of this item (not of items nested in it)."""
    for element in item.iterdescendants():
        if name in (element.get("itemprop") or "").split() and _owner_item(element) is item:
            yield element


def _owner_item(element: _Element) -> _Element | None:
    for ancestor in element.iterancestors():
        if ancestor.get("itemscope") is not None:
            return ancestor
    return None


def _item_property(item: _Element, name: str) -> str:
    for element in _item_properties(item, name):
        value = element.get("content") if element.tag == "meta" else _element_text(element)
        if value and value.strip():
            return _normal(value)
    return ""


def _element_text(element: _Element) -> str:
    return " ".join(unit.text for unit in _Units.of(element))


# Visible sections


@dataclass(frozen=True, slots=True)
class _Unit:
    """One run of text between block boundaries, with what the layout says about it."""

    text: str
    owner: _Element
    level: int | None = None  # 1-6 for a heading
    bold: bool = False
    link_share: float = 0.0

    @property
    def tag(self) -> str:
        return _tag(self.owner)


class _Units:
    """Cuts a page into `_Unit`s in document order (the text a reader sees, block by block)."""

    def __init__(self, root: _Element) -> None:
        self.units: list[_Unit] = []
        self._parts: list[str] = []
        self._bold_chars = 0
        self._link_chars = 0
        self._owners: list[_Element] = [root]  # text outside any block belongs to the element walked

    @classmethod
    def of(cls, root: _Element) -> list[_Unit]:
        units = cls(root)
        units.walk(root)
        units.flush()
        return units.units

    def walk(self, element: _Element, bold: bool = False, linked: bool = False) -> None:
        tag = _tag(element)
        if not tag or tag in _SKIP_TAGS:
            return
        if tag == "br":
            self._parts.append(" ")
            return
        is_block = tag in _BLOCK_TAGS
        if is_block:
            self.flush()
            self._owners.append(element)
        bold = bold or tag in _BOLD_TAGS
        linked = linked or tag in _LINK_TAGS
        self._add(element.text, bold, linked)
        for child in element:
            if not isinstance(child, _Comment | _ProcessingInstruction):
                self.walk(child, bold, linked)
            self._add(child.tail, bold, linked)
        if is_block:
            self.flush()
            self._owners.pop()

    def _add(self, text: str | None, bold: bool, linked: bool) -> None:
        if not text:
            return
        self._parts.append(text)
        visible = len(text.strip())
        self._bold_chars += visible if bold else 0
        self._link_chars += visible if linked else 0

    def flush(self) -> None:
        text = _normal("".join(self._parts))
        if text and self._owners:
            owner = self._owners[-1]
            size = max(1, len("".join(self._parts).strip()))
            self.units.append(
                _Unit(
                    text=text,
                    owner=owner,
                    level=_HEADING_LEVELS.get(_tag(owner)),
                    bold=self._bold_chars >= 0.9 * size,
                    link_share=min(1.0, self._link_chars / size),
                )
            )
        self._parts.clear()
        self._bold_chars = self._link_chars = 0


@dataclass(slots=True)
class _Section:
    heading: str
    pairs: list[QAPair] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    end: int = 0


def _faq_sections(tree: HtmlElement) -> list[_Section]:
    if not any(_names_questions(" ".join(element.itertext())) for element in _HEADINGS_AND_BOLD(tree)):
        return []  # most pages: no need to walk the whole page
    body = tree.find(".//body")
    stream = _Units.of(body if body is not None else tree)
    first_h1 = next((unit.owner for unit in stream if unit.level == 1), None)
    sections: list[_Section] = []
    index = 0
    while index < len(stream):
        unit = stream[index]
        if unit.owner is not first_h1 and _is_faq_heading(unit):
            section = _section_after(stream, index)
            if section is not None:
                sections.append(section)
                index = section.end
                continue
        index += 1
    return sections


def _is_faq_heading(unit: _Unit) -> bool:
    if unit.level is None and not unit.bold:
        return False
    return _names_questions(unit.text)


def _names_questions(heading: str) -> bool:
    """Does this heading say that questions follow? (Not itself a question, and short, as headings are.)"""
    if _is_question_text(heading) or count_words(heading) > MAX_HEADING_WORDS:
        return False
    return _FAQ_HEADING.search(heading.casefold()) is not None


def _section_after(stream: list[_Unit], heading_index: int) -> _Section | None:
    """The Q&A under the heading at `heading_index`, bounded by the smallest container with content after it."""
    heading = stream[heading_index]
    level = heading.level or 7  # a bold line heads a section below every real heading
    # Climbing is safe: a larger container's units start with the smaller one's, so the same rules stop the
    # section at the same place; only a container that ran out before the first question needs its parent.
    for container in heading.owner.iterancestors():
        inside = _units_inside(stream, heading_index + 1, container)
        section = _pairs_in(inside, level, heading.text) if inside else None
        if section is not None and section.pairs:
            section.end = heading_index + 1 + len(section.texts)
            return section
    return None


def _units_inside(stream: list[_Unit], start: int, container: _Element) -> list[_Unit]:
    inside: list[_Unit] = []
    for unit in stream[start:]:
        if unit.owner is not container and container not in unit.owner.iterancestors():
            break
        inside.append(unit)
    return inside


def _pairs_in(units: list[_Unit], level: int, heading: str) -> _Section:
    """Question/answer pairs from the units after an FAQ heading, up to where the section ends."""
    section = _Section(heading=heading)
    question: str | None = None
    answer: list[str] = []
    for unit in units:
        if _is_question(unit):
            _add_pair(section, question, answer)
            question, answer = _QUESTION_PREFIX.sub("", unit.text), []
        elif _ends_section(unit, level) or len(answer) >= MAX_ANSWER_UNITS:
            break
        elif question is None and len(section.texts) >= MAX_INTRO_UNITS:
            break  # text and no question: an article section that happens to have an FAQ-like title
        elif question is not None and unit.level is None:  # a sub-heading ("Billing") is not answer text
            answer.append(_ANSWER_PREFIX.sub("", unit.text))
        section.texts.append(unit.text)
    _add_pair(section, question, answer)
    return section


def _add_pair(section: _Section, question: str | None, answer: list[str]) -> None:
    if question and answer:
        section.pairs.append(QAPair(question=question, answer=_normal(" ".join(answer))))


def _is_question(unit: _Unit) -> bool:
    if unit.tag in ("dt", "summary"):
        return True
    if not _is_question_text(unit.text):
        return False
    if unit.level is not None or unit.bold or unit.tag in _QUESTION_TAGS:
        return True
    return count_words(unit.text) <= MAX_PLAIN_QUESTION_WORDS


def _ends_section(unit: _Unit, level: int) -> bool:
    """A heading of the section's level or above (that is no question), or a block of links (related stories)."""
    return (unit.level is not None and unit.level <= level) or unit.link_share >= 0.5


def _is_question_text(text: str) -> bool:
    return _QUESTION_END.search(text) is not None


# Shared helpers


def _tag(element: _Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _normal(text: str) -> str:
    return " ".join(text.replace("\u200b", "").split())


def _clipped(pair: QAPair) -> QAPair:
    """A pair as linkbrief keeps it: mojibake repaired, each side cut at a word boundary to its limit."""
    return QAPair(
        question=_clip(repair_text(pair.question), MAX_QUESTION_CHARS),
        answer=_clip(repair_text(pair.answer), MAX_ANSWER_CHARS),
    )


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"


def _unique(pairs: list[QAPair]) -> list[QAPair]:
    """Pairs in order, each question once (pages often declare the same FAQ twice, e.g. in two scripts)."""
    seen: set[tuple[str, ...]] = set()
    unique: list[QAPair] = []
    for pair in pairs:
        key = tuple(tokens(pair.question))
        if key and key not in seen:
            seen.add(key)
            unique.append(pair)
    return unique
