"""Download one shared link as HTML, safely: the pipeline stage that talks to servers chosen by strangers.

Every limit here exists because the URL is untrusted input:

- where: http/https only, no credentials in the URL, public addresses only (see `netguard`), re-checked on
  every redirect hop, which this module follows itself so that each hop goes through the same checks;
- how long: one deadline for the whole fetch, redirects and body included, so a server that trickles bytes
  forever cannot hold a worker;
- how much: bytes are counted after decompression and reading stops as soon as the limit is passed, so neither
  a 50 MB page nor a gzip bomb is ever held in memory;
- what: HTML/XHTML, PDF (also a `.pdf` URL served as a generic binary file) and plain text/Markdown, decided
  from the headers before the body is read (a video is not downloaded to be refused).

Everything that goes wrong leaves as a `bot.errors.PipelineError` whose message is written for the person who
shared the link. Choices where `bot.errors` has no exact class: a name that does not resolve, a refused or
reset connection, a bad TLS certificate, a redirect loop and too many redirects are all `BadURL` ("the link does
not lead to a page linkbrief can reach"), each with its own message. A dedicated "unreachable" error class in
`bot.errors` would be more precise for the connection cases.

Redirects are followed here rather than by aiohttp so that every hop passes the same URL and address checks
as the first. Cookies a site sets along the chain are kept for that chain only (consent and bot-check pages
redirect to themselves after setting one) and never shared between fetches.
"""

from __future__ import annotations

import asyncio
import errno
import re
from dataclasses import dataclass, field
from http.cookies import BaseCookie
from ipaddress import IPv4Address, IPv4Network, IPv6Network, ip_address
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp.abc import AbstractResolver
from w3lib.encoding import http_content_type_encoding
from yarl import URL

from bot.errors import (
    BadURL,
    BlockedAddress,
    FetchTimeout,
    HTTPStatusError,
    PipelineError,
    TooLarge,
    UnsupportedType,
)
from bot.pipeline.decoding import decode_html
from bot.pipeline.netguard import (
    AddressGuard,
    BlockedConnectionError,
    GuardedResolver,
    guarded_socket_factory,
    parse_ip_literal,
)
from bot.settings import Settings

