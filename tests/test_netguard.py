"""The address guard: which addresses linkbrief refuses, in every spelling, at every layer.

Address checks run without connecting anywhere. The resolver hook is exercised with a fake inner resolver, and
only loopback servers are ever connected to: the names a fake resolver hands out map to 127.0.0.x or ::1, with an
explicit allow-list (`allowed_networks`) standing in for "public" so that a real connection can show which
address was, and which was not, contacted.
"""

from __future__ import annotations

import socket
from ipaddress import ip_address, ip_network

import aiohttp
import pytest
from aiohttp import web
from localserver import IPV6_LOOPBACK, SECOND_LOOPBACK, RequestLog, StaticResolver, port_of, serve_app

from bot.errors import BadURL, BlockedAddress
from bot.pipeline.fetch import Fetcher, FetchPolicy
from bot.pipeline.netguard import (
    BlockedConnectionError,
    GuardedResolver,
    check_address,
    guarded_socket_factory,
    is_public_address,
    parse_ip_literal,
)

NON_PUBLIC = [
    "127.0.0.1",
    "127.255.255.254",
    "::1",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "192.168.255.255",
    "169.254.169.254",
    "169.254.0.1",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "::",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.0.9",
    "192.0.2.1",
    "198.51.100.7",
    "203.0.113.9",
    "198.18.0.1",
    "192.88.99.1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%eth0",
    "fec0::1",
    "ff02::1",
    "2001:db8::1",
    "3fff::1",
    "100::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:0.0.0.0",
    "::127.0.0.1",  # IPv4-compatible
    "::ffff:0:a00:1",  # SIIT IPv4-translated 10.0.0.1
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b:1::1",  # local-use NAT64
]

PUBLIC = [
    "93.184.215.14",
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700::1111",
    "2a00:1450:4001:82a::200e",
    "::ffff:93.184.215.14",  # IPv4-mapped form of a public address
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8: what DNS64 hands out on IPv6-only hosts
    "2002:5db8:d70e::1",  # 6to4 of 93.184.215.14
]


@pytest.mark.parametrize("text", NON_PUBLIC)
def test_non_public_addresses_are_refused(text: str) -> None:
    ip = ip_address(text)
    assert not is_public_address(ip)
    with pytest.raises(BlockedAddress) as raised:
        check_address(ip, allow_private=False)
    assert "private or local network" in raised.value.message


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_pass_the_check(text: str) -> None:
    ip = ip_address(text)
    assert is_public_address(ip)
    check_address(ip, allow_private=False)  # no connection is made: a pure check


def test_allow_private_lets_everything_through() -> None:
    for text in ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "::ffff:127.0.0.1"]:
        check_address(ip_address(text), allow_private=True)


def test_allowed_networks_allow_exactly_the_listed_range() -> None:
    allowed = (ip_network("127.0.0.1/32"),)
    check_address(ip_address("127.0.0.1"), allow_private=False, allowed_networks=allowed)
    check_address(ip_address("::ffff:127.0.0.1"), allow_private=False, allowed_networks=allowed)
    for text in ["127.0.0.2", "::1", "10.0.0.1"]:
        with pytest.raises(BlockedAddress):
            check_address(ip_address(text), allow_private=False, allowed_networks=allowed)


def test_mapped_address_is_shown_as_the_ipv4_it_stands_for() -> None:
    with pytest.raises(BlockedAddress) as raised:
        check_address(ip_address("::ffff:127.0.0.1"), allow_private=False)
    assert "(127.0.0.1)" in raised.value.message


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f000001", "127.0.0.1"),  # hex
        ("0X7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("017700000001", "127.0.0.1"),  # octal, one part
        ("127.1", "127.0.0.1"),  # short
        ("0x7f.1", "127.0.0.1"),  # mixed
        ("10.1", "10.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),  # trailing dot
        ("0", "0.0.0.0"),
        ("3232235777", "192.168.1.1"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("[fe80::1%25eth0]", "fe80::1%eth0"),
    ],
)
def test_every_ip_spelling_is_recognised(host: str, expected: str) -> None:
    assert parse_ip_literal(host) == ip_address(expected)


@pytest.mark.parametrize(
    "host",
    ["example.com", "localhost", "cafe.babe", "1.2.3.4.5", "127.0.0.1 evil", "4294967296", "[example.com]", "", "0x"],
)
def test_names_are_not_ip_literals(host: str) -> None:
    assert parse_ip_literal(host) is None


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "[::1]", "[::ffff:10.0.0.1]"])
def test_spelled_loopback_and_private_literals_are_refused(host: str) -> None:
    ip = parse_ip_literal(host)
    assert ip is not None
    with pytest.raises(BlockedAddress):
        check_address(ip, allow_private=False)


