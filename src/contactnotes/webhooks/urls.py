"""Which payload URLs a webhook may call: never this host's or its network's neighbours, by default.

Checked when a subscription is saved (a clear 400) and again on every connection a delivery makes: the name
is resolved once, every address is checked, and the connection goes to the address that was checked (see
`GuardedBackend`), so a name that answers a public address to the check and a private one a moment later
(DNS rebinding) reaches nothing it should not.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# NAT64's well-known prefix (RFC 6052): 64:ff9b::a.b.c.d reaches a.b.c.d through a translator.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IPv4-compatible addresses (deprecated, RFC 4291): ::a.b.c.d.
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class RefusedUrl(Exception):
    pass


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: IPv4-mapped, 6to4 (2002::/16), Teredo (the server and the
    client, 2001::/32), NAT64 (64:ff9b::/96) and IPv4-compatible forms reach them."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)]
    return []


def _global(ip: IPAddress) -> bool:
    # is_global alone calls multicast and IPv6 site-local (fec0::/10) addresses global.
    return ip.is_global and not (ip.is_multicast or getattr(ip, "is_site_local", False))


def is_public(address: str) -> bool:
    """Whether a webhook may connect to `address`: a globally reachable one, judged by the IPv4 address inside
    when it is an IPv6 form that embeds one (`ipaddress` alone calls 2002:7f00:1::, 6to4 of 127.0.0.1, global).
    100.64.0.0/10 (carrier-grade NAT, where some clouds put their metadata service) is not global."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inside = embedded_ipv4(ip)
        if inside:
            return all(_global(v4) for v4 in inside)
    return _global(ip)


def check_shape(url: str) -> tuple[str, int]:
    """The host and port of an http(s) URL, or RefusedUrl saying what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise RefusedUrl("must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise RefusedUrl("must not carry credentials; use the secret to authenticate deliveries")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise RefusedUrl("has an invalid port") from exc
    return parts.hostname, port


def _refused(address: str) -> RefusedUrl:
    return RefusedUrl(
        f"resolves to an address that is not public ({address}); "
        "set CONTACTNOTES_WEBHOOKS_ALLOW_PRIVATE_URLS=true to allow it"
    )


async def checked_address(host: str, port: int, allowed: Callable[[str], bool] = is_public) -> str:
    """Resolve `host` once and return the address to connect to, or RefusedUrl when any address it resolves to
    is not public (a name with one private address among public ones is refused whole)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise RefusedUrl(f"host {host!r} does not resolve") from exc
    addresses: Iterable[str] = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not allowed(address):
            raise _refused(address)
    return next(iter(addresses))


async def check_destination(url: str, *, allow_private: bool) -> None:
    """Raise RefusedUrl unless every address the URL's host resolves to is a public one (or allowed)."""
    host, port = check_shape(url)
    if not allow_private:
        await checked_address(host, port)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, but a TCP connection goes only to an address `checked_address` approved:
    the host is resolved here, once, and the socket is opened to that very address. TLS still names the host
    (httpcore passes the URL's host as SNI to start_tls), and the Host header is the request's own."""

    def __init__(self, *, allow_private: bool, allowed: Callable[[str], bool] = is_public) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private
        self._allowed = allowed

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = host
        if not self._allow_private:
            try:
                async with asyncio.timeout(timeout):  # the connect timeout covers the look-up too
                    address = await checked_address(host, port, self._allowed)
            except TimeoutError as exc:
                raise httpcore.ConnectTimeout(f"resolving {host!r} timed out") from exc
        return await self._inner.connect_tcp(
            address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise RefusedUrl("must be an http:// or https:// URL with a host")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_client(
    *,
    timeout: float,
    allow_private: bool,
    allowed: Callable[[str], bool] = is_public,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncClient:
    """An HTTP client whose every connection passes the address check (`allowed`). No redirects (a receiver
    cannot bounce a signed payload elsewhere) and no proxy from the environment (it would connect on our
    behalf). `ssl_context`: the certificates to trust, default the system's."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx's own transport (request and error mapping), its connection pool rebuilt with the guarded backend:
    # httpx takes no network backend itself.
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)  # httpx's
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(allow_private=allow_private, allowed=allowed),
    )
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False)