ALLOWED_SCHEMES = frozenset({"http", "https"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPE = "application/pdf"
PDF_TYPES = frozenset({PDF_TYPE, "application/x-pdf", "application/acrobat"})
# What servers send for a file they do not know the type of; a `.pdf` URL served so is read as a PDF.
GENERIC_BINARY_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", "application/x-download"})
PLAIN_TEXT_TYPE = "text/plain"
MARKDOWN_TYPE = "text/markdown"
MARKDOWN_TYPES = frozenset({MARKDOWN_TYPE, "text/x-markdown"})
_MARKDOWN_SUFFIXES = (".md", ".markdown")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")

# What a browser sends, so sites serve the page a reader would see rather than a bot wall or an API answer.
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9,*;q=0.5",
}

# WHATWG MIME sniffing, "rules for identifying an unknown MIME type", the HTML patterns: used only when a
# server sends no Content-Type at all. Each must be followed by a space or ">" (except the comment opener).
_HTML_SNIFF_TAGS = tuple(
    tag.encode()
    for tag in (
        "<!doctype html",
        "<html",
        "<head",
        "<script",
        "<iframe",
        "<h1",
        "<div",
        "<font",
        "<table",
        "<a",
        "<style",
        "<title",
        "<b",
        "<body",
        "<br",
        "<p",
    )
)


def _default_user_agent() -> str:
    # model_construct skips reading the environment: only the (constant) User-Agent text is wanted here.
    return Settings.model_construct().user_agent


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The limits of one fetcher. `allowed_networks` is an explicit allow-list of non-public networks that
    may be fetched even with `allow_private` off (e.g. an internal wiki); it is empty by default."""

    allow_private: bool = False
    timeout: float = 20.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = field(default_factory=_default_user_agent)
    concurrency: int = 8
    allowed_networks: tuple[IPv4Network | IPv6Network, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        return cls(
            allow_private=settings.fetch_allow_private,
            timeout=settings.fetch_timeout,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
            user_agent=settings.user_agent,
            concurrency=settings.fetch_concurrency,
            allowed_networks=settings.allowed_networks,
        )


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A downloaded page. `redirects` lists the URLs redirected to, in order (not the original URL), so
    `final_url == redirects[-1]` when there were any. `charset` is the encoding the text was decoded with.

    `content_type` says what the page is: an HTML type, `PDF_TYPE`, `PLAIN_TEXT_TYPE` or `MARKDOWN_TYPE`
    (a `.md` file served as text/plain included). `html` holds the decoded text of HTML and text pages; `body`
    holds the bytes of a PDF (and is empty otherwise), which only the PDF reader decodes.
    """

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    html: str
    redirects: tuple[str, ...]
    byte_count: int
    body: bytes = b""


class Fetcher:
    """Fetches pages under one `FetchPolicy`, reusing connections through one aiohttp session.

    Use as `async with Fetcher(policy) as fetcher: page = await fetcher.fetch(url)`. The session is created on
    first use, inside the running loop. `resolver` replaces the DNS resolver the guard wraps (tests map names
    to loopback addresses with it; the guard still applies to whatever it returns).
    """

    def __init__(self, policy: FetchPolicy, *, resolver: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._guard = AddressGuard(policy.allow_private, policy.allowed_networks)
        self._inner_resolver = resolver
        self._resolver: GuardedResolver | None = None
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(policy.concurrency)

    async def __aenter__(self) -> Self:
        self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session and its connections. Safe to call twice; a later fetch opens a new session."""
        session, resolver = self._session, self._resolver
        self._session = self._resolver = None
        if session is not None:
            await session.close()
        if resolver is not None:
            await resolver.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            policy = self._policy
            self._resolver = GuardedResolver(
                allow_private=policy.allow_private,
                resolver=self._inner_resolver,
                allowed_networks=policy.allowed_networks,
            )
            connector = aiohttp.TCPConnector(
                resolver=self._resolver,
                socket_factory=guarded_socket_factory(
                    allow_private=policy.allow_private, allowed_networks=policy.allowed_networks
                ),
                limit=policy.concurrency,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={**BROWSER_HEADERS, "User-Agent": policy.user_agent},
                # aiohttp's own deadline is a backstop; `fetch` enforces the real one across all hops.
                timeout=aiohttp.ClientTimeout(total=policy.timeout),
                trust_env=False,  # no proxy settings from the environment: they would bypass the guard
                cookie_jar=aiohttp.DummyCookieJar(),  # cookies live per fetch (see `_follow`), never shared
                max_field_size=32_768,  # real sites send Set-Cookie headers beyond aiohttp's 8 KB default
                max_line_size=16_384,
            )
        return self._session

    async def fetch(self, url: str) -> FetchedPage:
        """Download `url` and return it decoded. Raises only `PipelineError` subclasses for anything the
        network or the server does; a programming error still surfaces as itself."""
        async with self._slots:
            try:
                async with asyncio.timeout(self._policy.timeout):
                    return await self._follow(url)
            except TimeoutError as exc:
                raise FetchTimeout(
                    f"The site took too long to send the page (more than {self._policy.timeout:g} s)."
                ) from exc

    async def _follow(self, url: str) -> FetchedPage:
        """Request each hop with redirects off, checking every hop like the first."""
        session = self._open()
        current = _checked_url(url, redirected=False)
        redirects: list[str] = []
        # Cookies set along the chain are sent on later hops (many sites redirect to themselves after setting
        # a consent or session cookie) and forgotten afterwards. A hop only counts as a loop when both the URL
        # and the cookies it would be sent with repeat.
        cookies = aiohttp.CookieJar(unsafe=True)
        seen: set[tuple[str, str]] = set()
        while True:
            target = self._connectable(current)
            cookie_header = _cookie_header(cookies.filter_cookies(target))
            visit = (str(target.with_fragment(None)), cookie_header)
            if visit in seen:
                raise BadURL("The link redirects in a loop, so there is no page to read.")
            seen.add(visit)
            headers = {"Cookie": cookie_header} if cookie_header else None
            try:
                async with session.get(target, allow_redirects=False, headers=headers) as response:
                    self._check_peer(response)
                    cookies.update_cookies(response.cookies, response.url)
                    location = response.headers.get("Location")
                    if response.status in REDIRECT_STATUSES and location:
                        if len(redirects) >= self._policy.max_redirects:
                            raise BadURL(f"The link redirects too many times (more than {self._policy.max_redirects}).")
                        current = _redirect_target(response.url, location)
                        redirects.append(str(current))
                        continue
                    if not 200 <= response.status < 300:
                        raise HTTPStatusError(response.status, _status_message(response.status))
                    return await self._page(url, current, response, tuple(redirects))
            except PipelineError:
                raise
            except TimeoutError:
                raise
            except (aiohttp.ClientError, OSError) as exc:
                raise _network_error(exc, target) from exc

    def _connectable(self, url: URL) -> URL:
        """Check a host that is an IP literal (aiohttp skips the resolver for those) and spell it canonically.

        aiohttp refuses legacy IPv4 spellings such as `2130706433`; browsers read them as the dotted quad, so
        a permitted one is rewritten to it rather than refused.
        """
        host = url.raw_host or ""
        ip = parse_ip_literal(host)
        if ip is None:
            return url
        self._guard.check(ip)
        if isinstance(ip, IPv4Address) and host != str(ip):
            return url.with_host(str(ip))
        return url

    def _check_peer(self, response: aiohttp.ClientResponse) -> None:
        """Defence in depth: the address the response actually came from must be permitted.

        The socket factory already refused non-permitted addresses before connecting; this re-checks the live
        connection. aiohttp detaches the connection as soon as a response with no body is complete, so for
        such responses there is nothing left to inspect and the socket-level check stands alone.
        """
        connection = response.connection
        transport = connection.transport if connection is not None else None
        peer = transport.get_extra_info("peername") if transport is not None else None
        if peer:
            self._guard.check(ip_address(peer[0]))

    async def _page(
        self, url: str, current: URL, response: aiohttp.ClientResponse, redirects: tuple[str, ...]
    ) -> FetchedPage:
        content_type_header = response.headers.get("Content-Type")
        mime = ""
        if content_type_header is not None:
            mime = _document_type(response.content_type.lower(), current)
            if mime not in HTML_TYPES and mime not in (PDF_TYPE, PLAIN_TEXT_TYPE, MARKDOWN_TYPE):
                response.close()
                raise UnsupportedType(_unsupported_message(mime))
        body = await self._read_body(response)
        if mime == PDF_TYPE or (content_type_header is None and body.startswith(b"%PDF-")):
            # Bytes, decoded by the PDF reader only (a server that names no type is believed by the file's start).
            return FetchedPage(
                url=url,
                final_url=str(current),
                status=response.status,
                content_type=PDF_TYPE,
                charset=None,
                html="",
                redirects=redirects,
                byte_count=len(body),
                body=body,
            )
        if content_type_header is None:
            if body and not _looks_like_html(body):
                raise UnsupportedType("The link does not point to a web page linkbrief can read.")
            mime = "text/html" if body else ""
        charset: str | None
        if body:
            charset, html = decode_html(content_type_header, body)
        else:
            charset, html = http_content_type_encoding(content_type_header), ""
        return FetchedPage(
            url=url,
            final_url=str(current),
            status=response.status,
            content_type=mime,
            charset=charset,
            html=html,
            redirects=redirects,
            byte_count=len(body),
        )

    async def _read_body(self, response: aiohttp.ClientResponse) -> bytes:
        """Read the decompressed body, stopping as soon as it passes `max_bytes`.

        aiohttp decompresses incrementally and pauses the socket when its buffer is full, so the bytes held in
        memory never run far past the limit, whatever the server or the compression ratio.
        """
        limit = self._policy.max_bytes
        too_large = TooLarge(f"The page is larger than {_size(limit)}, more than linkbrief reads.")
        declared = response.content_length
        if declared is not None and declared > limit and "Content-Encoding" not in response.headers:
            response.close()
            raise too_large
        body = bytearray()
        async for chunk in response.content.iter_any():
            body += chunk
            if len(body) > limit:
                response.close()  # drop the connection instead of draining the rest
                raise too_large
        return bytes(body)


def _checked_url(raw: str, *, redirected: bool) -> URL:
    """Parse a URL and refuse what linkbrief never fetches: other schemes, credentials, no host."""
    where = "The link redirects to" if redirected else "The link is"
    try:
        url = URL(raw.strip())
    except (ValueError, TypeError) as exc:
        raise BadURL(f"{where} not a valid web address.") from exc
    if url.scheme not in ALLOWED_SCHEMES:
        scheme = f" ({url.scheme}:)" if url.scheme else ""
        raise BadURL(f"{where} not an http or https address{scheme}; linkbrief only reads web pages.")
    if url.raw_user is not None or url.raw_password is not None:
        raise BadURL(f"{where} an address with a user name or password in it, which linkbrief does not fetch.")
    if not url.raw_host:
        raise BadURL(f"{where} missing the site name.")
    if parse_ip_literal(url.raw_host) is None and not _valid_hostname(url):
        raise BadURL(f"{where} not a valid web address.")
    return url


def _valid_hostname(url: URL) -> bool:
    """A DNS name in its ASCII (IDNA) form that also decodes back: letters, digits, hyphens, underscores
    (seen in real subdomains) and dots. Anything else cannot be a web site and must not reach a resolver."""
    try:
        url.host  # noqa: B018 -- decoding the IDNA form is the check
    except UnicodeError:
        return False
    return _HOSTNAME.fullmatch(url.raw_host or "") is not None


def _redirect_target(base: URL, location: str) -> URL:
    """Resolve a Location header (relative ones included) against the URL that sent it, and check it."""
    try:
        joined = base.join(URL(location.strip()))
    except (ValueError, TypeError) as exc:
        raise BadURL("The link redirects to an address that is not valid.") from exc
    return _checked_url(str(joined), redirected=True)


def _cookie_header(cookies: BaseCookie[str]) -> str:
    return "; ".join(f"{morsel.key}={morsel.coded_value}" for morsel in cookies.values())


def _document_type(mime: str, url: URL) -> str:
    """The kind of document a response is, from its declared type and, for generic ones, the URL's ending."""
    path = url.path.lower()
    if mime in PDF_TYPES or (mime in GENERIC_BINARY_TYPES and path.endswith(".pdf")):
        return PDF_TYPE
    if mime in MARKDOWN_TYPES or (mime == PLAIN_TEXT_TYPE and path.endswith(_MARKDOWN_SUFFIXES)):
        return MARKDOWN_TYPE
    return mime


def _looks_like_html(body: bytes) -> bool:
    start = body.removeprefix(b"\xef\xbb\xbf").lstrip(b"\t\n\x0c\r ")[:16].lower()
    if start.startswith(b"<!--"):
        return True
    return any(start.startswith(tag) and start[len(tag) : len(tag) + 1] in (b" ", b">") for tag in _HTML_SNIFF_TAGS)


def _unsupported_message(mime: str) -> str:
    kind = mime.partition("/")[0]
    if kind == "image":
        return "The link points to an image, not an article."
    if kind == "video":
        return "The link points to a video, not an article."
    if kind == "audio":
        return "The link points to an audio file, not an article."
    return f"The link points to a file of type {mime}, not a web page or a document."


def _status_message(status: int) -> str:
    """Words for an HTTP status that a person in a Slack channel understands, with the code for reference."""
    messages = {
        401: "The page needs a login",
        402: "The page is behind a paywall",
        403: "The site refused access to the page",
        404: "The page was not found",
        407: "The page needs a login",
        410: "The page has been removed",
        429: "The site is limiting requests; try again later",
        451: "The page is unavailable for legal reasons",
        503: "The site is temporarily unavailable",
    }
    if status in messages:
        text = messages[status]
    elif 300 <= status < 400:
        text = "The site answered with a redirect linkbrief cannot follow"
    elif 400 <= status < 500:
        text = "The site refused the request"
    elif status >= 500:
        text = "The site had an internal error"
    else:
        text = "The site answered with an unexpected status"
    return f"{text} (HTTP {status})."


def _network_error(exc: BaseException, url: URL) -> PipelineError:
    """Turn an aiohttp/OS failure into a typed error with a message about the site, not the stack."""
    host = url.host or "the site"
    if isinstance(exc, aiohttp.ClientConnectorError) and isinstance(exc.os_error, BlockedConnectionError):
        return BlockedAddress(f"The site {host} is on a private or local network, which linkbrief does not fetch.")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return BadURL(f"The site {host} could not be found (its name does not resolve).")
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return BadURL(f"The site {host} has an invalid security certificate, so linkbrief did not read it.")
    if isinstance(exc, aiohttp.ClientConnectorSSLError):
        return BadURL(f"A secure connection to {host} could not be made.")
    if isinstance(exc, aiohttp.ClientConnectorError):
        if exc.os_error.errno == errno.ECONNREFUSED:
            return BadURL(f"The site {host} refused the connection.")
        return BadURL(f"The site {host} could not be reached.")
    if isinstance(exc, aiohttp.InvalidURL):
        return BadURL("The link is not a valid web address.")
    if isinstance(exc, aiohttp.ClientResponseError):
        return BadURL(f"The site {host} sent a response linkbrief could not understand.")
    return BadURL(f"The connection to {host} broke before the page was complete.")


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} kB"
    return f"{n} bytes"