RESOLVER_TABLE = {
    "internal.test": ["10.0.0.5"],
    "metadata.test": ["169.254.169.254"],
    "mixed.test": ["10.0.0.5", "93.184.215.14", "fe80::1", "2606:4700::1111", "::ffff:192.168.0.1"],
    "empty.test": [],
}


@pytest.mark.parametrize("name", ["internal.test", "metadata.test"])
async def test_resolver_refuses_names_with_only_private_addresses(name: str) -> None:
    resolver = GuardedResolver(allow_private=False, resolver=StaticResolver(RESOLVER_TABLE))
    with pytest.raises(BlockedAddress) as raised:
        await resolver.resolve(name, 80)
    assert name in raised.value.message
    # The bot's view of internal DNS is not echoed back to whoever shared the link.
    assert RESOLVER_TABLE[name][0] not in raised.value.message


async def test_resolver_keeps_only_the_public_addresses_of_a_mixed_answer() -> None:
    resolver = GuardedResolver(allow_private=False, resolver=StaticResolver(RESOLVER_TABLE))
    results = await resolver.resolve("mixed.test", 443)
    assert [r["host"] for r in results] == ["93.184.215.14", "2606:4700::1111"]
    assert all(r["port"] == 443 for r in results)


async def test_resolver_passes_everything_when_private_is_allowed() -> None:
    resolver = GuardedResolver(allow_private=True, resolver=StaticResolver(RESOLVER_TABLE))
    results = await resolver.resolve("mixed.test", 80)
    assert len(results) == len(RESOLVER_TABLE["mixed.test"])


async def test_resolver_honours_allowed_networks() -> None:
    inner = StaticResolver(RESOLVER_TABLE)
    resolver = GuardedResolver(allow_private=False, resolver=inner, allowed_networks=[ip_network("10.0.0.0/24")])
    results = await resolver.resolve("mixed.test", 80)
    assert [r["host"] for r in results] == ["10.0.0.5", "93.184.215.14", "2606:4700::1111"]
    with pytest.raises(BlockedAddress):
        await resolver.resolve("metadata.test", 80)


async def test_resolver_turns_an_empty_answer_into_a_lookup_failure_and_closes_its_inner_resolver() -> None:
    inner = StaticResolver(RESOLVER_TABLE)
    resolver = GuardedResolver(allow_private=False, resolver=inner)
    with pytest.raises(socket.gaierror):
        await resolver.resolve("empty.test", 80)
    with pytest.raises(socket.gaierror):
        await resolver.resolve("unknown.test", 80)
    await resolver.close()
    assert inner.closed


