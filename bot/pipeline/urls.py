"""URL hygiene: what a shared link must look like before we touch the network, and the keys that recognise it.

Two different things come out of here:

* `canonical_url` is a real, fetchable URL with the noise removed (tracking parameters such as utm_*, fbclid,
  gclid, mc_cid, ref; the fragment; host case; default ports; a trailing slash). It is what we print and store.
* `url_key` is the identity of a page for deduplication: the canonical URL with the differences that never
  change the article also folded away (http vs https, a leading `www.`). Every URL that led to an article is
  stored under its key, so a second share of any spelling of it needs no fetch.

An arXiv paper is one article whatever the URL names of it: its abstract page or its PDF, any version. Its
canonical URL is the abstract page (`arxiv.org/pdf/2401.01234v2.pdf` -> `arxiv.org/abs/2401.01234v2`) and its
key drops the version, so every spelling lands on one stored article through the ordinary alias lookup.

Tracking-parameter knowledge comes from courlan (trafilatura's URL library), not from a list of our own.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit, urlunsplit

import courlan

from bot.errors import BadURL
from bot.pipeline.papers import arxiv_abstract_url, arxiv_id

ALLOWED_SCHEMES = frozenset({"http", "https"})
MAX_URL_LENGTH = 2048


def validate_url(raw: str) -> str:
    """Return `raw` stripped if it is an http(s) URL we are willing to fetch, else raise BadURL."""
    url = raw.strip()
    if not url:
        raise BadURL("The link is empty.")
    if len(url) > MAX_URL_LENGTH:
        raise BadURL("The link is too long to be a web page address.")
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in url):
        raise BadURL("The link contains control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadURL("The link is not a valid web address.") from exc
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        shown = parts.scheme or "no scheme"
        raise BadURL(f"Only http and https links can be read ({shown} given).")
    if not parts.hostname:
        raise BadURL("The link has no host name.")
    if parts.username is not None or parts.password is not None:
        raise BadURL("Links with a user name or password in them are not fetched.")
    if port == 0:
        raise BadURL("The link names port 0, which no web site uses.")
    return url


def canonical_url(url: str) -> str:
    """The URL as we store and show it: tracking parameters, fragment and default port gone, host lowered; an
    arXiv PDF as its abstract page."""
    url = arxiv_abstract_url(url) or url
    normalized = courlan.normalize_url(url, strict=False, trailing_slash=False)
    parts = urlsplit(normalized)
    path = parts.path
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return urlunsplit(SplitResult(parts.scheme, parts.netloc, path, parts.query, ""))


def url_key(url: str) -> str:
    """The identity of a page for deduplication: scheme, `www.` and a trailing slash do not matter; for an
    arXiv paper, neither do the port, the version nor abstract page vs PDF."""
    paper = arxiv_id(url)
    if paper is not None:
        return f"arxiv.org/abs/{paper[0]}"
    parts = urlsplit(canonical_url(url))
    host = parts.netloc
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/")
    key = host + path
    if parts.query:
        key += "?" + parts.query
    return key


def site_of(url: str) -> str:
    """The registrable domain of a URL (`news.example.co.uk` → `example.co.uk`), or its host for IPs."""
    domain = courlan.extract_domain(url)
    if domain:
        return domain
    return (urlsplit(url).hostname or "").lower()


def same_site(a: str, b: str) -> bool:
    """True when both URLs belong to one site; a page's canonical link is trusted only then.

    A page can declare any canonical URL it likes; trusting one that points elsewhere would let any page make us
    file it under (and answer future shares of) someone else's article.
    """
    return site_of(a) == site_of(b)
