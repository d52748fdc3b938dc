"""Text blocks: the unit in which extraction output is compared, cleaned and finally joined into `text`.

Two extractors (trafilatura and readability) describe the same page in different shapes: a TEI tree and an
HTML fragment. Turning both into one flat list of `Block`s (paragraph, heading, list, ...) with the amount of
link text in each lets later stages reason about them with the same rules: which blocks the extractors agree
on, which are navigation (short and mostly links), which are copies of one another. The walker here is the only
place that knows about tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from lxml.etree import _Comment, _Element, _ProcessingInstruction

BlockKind = Literal["paragraph", "heading", "list", "quote", "table", "code", "caption"]

_WORD_RE = re.compile(r"\w+")
_INLINE_SPACE_RE = re.compile(r"[^\S\n]+")
_LINE_BREAKS_RE = re.compile(r" *\n[\n ]*")


def count_words(text: str) -> int:
    """`\\w+` runs: the same token notion as the evaluation metric, and language-neutral enough."""
    return len(_WORD_RE.findall(text))


def normalize_text(text: str) -> str:
    """Collapse runs of spaces, keep single line breaks (list items, <br>), drop blank lines."""
    text = _INLINE_SPACE_RE.sub(" ", text.replace("\u00a0", " ").replace("\u200b", "").replace("\u00ad", ""))
    return _LINE_BREAKS_RE.sub("\n", text).strip()


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like unit of a page, with how much of its text sits inside links."""

    text: str
    kind: BlockKind = "paragraph"
    link_chars: int = 0
    words: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Asked for again and again by every rule: counted once.
        object.__setattr__(self, "words", count_words(self.text))

    @property
    def link_density(self) -> float:
        """Share of the block's characters inside links: navigation and "related story" teasers are ~1."""
        return min(1.0, self.link_chars / max(1, len(self.text)))


# Tags of both vocabularies: HTML (readability output, fallback bodies) and trafilatura's TEI-like XML.
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "head"})
_LIST_TAGS = frozenset({"ul", "ol", "dl", "list"})
_TABLE_TAGS = frozenset({"table"})
_ROW_TAGS = frozenset({"tr", "row"})
_CELL_TAGS = frozenset({"td", "th", "cell"})
_CONTAINER_TAGS = frozenset({"body", "div", "section", "article", "main"})
_QUOTE_TAGS = frozenset({"blockquote", "quote"})
_CAPTION_TAGS = frozenset({"figcaption", "caption"})
_PARAGRAPH_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "figure",
        "address", "form", "fieldset", "details", "summary", "center", "body", "html", "hr",
    }
)  # fmt: skip
_ITEM_TAGS = frozenset({"li", "item", "dt", "dd"})
_LINK_TAGS = frozenset({"a", "ref"})
_BREAK_TAGS = frozenset({"br", "lb"})
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "button", "select", "option",
     "input", "textarea", "graphic", "img", "video", "audio", "object", "embed", "canvas"}
)  # fmt: skip


