"""Page metadata that trafilatura does not give in the shape linkbrief needs: canonical URL, declared language,
publication date as a `date`.

Title, author and site name come from trafilatura's own metadata extraction (meta tags, JSON-LD, bylines);
the canonical URL is read here because dedup depends on it being exactly `<link rel=canonical>` (else
`og:url`), made absolute against the page's URL and `<base href>`, and only ever http(s).
"""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import urljoin, urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

from bot.pipeline.furniture import DATE_WORDS
from bot.pipeline.language import normalise_code

JSON_LD_SCRIPTS = XPath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]/text()")
"""The text of every JSON-LD block on the page (`type="application/ld+json"`, in any letter case)."""


def json_ld_documents(tree: HtmlElement) -> list[object]:
    """Every JSON-LD block of the page, parsed once for all the stages that read it (title, site name, Q&A).

    Pages are written by strangers: a block that is not JSON is skipped, never fatal. Raw newlines inside
    strings are accepted (`strict=False`), as browsers' JSON-LD consumers do.
    """
    documents: list[object] = []
    for script in JSON_LD_SCRIPTS(tree):
        try:
            documents.append(json.loads(script, strict=False))
        except (ValueError, RecursionError):
            continue
    return documents


def canonical_url(tree: HtmlElement, page_url: str | None) -> str | None:
    """`<link rel=canonical>` or else `og:url`, absolute; None when missing or not a web URL."""
    base = _base_url(tree, page_url)
    for href in _canonical_candidates(tree):
        try:
            absolute = urljoin(base, href) if base else href
            parts = urlsplit(absolute)
        except ValueError:
            continue  # "http://[bad/": a URL no parser accepts is no canonical link
        if parts.scheme in ("http", "https") and parts.netloc:
            return absolute
    return None


def _canonical_candidates(tree: HtmlElement) -> list[str]:
    candidates: list[str] = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href:
            candidates.append(href)
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key == "og:url" and content:
            candidates.append(content)
    return candidates


def _base_url(tree: HtmlElement, page_url: str | None) -> str | None:
    for base in tree.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            try:
                return urljoin(page_url, href) if page_url else href
            except ValueError:
                return page_url  # a broken <base href> is ignored, as browsers do
    return page_url


def declared_language(tree: HtmlElement) -> str | None:
    """The language the page says it is in: `<html lang>`, Content-Language, `og:locale`."""
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    for attribute in ("lang", "{http://www.w3.org/XML/1998/namespace}lang", "xml:lang"):
        language = normalise_code(root.get(attribute))
        if language:
            return language
    for meta in tree.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").strip().lower()
        if key in ("content-language", "og:locale", "language", "dc.language"):
            language = normalise_code(meta.get("content"))
            if language:
                return language
    return None


def parse_date(value: str | None) -> datetime.date | None:
    """trafilatura's YYYY-MM-DD string as a date."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def clean_field(value: str | None) -> str | None:
    """Strip a metadata string; empty means unknown."""
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


# Job titles and desks that bylines put next to (or instead of) people's names: "Tom Krisher; AP Auto Writer".
_ROLE_WORDS = frozenset(
    [
        "writer",
        "writers",
        "staff",
        "correspondent",
        "correspondents",
        "reporter",
        "reporters",
        "editor",
        "editors",
        "contributor",
        "contributors",
        "columnist",
        "columnists",
        "producer",
        "photographer",
        "press",
        "associated",
        "ap",
        "reuters",
        "afp",
        "dpa",
        "bloomberg",
        "desk",
        "team",
        "newsroom",
        "redaktion",
        "redakteur",
        "redakteurin",
        "autor",
        "autorin",
        "korrespondent",
        "korrespondentin",
        "rédaction",
        "rédacteur",
        "journaliste",
        "correspondant",
        "redacción",
        "redação",
        "agencia",
        "agência",
        "agences",
        "agence",
        "senior",
        "chief",
        "special",
        "wire",
        "service",
        "services",
        "news",
        "bureau",
        "online",
        "digital",
        "sports",
        "political",
        "business",
    ]
)
_COPYRIGHT_RE = re.compile(
    r"©|\(c\)|\bcopyright\b|all rights reserved|alle rechte vorbehalten|tous droits réservés|"
    r"todos los derechos reservados|\b(?:19|20)\d\d\b|(?-i:\b[MDCLXVI]{3,}\b)",
    re.IGNORECASE,
)
_NAME_SPLIT_RE = re.compile(r"\s*(?:;|,|\||/|\band\b|\bund\b|\bet\b|&)\s*", re.IGNORECASE)
_WORDS_RE = re.compile(r"\w+")
MAX_NAME_WORDS = 5


def clean_author(value: str | None) -> str | None:
    """People's names only: roles ("AP Auto Writer", "Staff"), "By", e-mail addresses and dates dropped.

    Several authors are joined with ", ". None when nothing name-like is left.
    """
    value = clean_field(value)
    if not value:
        return None
    value = re.sub(r"^(?:by|von|par|por|di|door)\s+", "", value, flags=re.IGNORECASE)
    names: list[str] = []
    for part in _NAME_SPLIT_RE.split(value):
        part = part.strip(" .:-")
        words = _WORDS_RE.findall(part)
        if not words or len(words) > MAX_NAME_WORDS or "@" in part or any(char.isdigit() for char in part):
            continue
        if any(word.casefold() in DATE_WORDS for word in words):
            continue  # "Saturday", "April": the date a byline carried
        if any(word.casefold() in _ROLE_WORDS for word in words):
            # "Adam Aaronson PhillyVoice Staff" keeps the name; "AP Auto Writer" and "Staff" leave nothing.
            kept = [word for word in part.split() if _WORDS_RE.sub("", word.casefold()) not in _ROLE_WORDS]
            kept = [word for word in kept if not any(w.casefold() in _ROLE_WORDS for w in _WORDS_RE.findall(word))]
            if not 2 <= len(kept) <= 3:
                continue
            part = " ".join(kept)
        if part not in names:
            names.append(part)
    return ", ".join(names) or None


def clean_site_name(value: str | None, declared: list[str]) -> str | None:
    """The site's name, never a copyright line: "© MMVIII, CBS Corporation. All Rights Reserved." gives
    "CBS Corporation"; a declared name (`og:site_name`, publisher) is preferred when the extracted one is a
    copyright notice or missing."""
    value = clean_field(value)
    if value and not _COPYRIGHT_RE.search(value) and len(value) <= 80:
        return value
    for name in declared:
        name = clean_field(name) or ""
        if name and not _COPYRIGHT_RE.search(name) and len(name) <= 80:
            return name
    if value:
        stripped = _COPYRIGHT_RE.sub(" ", value)
        stripped = re.sub(r"[.,;:|]+", " ", stripped)
        stripped = " ".join(word for word in stripped.split() if word.casefold() not in ("inc", "ltd", "llc", "by"))
        stripped = " ".join(stripped.split())
        if stripped and len(_WORDS_RE.findall(stripped)) <= 6:
            return stripped
    return None