def test_socket_factory_refuses_before_a_socket_exists() -> None:
    factory = guarded_socket_factory(allow_private=False)
    for family, sockaddr in [
        (socket.AF_INET, ("127.0.0.1", 80)),
        (socket.AF_INET, ("169.254.169.254", 80)),
        (socket.AF_INET6, ("::ffff:10.0.0.1", 80, 0, 0)),
        (socket.AF_INET6, ("fe80::1", 80, 0, 2)),
    ]:
        with pytest.raises(BlockedConnectionError):
            factory((family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr))
    allowed = guarded_socket_factory(allow_private=False, allowed_networks=[ip_network("127.0.0.1/32")])
    sock = allowed((socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", 80)))
    sock.close()  # created, never connected


async def _secret_page(_: web.Request) -> web.Response:
    return web.Response(text="<p>internal</p>", content_type="text/html")


async def test_socket_factory_stops_aiohttp_connecting_to_a_refused_address() -> None:
    """The last line of defence on its own: a plain aiohttp session that skips our resolver and URL checks
    still cannot reach loopback through the factory."""
    log = RequestLog()
    app = log.app()
    app.router.add_get("/", _secret_page)
    async with serve_app(app) as base:
        connector = aiohttp.TCPConnector(socket_factory=guarded_socket_factory(allow_private=False))
        async with aiohttp.ClientSession(connector=connector) as session:
            with pytest.raises(aiohttp.ClientConnectorError) as raised:
                await session.get(f"{base}/")
    assert isinstance(raised.value.os_error, BlockedConnectionError)
    assert log.paths == []


# Real connections: loopback targets only. With allow_private off every one of them is refused before any
# request reaches the server.


def _secret_app(log: RequestLog) -> web.Application:
    app = log.app()
    app.router.add_route("*", "/{tail:.*}", _secret_page)
    return app


@pytest.mark.parametrize(
    "spelling",
    ["127.0.0.1", "localhost", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]", "[::1]"],
)
async def test_fetcher_refuses_loopback_in_any_spelling(spelling: str) -> None:
    log = RequestLog()
    async with serve_app(_secret_app(log)) as base, Fetcher(FetchPolicy(allow_private=False)) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.fetch(f"http://{spelling}:{port_of(base)}/")
    assert log.paths == []


async def test_fetcher_refuses_a_name_that_resolves_to_a_private_address() -> None:
    log = RequestLog()
    async with serve_app(_secret_app(log)) as base:
        port = port_of(base)
        resolver = StaticResolver({"intranet.test": ["127.0.0.1"]})
        async with Fetcher(FetchPolicy(), resolver=resolver) as fetcher:
            with pytest.raises(BlockedAddress) as raised:
                await fetcher.fetch(f"http://intranet.test:{port}/")
    assert "intranet.test" in raised.value.message
    assert resolver.asked == ["intranet.test"]
    assert log.paths == []


def _redirecting_app(log: RequestLog, location: str) -> web.Application:
    app = log.app()

    async def start(_: web.Request) -> web.Response:
        raise web.HTTPFound(location)

    app.router.add_get("/start", start)
    return app


ONLY_FIRST_LOOPBACK = FetchPolicy(allowed_networks=(ip_network("127.0.0.1/32"),))


@pytest.mark.parametrize("target_host", [SECOND_LOOPBACK, "internal.test", f"[{IPV6_LOOPBACK}]", "0x7f000002"])
async def test_redirect_to_a_refused_address_is_stopped_before_connecting(target_host: str) -> None:
    """127.0.0.1 plays the public site (allow-listed); the redirect points at other loopback addresses, which
    are listening on the same port but must never see a request."""
    entry_log, hidden_log, hidden6_log = RequestLog(), RequestLog(), RequestLog()
    async with serve_app(_secret_app(hidden_log), host=SECOND_LOOPBACK) as hidden:
        port = port_of(hidden)
        async with (
            serve_app(_secret_app(hidden6_log), host=IPV6_LOOPBACK, port=port),
            serve_app(_redirecting_app(entry_log, f"http://{target_host}:{port}/admin"), port=port) as entry,
        ):
            resolver = StaticResolver({"internal.test": [SECOND_LOOPBACK]})
            async with Fetcher(ONLY_FIRST_LOOPBACK, resolver=resolver) as fetcher:
                with pytest.raises(BlockedAddress):
                    await fetcher.fetch(f"{entry}/start")
    assert entry_log.paths == ["/start"]
    assert hidden_log.paths == []
    assert hidden6_log.paths == []


async def test_only_the_permitted_address_of_a_mixed_answer_is_connected_to() -> None:
    """A name answering with a refused address first and a permitted one second: the request goes to the
    permitted one, and the refused server on the same port never hears from us."""
    good_log, hidden_log = RequestLog(), RequestLog()
    async with serve_app(_secret_app(hidden_log), host=SECOND_LOOPBACK) as hidden:
        port = port_of(hidden)
        async with serve_app(_secret_app(good_log), port=port):
            resolver = StaticResolver({"site.test": [SECOND_LOOPBACK, "127.0.0.1"]})
            async with Fetcher(ONLY_FIRST_LOOPBACK, resolver=resolver) as fetcher:
                page = await fetcher.fetch(f"http://site.test:{port}/article")
    assert page.html == "<p>internal</p>"
    assert good_log.paths == ["/article"]
    assert hidden_log.paths == []


async def test_dns_failure_is_a_bad_url_naming_the_site() -> None:
    async with Fetcher(FetchPolicy(), resolver=StaticResolver({})) as fetcher:
        with pytest.raises(BadURL) as raised:
            await fetcher.fetch("http://no-such-site.test/")
    assert raised.value.message == "The site no-such-site.test could not be found (its name does not resolve)."