def _tag(element: _Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _inline_text(element: _Element, in_link: bool = False) -> tuple[str, int]:
    """All text under `element` flattened to one line per <br>, with the number of characters inside links."""
    parts: list[str] = []
    link_chars = 0

    def visit(node: _Element, linked: bool) -> None:
        nonlocal link_chars
        tag = _tag(node)
        if tag in _SKIP_TAGS:
            return
        if tag in _BREAK_TAGS:
            parts.append("\n")
            return
        linked = linked or tag in _LINK_TAGS
        if tag in _ITEM_TAGS or tag in _CELL_TAGS or tag in _HEADING_TAGS or tag in _PARAGRAPH_TAGS:
            parts.append(" ")
        if node.text:
            parts.append(node.text)
            if linked:
                link_chars += len(node.text.strip())
        for child in node:
            if isinstance(child, _Comment | _ProcessingInstruction):
                if child.tail:
                    parts.append(child.tail)
                    if linked:
                        link_chars += len(child.tail.strip())
                continue
            visit(child, linked)
            if child.tail:
                parts.append(child.tail)
                if linked:
                    link_chars += len(child.tail.strip())

    visit(element, in_link)
    return "".join(parts), link_chars


class _BlockWalker:
    """Depth-first walk that cuts the text stream into blocks at block-level tags."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._buffer: list[str] = []
        self._buffer_links = 0
        self._kinds: list[BlockKind] = ["paragraph"]

    def _emit(self, text: str, kind: BlockKind, link_chars: int) -> None:
        text = normalize_text(text)
        if text:
            block = Block(text=text, kind=kind, link_chars=min(link_chars, len(text)))
            if block.words:  # counted once, by the block itself
                self.blocks.append(block)

    def _flush(self) -> None:
        if self._buffer:
            self._emit("".join(self._buffer), self._kinds[-1], self._buffer_links)
        self._buffer.clear()
        self._buffer_links = 0

    def _ends_with_break(self) -> bool:
        for piece in reversed(self._buffer):
            if piece == "\n":
                return True
            if piece.strip():
                return False
        return False

    def _add_text(self, text: str | None, linked: bool) -> None:
        if text:
            if self._kinds[-1] != "code":
                # A line break in the page's source is a space where HTML renders it: pages hard-wrap their
                # paragraphs ("… von Madrid nach\nStockholm."), and a kept break would end a sentence there.
                # Only <br> (`_BREAK_TAGS`) and <pre> keep their lines.
                text = text.replace("\n", " ")
            self._buffer.append(text)
            if linked:
                self._buffer_links += len(text.strip())

    def walk(self, element: _Element, linked: bool = False) -> None:
        tag = _tag(element)
        if not tag or tag in _SKIP_TAGS:
            return
        if tag in _BREAK_TAGS:
            if self._ends_with_break():
                self._flush()  # <br><br>: a paragraph break in pages that do not use <p>
            else:
                self._buffer.append("\n")
            return
        if tag in _LIST_TAGS:
            self._flush()
            self._emit_list(element)
            return
        if tag in _TABLE_TAGS:
            self._flush()
            self._emit_table(element)
            return
        kind = self._block_kind(tag, element)
        if kind is None:  # inline element: its text joins the current block
            linked = linked or tag in _LINK_TAGS
            self._add_text(element.text, linked)
            for child in element:
                self.walk(child, linked)
                self._add_text(child.tail, linked)
            return
        self._flush()
        self._kinds.append(kind)
        self._add_text(element.text, linked)
        for child in element:
            self.walk(child, linked)
            self._add_text(child.tail, linked)
        self._flush()
        self._kinds.pop()

    def _walk_container(self, element: _Element) -> None:
        self._flush()
        self._kinds.append("paragraph")
        self._add_text(element.text, False)
        for child in element:
            self.walk(child)
            self._add_text(child.tail, False)
        self._flush()
        self._kinds.pop()

    @staticmethod
    def _block_kind(tag: str, element: _Element) -> BlockKind | None:
        if tag in _HEADING_TAGS:
            return "heading"
        if tag in _QUOTE_TAGS:
            return "quote"
        if tag == "pre":
            return "code"
        if tag == "code":  # trafilatura's code block, or HTML's inline <code> inside a sentence
            parent = element.getparent()
            return "code" if parent is not None and _tag(parent) in _CONTAINER_TAGS else None
        if tag in _CAPTION_TAGS:
            return "caption"
        if tag in _PARAGRAPH_TAGS or tag in _ITEM_TAGS or tag in _CELL_TAGS or tag in _ROW_TAGS:
            return "paragraph"
        return None

    def _emit_list(self, element: _Element) -> None:
        """A list is one block, one item per line ("- item"), so it stays together in `text`."""
        lines: list[str] = []
        link_chars = 0
        items = [child for child in element if _tag(child) in _ITEM_TAGS]
        if not items:  # malformed list: treat its content as one item
            items = [element]
        for item in items:
            text, links = _inline_text(item)
            text = normalize_text(text).replace("\n", " ")
            if count_words(text):
                lines.append(f"- {text}")
                link_chars += links
        if lines:
            self._emit("\n".join(lines), "list", link_chars)

    def _emit_table(self, element: _Element) -> None:
        """Data rows become one block each ("a | b | c"); layout tables (cells holding paragraphs) are walked
        like any container, so a page laid out in a table still splits into its paragraphs."""
        rows = _table_rows(element)
        if not rows:  # a table without rows is just a container
            self._walk_container(element)
            return
        for row in rows:
            cells = [node for node in row if _tag(node) in _CELL_TAGS]
            if any(_holds_blocks(cell) for cell in cells):
                for cell in cells:
                    self._walk_container(cell)
                continue
            texts: list[str] = []
            link_chars = 0
            for cell in cells:
                text, links = _inline_text(cell)
                text = normalize_text(text).replace("\n", " ")
                if text:
                    texts.append(text)
                    link_chars += links
            self._emit(" | ".join(texts), "table", link_chars)


_STRUCTURE_TAGS = _PARAGRAPH_TAGS | _HEADING_TAGS | _LIST_TAGS | _TABLE_TAGS | _QUOTE_TAGS | {"p"}
_SECTION_TAGS = frozenset({"thead", "tbody", "tfoot"})


def _table_rows(table: _Element) -> list[_Element]:
    """Rows of this table only (not of tables nested in its cells)."""
    rows: list[_Element] = []
    for child in table:
        tag = _tag(child)
        if tag in _ROW_TAGS:
            rows.append(child)
        elif tag in _SECTION_TAGS:
            rows.extend(grandchild for grandchild in child if _tag(grandchild) in _ROW_TAGS)
    return rows


def _holds_blocks(cell: _Element) -> bool:
    return any(_tag(node) in _STRUCTURE_TAGS for node in cell.iterdescendants())


def element_blocks(element: _Element) -> list[Block]:
    """Blocks of an HTML or trafilatura-XML element, in document order."""
    walker = _BlockWalker()
    walker.walk(element)
    walker._flush()
    return walker.blocks


def join_blocks(blocks: list[Block]) -> str:
    """The article text: blocks separated by one blank line, the paragraph structure downstream relies on."""
    return "\n\n".join(block.text for block in blocks)


_CONTINUATION_START = tuple(",.;:!?)]")
_SENTENCE_END = tuple('.!?:;…"”»’)')


def merge_fragments(blocks: list[Block]) -> list[Block]:
    """Re-join sentences that an extractor cut at inline tags.

    readability turns the text nodes of a "misused" <div> into separate <p>s, and trafilatura's fallback
    inherits that, so `... predicted that Apple will` / `transition its lineup` (a link) / `, including ...`
    arrive as three paragraphs. Sentence splitting downstream needs them whole. A paragraph is glued to the
    previous one when it starts with closing punctuation, or starts in lower case after a paragraph that does
    not end a sentence; a short fragment (<= 3 words) squeezed between two such pieces is glued too. A
    lower-case block that is mostly a link (a tag cloud, "related" links) joins only a paragraph cut
    mid-sentence, so navigation does not get glued onto the article's last paragraph.
    """
    merged: list[Block] = []
    for index, block in enumerate(blocks):
        if merged and block.kind == "paragraph" and merged[-1].kind == "paragraph":
            previous = merged[-1]
            following = blocks[index + 1].text if index + 1 < len(blocks) else ""
            if _continues(previous.text, block, following):
                separator = "" if block.text.startswith(_CONTINUATION_START) else " "
                merged[-1] = Block(
                    text=previous.text + separator + block.text,
                    kind="paragraph",
                    link_chars=previous.link_chars + block.link_chars,
                )
                continue
        merged.append(block)
    return merged


def _continues(previous: str, block: Block, following: str) -> bool:
    text = block.text
    if text.startswith(_CONTINUATION_START):
        return True
    open_ended = not previous.endswith(_SENTENCE_END)
    if text[:1].islower():
        if block.link_density >= 0.5:
            last_words = _WORD_RE.findall(previous[-40:])
            return bool(last_words) and last_words[-1].islower() and previous[-1:].isalnum()
        return open_ended
    following_continues = following.startswith(_CONTINUATION_START) or following[:1].islower()
    return open_ended and block.words <= 3 and following_continues and previous[-1:].isalnum()
