"""Which payload URLs a webhook may call: never this host's or its network's neighbours, by default.

Checked when a subscription is saved and again before every delivery (a name can be re-pointed later).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class RefusedUrl(Exception):
    pass


def _forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or getattr(ip, "is_site_local", False)
    )


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


async def check_destination(url: str, *, allow_private: bool) -> None:
    """Raise RefusedUrl unless every address the URL's host resolves to is a public one (or allowed)."""
    host, port = check_shape(url)
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise RefusedUrl(f"host {host!r} does not resolve") from exc
    for info in infos:
        if _forbidden(str(info[4][0])):
            raise RefusedUrl(
                f"resolves to a loopback, private or link-local address ({info[4][0]}); "
                "set CONTACTNOTES_WEBHOOKS_ALLOW_PRIVATE_URLS=true to allow it"
            )
