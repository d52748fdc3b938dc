"""Real HTTP servers on loopback for tests: `async with serve_app(app) as base_url: ...`.

Tests talk to real aiohttp servers instead of mocks, so every behaviour of the client (redirects, timeouts,
compression, connection reuse, the address guard) is exercised for real. Servers bind only to loopback
addresses: tests never send traffic anywhere else, not even to an address the code under test should refuse.

pytest puts `tests/` on `sys.path`, so any test file can `from localserver import serve_app, RequestLog`
(`serve_raw` is there for byte-level responses an aiohttp app cannot produce; `StaticResolver` gives test servers
host names without real DNS).

The whole 127.0.0.0/8 block is loopback on Linux, so `SECOND_LOOPBACK` (127.0.0.2) works as a "different
host" without any network set-up; bind a second app there with the same port as the first when a test needs
"same port, other address" (see `port_of`).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict
from yarl import URL

LOOPBACK = "127.0.0.1"
SECOND_LOOPBACK = "127.0.0.2"
IPV6_LOOPBACK = "::1"

_LOOPBACK_HOSTS = frozenset({"localhost", IPV6_LOOPBACK})


def _require_loopback(host: str) -> None:
    if not (host in _LOOPBACK_HOSTS or host.startswith("127.")):
        raise ValueError(f"test servers bind to loopback only, not {host!r}")


@asynccontextmanager
async def serve_app(app: web.Application, *, host: str = LOOPBACK, port: int = 0) -> AsyncIterator[str]:
    """Run `app` on `host:port` (port 0: a free one) and yield its base URL without a trailing slash,
    e.g. `http://127.0.0.1:43121` or `http://[::1]:43121`.

    Handlers are cancelled when their client disconnects, so endless or slow responses end as soon as the
    client under test gives up, and shutdown does not wait for them.
    """
    _require_loopback(host)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_port = runner.addresses[0][1]
        url_host = f"[{host}]" if ":" in host else host
        yield f"http://{url_host}:{bound_port}"
    finally:
        await runner.cleanup()


def port_of(base_url: str) -> int:
    """The port of a URL yielded by `serve_app` (to bind a second server on the same port elsewhere)."""
    port = URL(base_url).port
    assert port is not None
    return port


@dataclass
class RequestLog:
    """Records every request an app receives, before any handler runs.

    Add it with `app = web.Application(middlewares=[log.middleware])`; then `log.paths` tells which requests
    actually arrived (for "this server was never contacted" assertions) and `log.headers` what was sent
    (case-insensitive, like real headers).
    """

    paths: list[str] = field(default_factory=list)
    headers: list[CIMultiDict[str]] = field(default_factory=list)

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        self.paths.append(request.path_qs)
        self.headers.append(request.headers.copy())
        return await handler(request)

    def app(self) -> web.Application:
        """A new application that records into this log."""
        return web.Application(middlewares=[self.middleware])


RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def serve_raw(handler: RawHandler, *, host: str = LOOPBACK, port: int = 0) -> AsyncIterator[str]:
    """Run a bare TCP server whose `handler(reader, writer)` writes whatever bytes it likes, and yield its
    base URL. For responses a well-behaved HTTP server refuses to produce (no Content-Type, malformed
    headers, a connection cut mid-body); `read_request_head` reads the request first."""
    _require_loopback(host)

    async def run(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await handler(reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(run, host, port)
    try:
        bound_port = server.sockets[0].getsockname()[1]
        url_host = f"[{host}]" if ":" in host else host
        yield f"http://{url_host}:{bound_port}"
    finally:
        server.close()
        await server.wait_closed()


async def read_request_head(reader: asyncio.StreamReader) -> bytes:
    """Read one request's line and headers (up to the blank line) from a raw connection."""
    return await reader.readuntil(b"\r\n\r\n")


class StaticResolver(AbstractResolver):
    """A DNS resolver answering from a fixed table (unknown names fail like NXDOMAIN), recording every name asked.

    Pass it where code accepts an aiohttp resolver (e.g. `Fetcher(policy, resolver=...)`) to give test servers
    realistic names (`http://news.test:PORT/`) without touching real DNS. Map names to loopback addresses only
    when a connection may follow; other addresses are for tests that check they are refused before connecting.
    """

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []
        self.closed = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.table[host]
        ]

    async def close(self) -> None:
        self.closed = True
