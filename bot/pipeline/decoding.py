"""Turning a page's bytes into the text its reader saw: the charset decision and mojibake repair.

Two failures look the same to a reader ("Kosovoâ€™s") but happen in different places:

- the page is UTF-8 but declares a single-byte charset (ISO-8859-1, windows-1252, ...) in its Content-Type
  header or `<meta>`, often because a template or a server default was never updated. Browsers follow the
  declaration and show mojibake too, but a strict UTF-8 decode that succeeds on bytes that are not all ASCII
  is overwhelming evidence: text really written in a single-byte charset practically never forms valid UTF-8
  sequences (an accented letter would have to be followed by exactly the right continuation bytes, every
  time). `decode_html` reads such bodies as UTF-8;
- the page was already mojibake when it was served (text decoded with the wrong charset somewhere in the
  site's own pipeline, then re-encoded). No decoding choice fixes that; `repair_text` undoes it on the
  extracted strings with ftfy, the maintained library for exactly this.

ftfy is slow on whole pages (0.1 to 1 s of CPU on a large one), so it only runs on extracted strings, never on
the HTML, and only on lines that look broken: first a one-character-class scan for what UTF-8 read as
windows-1252, Latin-1 or windows-1251 always looks like (a lead-byte letter such as "Ã", "â" or "Р" followed
by a continuation-byte character), then ftfy's own `is_bad` on the lines that have it. `is_bad` alone costs
about 1 ms per article; the scan a fifteenth of that. Mojibake through other code pages (Mac Roman, cp437) is
rare enough to go unrepaired.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace
from functools import lru_cache

import ftfy
from ftfy.badness import is_bad
from trafilatura.utils import detect_encoding
from w3lib.encoding import html_to_unicode

from bot.pipeline.blocks import Block

_HIGH_BYTES = bytes(range(0x80, 0x100))
_MOJIBAKE_CODECS = ("cp1252", "latin-1", "cp1251")
"""The code pages UTF-8 is most often misread as; their mojibake is what `repair_text` looks for first."""


def _mojibake_hint(codec_names: tuple[str, ...]) -> re.Pattern[str]:
    """A UTF-8 lead byte followed by a continuation byte, as each code page shows them ("Ã©", "â€", "Рµ")."""
    pairs = []
    for name in codec_names:
        leads = bytes(range(0xC2, 0xF5)).decode(name, errors="ignore")
        continuations = bytes(range(0x80, 0xC0)).decode(name, errors="ignore")
        pairs.append(f"[{re.escape(leads)}][{re.escape(continuations)}]")
    return re.compile("|".join(pairs))


_MOJIBAKE_HINT = _mojibake_hint(_MOJIBAKE_CODECS)


def decode_html(content_type_header: str | None, body: bytes) -> tuple[str, str]:
    """`(charset, text)` of an HTML body: BOM, then HTTP header, then `<meta>`, then detection (w3lib's
    browser-like order), except that valid UTF-8 declared as a single-byte charset is read as UTF-8."""
    charset, text = html_to_unicode(content_type_header, body, auto_detect_fun=_guess_encoding)
    if _is_single_byte(charset) and not body.isascii():
        try:
            return "utf-8", body.decode("utf-8")
        except UnicodeDecodeError:
            pass  # really the declared charset
    return charset, text


def _guess_encoding(body: bytes) -> str | None:
    """Encoding of a page that declares none: UTF-8 if it decodes as such, else charset_normalizer's guess
    (via trafilatura, which the extractor uses on the same pages)."""
    guesses = detect_encoding(body)
    return guesses[0] if guesses else None


@lru_cache(maxsize=64)
def _is_single_byte(charset: str) -> bool:
    """Does every byte of `charset` stand for one character on its own (latin-1, cp1252, koi8-r, ...)?

    Asked of the codec rather than of a list of names, so every alias and every single-byte family is covered.
    Multi-byte codecs (UTF-8, Shift_JIS, GB18030, ...) combine high bytes and decode them to fewer characters.
    """
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return False
    if name.startswith("utf"):
        return False
    return len(_HIGH_BYTES.decode(name, errors="replace")) == len(_HIGH_BYTES)


def repair_text(text: str) -> str:
    """`text` with mojibake undone line by line; lines without the signs of it are left exactly as they are.

    Line by line because pages mix correct and broken text (a CMS field double-encoded, the rest fine), and
    because `is_bad` on a line costs a regular-expression search while `ftfy.fix_encoding` costs far more.
    Only encoding is fixed: ftfy's other fixes (straightening quotes, width, ligatures) would change text
    that is exactly what the page says.
    """
    if not _MOJIBAKE_HINT.search(text):
        return text
    return "\n".join(_repair_line(line) for line in text.split("\n"))


def _repair_line(line: str) -> str:
    if _MOJIBAKE_HINT.search(line) and is_bad(line):
        return ftfy.fix_encoding(line)
    return line


def repair_field(value: str | None) -> str | None:
    """`repair_text` for an optional metadata field (title, author, site name)."""
    return repair_text(value) if value else value


def repair_blocks(blocks: list[Block]) -> list[Block]:
    """`repair_text` on each extracted block, before the rules that judge blocks by their words see them
    (furniture trimming, the quality gate, language detection): mojibake reads as noise to all of them."""
    return [block if (text := repair_text(block.text)) == block.text else replace(block, text=text) for block in blocks]
