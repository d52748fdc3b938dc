"""Identifiers of scholarly documents: DOIs in a page or a PDF, and arXiv identifiers in arXiv URLs.

A paper is shared under many addresses: its arXiv abstract page, its PDF, a given version of either, a DOI
resolver. These helpers name the paper behind them, so the pipeline's ordinary URL keys and metadata can treat
all of them as one article.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit, urlunsplit

if TYPE_CHECKING:  # lxml only for the type: URL keys (bot.pipeline.urls) use the arXiv helpers without a page
    from lxml.html import HtmlElement

_DOI = re.compile(r"\b(10\.\d{4,9}/[-._;()/:\w]+)", re.U)
_DOI_META_NAMES = ("citation_doi", "dc.identifier", "dc.identifier.doi", "prism.doi", "bepress_citation_doi")

ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
# New-style ids (2401.01234) and old-style ones (hep-th/9901001, math.GT/0309136), with an optional version.
_ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?P<version>v\d+)?"
_ARXIV_PATH = re.compile(rf"/(?:abs|pdf|html)/{_ARXIV_ID}(?:\.pdf)?/?")


def find_doi(text: str) -> str | None:
    """The first DOI written in `text` ("10.1145/3366423.3380211"), trailing punctuation removed."""
    match = _DOI.search(text)
    if match is None:
        return None
    doi = match.group(1).rstrip(".,;:")
    # A closing bracket belongs to the DOI only when the DOI opened it ("10.1002/(SICI)1097-...").
    while doi.endswith(")") and doi.count("(") < doi.count(")"):
        doi = doi[:-1].rstrip(".,;:")
    return doi


def doi_of_page(tree: HtmlElement) -> str | None:
    """The DOI a web page declares in its citation metadata (Highwire, Dublin Core, PRISM), if any."""
    for meta in tree.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in _DOI_META_NAMES:
            doi = find_doi(meta.get("content") or "")
            if doi:
                return doi
    return None


def arxiv_id(url: str) -> tuple[str, str] | None:
    """The (id, version) of an arXiv abstract, PDF or HTML URL (version "" when none), else None."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in ARXIV_HOSTS:
        return None
    match = _ARXIV_PATH.fullmatch(parts.path)
    if match is None:
        return None
    return match.group("id"), match.group("version") or ""


def arxiv_abstract_url(url: str) -> str | None:
    """The abstract page of the paper an arXiv URL names, same version: `…/pdf/2401.01234v2.pdf` ->
    `…/abs/2401.01234v2`. None for any other URL."""
    found = arxiv_id(url)
    if found is None:
        return None
    parts = urlsplit(url)
    return urlunsplit(SplitResult(parts.scheme, parts.netloc, f"/abs/{found[0]}{found[1]}", "", ""))
