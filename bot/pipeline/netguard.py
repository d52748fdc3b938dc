"""Which network addresses linkbrief may connect to, and the hooks that enforce it inside aiohttp.

linkbrief fetches URLs typed by anyone in a Slack channel, so a link is untrusted input that chooses where the
bot connects. Without a guard, `http://169.254.169.254/` reads cloud credentials and `http://10.0.0.5/admin` pokes
at the internal network (server-side request forgery). The rule is simple: connect only to public addresses.

The rule is enforced in three places because each one alone has a gap:

1. `parse_ip_literal` + `check_address` before a request: aiohttp never calls the resolver for a host that is
   already an IP literal, and legacy spellings (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`) are IP
   literals too, because the C library's `inet_aton` turns them into addresses.
2. `GuardedResolver`: every name is resolved through it, and it hands aiohttp only the permitted addresses. The
   addresses aiohttp connects to are exactly the ones this returns, so DNS rebinding (a name that answers
   "public" for a check and "private" for the connection) has no second lookup to exploit.
3. `guarded_socket_factory`: aiohttp creates every outgoing socket through it, with the exact address the socket
   is about to connect to. It is the last line: even if a future aiohttp skipped the resolver or changed how
   literals are handled, nothing non-public is ever connected to.

`allow_private` turns the whole guard off (tests, local development). `allowed_networks` is a narrower,
explicit allow-list that operators can use to let linkbrief read, say, an internal wiki at 10.20.0.0/16 while
everything else private stays refused; tests use it to allow exactly one loopback address.
"""

from __future__ import annotations

import errno
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from aiohttp import AddrInfoType, SocketFactoryType
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from bot.errors import BlockedAddress

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

