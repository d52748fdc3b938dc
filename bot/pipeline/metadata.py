"""Page metadata that trafilatura does not give in the shape linkbrief needs: canonical URL, declared language,
publication date as a `date`.

Title, author and site name come from trafilatura's own metadata extraction (meta tags, JSON-LD, bylines);
the canonical URL is read here because dedup depends on it being exactly `<link rel=canonical>` (else
`og:url`), made absolute against the page's URL and `<base href>`, and only ever http(s).
"""

from __future__ import annotations

import datetime
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from bot.pipeline.language import normalize_language


def canonical_url(tree: HtmlElement, page_url: str | None) -> str | None:
    """`<link rel=canonical>` or else `og:url`, absolute; None when missing or not a web URL."""
    base = _base_url(tree, page_url)
    for href in _canonical_candidates(tree):
        absolute = urljoin(base, href) if base else href
        parts = urlsplit(absolute)
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
            return urljoin(page_url, href) if page_url else href
    return page_url


def declared_language(tree: HtmlElement) -> str | None:
    """The language the page says it is in: `<html lang>`, Content-Language, `og:locale`."""
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    for attribute in ("lang", "{http://www.w3.org/XML/1998/namespace}lang", "xml:lang"):
        language = normalize_language(root.get(attribute))
        if language:
            return language
    for meta in tree.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").strip().lower()
        if key in ("content-language", "og:locale", "language", "dc.language"):
            language = normalize_language(meta.get("content"))
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
