"""The fetcher against real local servers that behave badly, one way each.

The servers are on loopback, so these tests run with `allow_private=True`; the address guard itself is tested in
test_netguard.py.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import zlib
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from localserver import RequestLog, StaticResolver, read_request_head, serve_app, serve_raw

from bot.errors import BadURL, FetchTimeout, HTTPStatusError, TooLarge, UnsupportedType
from bot.pipeline.fetch import FetchedPage, Fetcher, FetchPolicy
from bot.settings import Settings

LOCAL = FetchPolicy(allow_private=True)
ARTICLE = "<html><head><title>T</title></head><body><p>Hello.</p></body></html>"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def html(text: str = ARTICLE, **kwargs: object) -> web.Response:
    return web.Response(text=text, content_type="text/html", **kwargs)  # type: ignore[arg-type]


async def article(_: web.Request) -> web.Response:
    return html()


async def fetch(routes: dict[str, Handler], path: str, policy: FetchPolicy = LOCAL) -> FetchedPage:
    """Serve `routes` (GET handlers by path), fetch `path` from it with a fresh fetcher."""
    app = web.Application()
    for route, handler in routes.items():
        app.router.add_get(route, handler)
    async with serve_app(app) as base, Fetcher(policy) as fetcher:
        return await fetcher.fetch(base + path)


# Status codes


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "The page was not found (HTTP 404)."),
        (500, "The site had an internal error (HTTP 500)."),
        (503, "The site is temporarily unavailable (HTTP 503)."),
        (403, "The site refused access to the page (HTTP 403)."),
    ],
)
async def test_error_statuses_are_http_errors_with_human_messages(status: int, message: str) -> None:
    async def handler(_: web.Request) -> web.Response:
        return html("<p>error page</p>", status=status)

    with pytest.raises(HTTPStatusError) as raised:
        await fetch({"/": handler}, "/")
    assert raised.value.status == status
    assert raised.value.code == "http_error"
    assert raised.value.message == message


async def test_empty_200_is_returned_not_refused() -> None:
    async def handler(_: web.Request) -> web.Response:
        return html("")

    page = await fetch({"/": handler}, "/")
    assert page.status == 200
    assert page.html == ""
    assert page.byte_count == 0
    assert page.content_type == "text/html"


# Redirects


def chain_app(log: RequestLog) -> web.Application:
    """/chain/N redirects to /chain/N-1; /chain/0 is the article. /a and /b redirect to each other."""
    app = log.app()

    async def chain(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        if n == 0:
            return html()
        raise web.HTTPFound(f"/chain/{n - 1}")

    async def loop_a(_: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/b")

    async def loop_b(_: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect("/a")

    app.router.add_get("/chain/{n}", chain)
    app.router.add_get("/a", loop_a)
    app.router.add_get("/b", loop_b)
    return app


async def test_five_redirects_are_followed() -> None:
    log = RequestLog()
    async with serve_app(chain_app(log)) as base, Fetcher(LOCAL) as fetcher:
        page = await fetcher.fetch(f"{base}/chain/5")
    assert page.url == f"{base}/chain/5"
    assert page.final_url == f"{base}/chain/0"
    assert page.redirects == tuple(f"{base}/chain/{n}" for n in (4, 3, 2, 1, 0))
    assert page.html == ARTICLE


async def test_a_sixth_redirect_is_refused() -> None:
    log = RequestLog()
    async with serve_app(chain_app(log)) as base, Fetcher(LOCAL) as fetcher:
        with pytest.raises(BadURL) as raised:
            await fetcher.fetch(f"{base}/chain/6")
    assert raised.value.message == "The link redirects too many times (more than 5)."
    assert log.paths == [f"/chain/{n}" for n in (6, 5, 4, 3, 2, 1)]  # the 6th target is never requested


async def test_redirect_loop_is_refused_without_going_round_again() -> None:
    log = RequestLog()
    async with serve_app(chain_app(log)) as base, Fetcher(LOCAL) as fetcher:
        with pytest.raises(BadURL) as raised:
            await fetcher.fetch(f"{base}/a")
    assert "loop" in raised.value.message
    assert log.paths == ["/a", "/b"]


async def test_relative_and_scheme_relative_redirects_are_resolved_against_the_hop() -> None:
    log = RequestLog()
    app = log.app()
    hops: dict[str, str] = {}

    async def start(_: web.Request) -> web.Response:
        raise web.HTTPFound("../next?x=1")

    async def nxt(_: web.Request) -> web.Response:
        raise web.HTTPSeeOther(hops["scheme_relative"])

    app.router.add_get("/dir/sub/start", start)
    app.router.add_get("/dir/next", nxt)
    app.router.add_get("/final", article)
    async with serve_app(app) as base, Fetcher(LOCAL) as fetcher:
        hops["scheme_relative"] = "//" + base.removeprefix("http://") + "/final"
        page = await fetcher.fetch(f"{base}/dir/sub/start")
    assert page.redirects == (f"{base}/dir/next?x=1", f"{base}/final")
    assert page.final_url == f"{base}/final"
    assert log.paths == ["/dir/sub/start", "/dir/next?x=1", "/final"]


async def test_cookie_set_on_a_redirect_to_itself_is_not_a_loop() -> None:
    """Consent and bot-check pages set a cookie and redirect to the same URL; the second visit differs."""

    async def gate(request: web.Request) -> web.Response:
        if request.cookies.get("consent") == "yes":
            return html()
        response = web.HTTPFound("/story")
        response.set_cookie("consent", "yes")
        raise response

    page = await fetch({"/story": gate}, "/story")
    assert page.html == ARTICLE
    assert len(page.redirects) == 1


@pytest.mark.parametrize(
    "location",
    ["ftp://127.0.0.1/file.html", "file:///etc/passwd", "javascript:alert(1)", "http://user:pw@127.0.0.1/"],
)
async def test_redirect_to_a_forbidden_url_is_refused(location: str) -> None:
    async def handler(_: web.Request) -> web.Response:
        raise web.HTTPFound(location)

    with pytest.raises(BadURL) as raised:
        await fetch({"/": handler}, "/")
    assert raised.value.message.startswith("The link redirects to")


# URLs refused before any connection


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
        "mailto:someone@example.com",
        "example.com/no-scheme",
        "http:///no-host",
        "https://",
        "   ",
        "http://exa mple.com/",
        "http://a..b/",
        "http://xn--/",
        "http://%41.com/",
        "http://[::1/",
        "http://example.com:99999/",
    ],
)
async def test_non_web_urls_are_refused(url: str) -> None:
    resolver = StaticResolver({})
    async with Fetcher(LOCAL, resolver=resolver) as fetcher:
        with pytest.raises(BadURL):
            await fetcher.fetch(url)
    assert resolver.asked == []  # refused before any lookup


@pytest.mark.parametrize("userinfo", ["user:pass@", "user@", ":secret@"])
async def test_credentials_in_the_url_are_refused(userinfo: str) -> None:
    log = RequestLog()
    app = log.app()
    app.router.add_get("/", article)
    async with serve_app(app) as base, Fetcher(LOCAL) as fetcher:
        with pytest.raises(BadURL) as raised:
            await fetcher.fetch(base.replace("http://", f"http://{userinfo}") + "/")
    assert "password" in raised.value.message
    assert log.paths == []


# Time


async def test_endless_slow_body_times_out() -> None:
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        while True:
            await response.write(b"<p>more</p>")
            await asyncio.sleep(0.05)

    with pytest.raises(FetchTimeout) as raised:
        await fetch({"/": trickle}, "/", FetchPolicy(allow_private=True, timeout=1.0))
    assert raised.value.message == "The site took too long to send the page (more than 1 s)."


async def test_deadline_covers_the_whole_redirect_chain() -> None:
    """Each hop answers well within the deadline; together they do not."""

    async def slow_hop(request: web.Request) -> web.Response:
        await asyncio.sleep(0.4)
        n = int(request.match_info["n"])
        if n == 0:
            return html()
        raise web.HTTPFound(f"/hop/{n - 1}")

    with pytest.raises(FetchTimeout):
        await fetch({"/hop/{n}": slow_hop}, "/hop/4", FetchPolicy(allow_private=True, timeout=1.0))


# Size


async def test_huge_body_stops_at_the_limit_without_reading_it_all() -> None:
    total = 50_000_000
    chunk = b"<p>" + b"a" * 65_529 + b"</p>"
    written = 0
    done = asyncio.Event()

    async def huge(request: web.Request) -> web.StreamResponse:
        nonlocal written
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        try:
            while written < total:
                await response.write(chunk)
                written += len(chunk)
        finally:
            done.set()
        return response

    with pytest.raises(TooLarge) as raised:
        await fetch({"/": huge}, "/", FetchPolicy(allow_private=True, max_bytes=1_000_000))
    await asyncio.wait_for(done.wait(), 10)
    assert raised.value.message == "The page is larger than 1 MB, more than linkbrief reads."
    # The client hung up early: the server got nowhere near writing all 50 MB (socket buffers hold a few MB).
    assert written < total // 2


async def test_declared_content_length_over_the_limit_is_refused_up_front() -> None:
    async def big(_: web.Request) -> web.Response:
        return html("x" * 20_000)

    with pytest.raises(TooLarge):
        await fetch({"/": big}, "/", FetchPolicy(allow_private=True, max_bytes=10_000))


async def test_gzip_bomb_is_measured_after_decompression() -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    zeros = b"\0" * 1_000_000
    bomb = b"".join(compressor.compress(zeros) for _ in range(20)) + compressor.flush()  # 20 MB inflated
    max_bytes = 1_000_000
    assert len(bomb) < max_bytes // 10  # on the wire it is tiny: only the decompressed count can catch it

    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})

    with pytest.raises(TooLarge):
        await fetch({"/": handler}, "/", FetchPolicy(allow_private=True, max_bytes=max_bytes))


async def test_gzip_page_is_decompressed_and_counted_decompressed() -> None:
    body = (ARTICLE * 50).encode()

    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=gzip.compress(body), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})

    page = await fetch({"/": handler}, "/")
    assert page.html == ARTICLE * 50
    assert page.byte_count == len(body)


# Types


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("image/png", "The link points to an image, not an article."),
        ("image/svg+xml", "The link points to an image, not an article."),
        ("application/json", None),
        ("application/zip", "The link points to a file of type application/zip, not a web page or a document."),
        ("application/octet-stream", None),
    ],
)
async def test_non_html_types_are_unsupported(content_type: str, message: str | None) -> None:
    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.7 not html", headers={"Content-Type": content_type})

    with pytest.raises(UnsupportedType) as raised:
        await fetch({"/": handler}, "/")
    assert raised.value.code == "unsupported_type"
    if message is not None:
        assert raised.value.message == message


@pytest.mark.parametrize(
    ("path", "content_type", "kind"),
    [
        ("/paper", "application/pdf", "application/pdf"),
        ("/paper", "application/x-pdf", "application/pdf"),
        ("/files/report.PDF", "application/octet-stream", "application/pdf"),
        ("/notes", "text/plain; charset=utf-8", "text/plain"),
        ("/README.md", "text/plain; charset=utf-8", "text/markdown"),
        ("/notes", "text/markdown", "text/markdown"),
    ],
)
async def test_pdfs_and_text_documents_are_accepted(path: str, content_type: str, kind: str) -> None:
    """A PDF keeps its bytes (only the PDF reader decodes them); a text document is decoded like HTML."""
    body = b"%PDF-1.7 bytes" if kind == "application/pdf" else "Caf\u00e9 notes\n\nSecond paragraph.".encode()

    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": content_type})

    page = await fetch({path: handler}, path)
    assert page.content_type == kind
    if kind == "application/pdf":
        assert (page.body, page.html, page.byte_count) == (body, "", len(body))
    else:
        assert (page.body, page.html) == (b"", body.decode())


async def test_xhtml_is_accepted() -> None:
    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=ARTICLE.encode(), headers={"Content-Type": "application/xhtml+xml"})

    page = await fetch({"/": handler}, "/")
    assert page.content_type == "application/xhtml+xml"
    assert page.html == ARTICLE


def raw_response(
    headers: list[str], body: bytes
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request_head(reader)
        head = "\r\n".join(["HTTP/1.1 200 OK", *headers, f"Content-Length: {len(body)}", "Connection: close"])
        writer.write(head.encode() + b"\r\n\r\n" + body)
        await writer.drain()

    return handler


async def test_missing_content_type_is_sniffed_as_html() -> None:
    sniffable = raw_response([], b"\n  <!DOCTYPE html><html><p>sniffed</p></html>")
    async with serve_raw(sniffable) as base, Fetcher(LOCAL) as fetcher:
        page = await fetcher.fetch(f"{base}/")
    assert page.content_type == "text/html"
    assert "sniffed" in page.html


async def test_missing_content_type_with_binary_body_is_unsupported() -> None:
    async with serve_raw(raw_response([], b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")) as base, Fetcher(LOCAL) as fetcher:
        with pytest.raises(UnsupportedType):
            await fetcher.fetch(f"{base}/")


async def test_missing_content_type_with_a_pdf_body_is_a_pdf() -> None:
    body = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    async with serve_raw(raw_response([], body)) as base, Fetcher(LOCAL) as fetcher:
        page = await fetcher.fetch(f"{base}/download")
    assert (page.content_type, page.body, page.html) == ("application/pdf", body, "")


# Text encodings

RUSSIAN = "Съешь же ещё этих мягких французских булок, да выпей чаю."


async def test_charset_from_meta_tag_decodes_windows_1251() -> None:
    body = f'<html><head><meta charset="windows-1251"><title>t</title></head><body><p>{RUSSIAN}</p></body></html>'

    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=body.encode("cp1251"), headers={"Content-Type": "text/html"})

    page = await fetch({"/": handler}, "/")
    assert RUSSIAN in page.html
    assert page.charset == "cp1251"


async def test_charset_from_http_equiv_meta_decodes_koi8_r() -> None:
    body = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head>'
        f"<body><p>{RUSSIAN}</p></body></html>"
    )

    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=body.encode("koi8_r"), headers={"Content-Type": "text/html"})

    page = await fetch({"/": handler}, "/")
    assert RUSSIAN in page.html


async def test_header_charset_is_used() -> None:
    async def handler(_: web.Request) -> web.Response:
        return web.Response(
            body="<p>café</p>".encode("latin-1"), headers={"Content-Type": "text/html; charset=ISO-8859-1"}
        )

    page = await fetch({"/": handler}, "/")
    assert page.html == "<p>café</p>"


async def test_invalid_bytes_in_the_declared_charset_are_replaced_not_fatal() -> None:
    async def handler(_: web.Request) -> web.Response:
        body = b"<p>ok \xff\xfe broken \xc3( end</p>"
        return web.Response(body=body, headers={"Content-Type": "text/html; charset=utf-8"})

    page = await fetch({"/": handler}, "/")
    assert page.html.startswith("<p>ok ")
    assert page.html.endswith(" end</p>")
    assert "\ufffd" in page.html
    assert page.charset == "utf-8"


async def test_undeclared_encoding_is_detected() -> None:
    body = f"<html><body><p>{RUSSIAN * 5}</p></body></html>"

    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=body.encode("cp1251"), headers={"Content-Type": "text/html"})

    page = await fetch({"/": handler}, "/")
    assert RUSSIAN in page.html


# Identity and connections


async def test_server_sees_a_browser_like_user_agent_naming_linkbrief() -> None:
    log = RequestLog()
    app = log.app()
    app.router.add_get("/", article)
    async with serve_app(app) as base, Fetcher(LOCAL) as fetcher:
        await fetcher.fetch(f"{base}/")
    user_agent = log.headers[0]["User-Agent"]
    assert "linkbrief" in user_agent
    assert user_agent.startswith("Mozilla/5.0")
    assert "text/html" in log.headers[0]["Accept"]


async def test_connections_are_reused_across_fetches() -> None:
    peers: list[object] = []

    async def handler(request: web.Request) -> web.Response:
        assert request.transport is not None
        peers.append(request.transport.get_extra_info("peername"))
        return html()

    app = web.Application()
    app.router.add_get("/{n}", handler)
    async with serve_app(app) as base, Fetcher(LOCAL) as fetcher:
        await fetcher.fetch(f"{base}/1")
        await fetcher.fetch(f"{base}/2")
    assert len(peers) == 2
    assert peers[0] == peers[1]  # same client socket


async def test_refused_connection_is_a_bad_url_with_a_human_message() -> None:
    with socket.socket() as placeholder:  # a port that is certainly free, then closed: nothing listens there
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    async with Fetcher(LOCAL) as fetcher:
        with pytest.raises(BadURL) as raised:
            await fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert raised.value.message == "The site 127.0.0.1 refused the connection."


async def test_connection_cut_mid_body_is_a_bad_url() -> None:
    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>only part")
        await writer.drain()

    async with serve_raw(cut) as base, Fetcher(LOCAL) as fetcher:
        with pytest.raises(BadURL) as raised:
            await fetcher.fetch(f"{base}/")
    assert "broke" in raised.value.message


def test_policy_from_settings_carries_every_limit() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        fetch_allow_private=True,
        fetch_timeout=7.5,
        fetch_max_bytes=123_456,
        fetch_max_redirects=2,
        fetch_concurrency=3,
    )
    policy = FetchPolicy.from_settings(settings)
    assert policy == FetchPolicy(
        allow_private=True,
        timeout=7.5,
        max_bytes=123_456,
        max_redirects=2,
        user_agent=settings.user_agent,
        concurrency=3,
    )
    assert "linkbrief" in FetchPolicy().user_agent


async def test_proxy_settings_in_the_environment_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment would make the proxy, not linkbrief, choose where to connect."""
    origin_log, proxy_log = RequestLog(), RequestLog()
    origin, proxy = origin_log.app(), proxy_log.app()
    origin.router.add_get("/", article)
    proxy.router.add_route("*", "/{tail:.*}", article)
    async with serve_app(origin) as origin_base, serve_app(proxy) as proxy_base:
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy_base)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        async with Fetcher(LOCAL) as fetcher:
            await fetcher.fetch(f"{origin_base}/")
    assert origin_log.paths == ["/"]
    assert proxy_log.paths == []


async def test_concurrency_is_bounded_by_the_policy() -> None:
    in_flight = 0
    most = 0

    async def slow(_: web.Request) -> web.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.2)
        in_flight -= 1
        return html()

    app = web.Application()
    app.router.add_get("/{n}", slow)
    async with serve_app(app) as base, Fetcher(FetchPolicy(allow_private=True, concurrency=2)) as fetcher:
        pages = await asyncio.gather(*(fetcher.fetch(f"{base}/{n}") for n in range(5)))
    assert [page.html for page in pages] == [ARTICLE] * 5
    assert most == 2