# Ranges that are never a public web server, written out so the decision does not depend on the Python
# version's `ipaddress` tables (which changed across 3.11.x/3.12.x/3.13). `is_public_address` also consults
# `ipaddress`' own flags, so an address must pass both. Sources: the IANA IPv4/IPv6 special-purpose address
# registries (entries that are not "globally reachable"), plus multicast and reserved space.
_NON_PUBLIC_IPV4 = tuple(
    IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT shared space
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, incl. the cloud metadata service 169.254.169.254
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, incl. broadcast 255.255.255.255
    )
)
_NON_PUBLIC_IPV6 = tuple(
    IPv6Network(net)
    for net in (
        "::/128",  # unspecified
        "::1/128",  # loopback
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, incl. Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # SRv6 SIDs
        "fc00::/7",  # unique local (the IPv6 "private" range)
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)

# IPv6 ranges whose last 32 bits are an IPv4 address that a gateway or the kernel will actually reach: an
# IPv6 spelling of 127.0.0.1 must be judged as 127.0.0.1.
_IPV4_COMPATIBLE = IPv6Network("::/96")  # deprecated IPv4-compatible (::a.b.c.d)
_IPV4_TRANSLATED = IPv6Network("::ffff:0:0:0/96")  # SIIT IPv4-translated (RFC 2765)
_NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")  # DNS64/NAT64; normal on IPv6-only hosts, so unwrapped

# The spellings `inet_aton` accepts: one to four dot-separated parts, each decimal, octal (leading 0) or hex
# (0x). The pattern only gates which strings reach `inet_aton` (glibc's accepts "1.2.3.4 anything").
_IPV4_LEGACY_SPELLING = re.compile(r"(?:0[xX][0-9a-fA-F]*|[0-9]+)(?:\.(?:0[xX][0-9a-fA-F]*|[0-9]+)){0,3}")


def _embedded_ipv4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, when it is one of the embedding forms."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _IPV4_COMPATIBLE or ip in _IPV4_TRANSLATED or ip in _NAT64_WELL_KNOWN:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _in_any(ip: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    # `in` between different IP versions is not reliably False across Python versions: compare versions first.
    return any(ip.version == net.version and ip in net for net in networks)


def is_public_address(ip: IPv4Address | IPv6Address) -> bool:
    """True only for an address on the public internet, where a web page may legitimately live.

    False for loopback, private, link-local (169.254.169.254 included), multicast, reserved, unspecified,
    carrier-grade NAT (100.64/10), documentation and benchmarking ranges, and any IPv6 form that embeds such an
    IPv4 address (IPv4-mapped, IPv4-compatible, SIIT, 6to4, NAT64). Teredo is refused outright.
    """
    if isinstance(ip, IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public_address(embedded)
        if ip.scope_id is not None:  # a zone only makes sense for link-local/multicast
            return False
        non_public: tuple[IPNetwork, ...] = _NON_PUBLIC_IPV6
        flags_say_local = ip.is_site_local
    else:
        non_public = _NON_PUBLIC_IPV4
        flags_say_local = False
    if _in_any(ip, non_public):
        return False
    return ip.is_global and not (
        flags_say_local
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def parse_ip_literal(host: str) -> IPv4Address | IPv6Address | None:
    """The address a URL host names directly, or None when the host is a name that needs DNS.

    Accepts every spelling the system would connect to: dotted quads, IPv6 with or without brackets (and a
    `%25`-encoded zone), and the legacy IPv4 forms `inet_aton` accepts (`2130706433`, `0x7f000001`,
    `0177.0.0.1`, `127.1`), with or without one trailing dot.
    """
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
        bracketed = True
    else:
        bracketed = False
    if ":" in text:
        try:
            return IPv6Address(text.replace("%25", "%"))
        except ValueError:
            return None
    if bracketed:
        return None
    text = text.removesuffix(".")
    try:
        return IPv4Address(text)
    except ValueError:
        pass
    if not _IPV4_LEGACY_SPELLING.fullmatch(text):
        return None
    try:
        return IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """The address policy in one value: everything public, plus an explicit allow-list, or everything."""

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()

    def permits(self, ip: IPAddress) -> bool:
        if self.allow_private or is_public_address(ip):
            return True
        if _in_any(ip, self.allowed_networks):
            return True
        embedded = _embedded_ipv4(ip) if isinstance(ip, IPv6Address) else None
        return embedded is not None and _in_any(embedded, self.allowed_networks)

    def check(self, ip: IPAddress) -> None:
        if not self.permits(ip):
            shown = (ip.ipv4_mapped if isinstance(ip, IPv6Address) else None) or ip
            raise BlockedAddress(
                f"The link points to a private or local network address ({shown}), which linkbrief does not fetch."
            )


def check_address(
    ip: IPv4Address | IPv6Address,
    *,
    allow_private: bool,
    allowed_networks: Iterable[IPNetwork] = (),
) -> None:
    """Raise BlockedAddress (with a message for the person who shared the link) unless `ip` may be fetched."""
    AddressGuard(allow_private, tuple(allowed_networks)).check(ip)


def _parse_resolved(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


class GuardedResolver(AbstractResolver):
    """A resolver that returns only the addresses linkbrief may connect to.

    It wraps another resolver (aiohttp's ThreadedResolver, i.e. the system's getaddrinfo, by default) and drops
    every address the guard refuses. When a name resolves to nothing permitted it raises BlockedAddress, which
    aiohttp lets through unchanged, so the user learns "private network" rather than "could not connect". The
    resolved addresses are not echoed in the message: they describe the bot's own network, not the user's link.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        resolver: AbstractResolver | None = None,
        allowed_networks: Iterable[IPNetwork] = (),
    ) -> None:
        self._guard = AddressGuard(allow_private, tuple(allowed_networks))
        # ThreadedResolver wants a running loop when built, so the default is created on first use.
        self._inner = resolver

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if self._inner is None:
            self._inner = ThreadedResolver()
        results = await self._inner.resolve(host, port, family)
        if not results:
            # aiohttp treats an empty answer as a bug; say what it is: the name does not exist.
            raise socket.gaierror(socket.EAI_NONAME, f"no addresses for {host}")
        permitted = []
        for result in results:
            ip = _parse_resolved(result["host"])
            if ip is not None and self._guard.permits(ip):
                permitted.append(result)
        if not permitted:
            raise BlockedAddress(f"The site {host} is on a private or local network, which linkbrief does not fetch.")
        return permitted

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()


class BlockedConnectionError(OSError):
    """Raised by the socket factory. An OSError so aiohttp's connection machinery handles it like a refused
    connection; the message carries no address, so when several addresses are all refused, aiohappyeyeballs
    re-raises this very exception (it does so when all messages match) and the fetcher can recognise it."""

    def __init__(self, address: str) -> None:
        super().__init__(errno.EACCES, "connection to a non-public address refused by linkbrief")
        self.address = address


def guarded_socket_factory(*, allow_private: bool, allowed_networks: Iterable[IPNetwork] = ()) -> SocketFactoryType:
    """A `TCPConnector(socket_factory=...)` hook that refuses to create a socket for a non-permitted address.

    aiohttp calls it with the exact address info the new socket will connect to, for every new connection, so
    this checks the address actually connected to, whatever the resolver or URL said.
    """
    guard = AddressGuard(allow_private, tuple(allowed_networks))

    def create_socket(addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _canonname, sockaddr = addr_info
        ip = _parse_resolved(str(sockaddr[0]))
        if ip is None or not guard.permits(ip):
            raise BlockedConnectionError(str(sockaddr[0]))
        return socket.socket(family=family, type=type_, proto=proto)

    return create_socket
