"""Webhook payload URLs reach public addresses only: every embedding of a private IPv4 address is unwrapped, and a
delivery connects to the very address that was checked (no second DNS answer can redirect it)."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from contactnotes.app import create_app, job_context
from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from contactnotes.webhooks import delivery
from contactnotes.webhooks.urls import RefusedUrl, guarded_client, is_public
from tests.events.conftest import subscribe, work
from tests.events.receiver import Receiver
from tests.factories import World

ADDRESSES: list[tuple[str, bool, str]] = [
    ("93.184.215.14", True, "a public IPv4 address"),
    ("2606:4700:4700::1111", True, "a public IPv6 address"),
    ("::ffff:8.8.8.8", True, "IPv4-mapped public"),
    ("2002:808:808::1", True, "6to4 of a public address"),
    ("64:ff9b::808:808", True, "NAT64 of a public address"),
    ("127.0.0.1", False, "loopback"),
    ("10.1.2.3", False, "private"),
    ("172.16.0.1", False, "private"),
    ("192.168.1.1", False, "private"),
    ("169.254.169.254", False, "link-local (cloud metadata)"),
    ("100.64.0.1", False, "carrier-grade NAT (100.64.0.0/10)"),
    ("100.100.100.200", False, "carrier-grade NAT (a cloud's metadata service)"),
    ("0.0.0.0", False, "unspecified"),  # noqa: S104 (an address to refuse, not one to bind)
    ("224.0.0.1", False, "multicast"),
    ("240.0.0.1", False, "reserved"),
    ("198.18.0.1", False, "benchmarking"),
    ("192.0.2.1", False, "documentation"),
    ("255.255.255.255", False, "broadcast"),
    ("::1", False, "IPv6 loopback"),
    ("::", False, "IPv6 unspecified"),
    ("fe80::1%eth0", False, "IPv6 link-local with a zone"),
    ("fc00::1", False, "unique local"),
    ("fec0::1", False, "site-local (deprecated, still routed by some stacks)"),
    ("ff02::1", False, "IPv6 multicast"),
    ("2001:db8::1", False, "IPv6 documentation"),
    ("::ffff:127.0.0.1", False, "IPv4-mapped loopback"),
    ("::ffff:169.254.169.254", False, "IPv4-mapped link-local"),
    ("2002:7f00:1::", False, "6to4 of 127.0.0.1 (ipaddress calls it global)"),
    ("2002:a9fe:a9fe::1", False, "6to4 of 169.254.169.254"),
    ("2002:6440:1::", False, "6to4 of 100.64.0.1"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False, "Teredo (client 192.0.2.45)"),
    ("2001:0:7f00:1:8000:63bf:3fff:fdd2", False, "Teredo with a loopback server"),
    ("64:ff9b::7f00:1", False, "NAT64 of 127.0.0.1"),
    ("64:ff9b::a9fe:a9fe", False, "NAT64 of 169.254.169.254"),
    ("64:ff9b::a00:1", False, "NAT64 of 10.0.0.1"),
    ("::7f00:1", False, "IPv4-compatible 127.0.0.1"),
    ("::a9fe:a9fe", False, "IPv4-compatible 169.254.169.254"),
]


@pytest.mark.parametrize(("address", "public", "what"), ADDRESSES, ids=[a[2] for a in ADDRESSES])
def test_address_table(address: str, public: bool, what: str) -> None:
    assert is_public(address) is public, what


@pytest.mark.parametrize(
    "url",
    ["http://100.64.0.1/hook", "http://[2002:7f00:1::]/hook", "http://[64:ff9b::a9fe:a9fe]/latest",
     "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "http://[::7f00:1]:8080/", "http://[fec0::1]/",
     "http://224.0.0.1/"],
)  # fmt: skip
async def test_embedded_and_shared_addresses_are_refused_on_both_dialects(
    url: str, database: Database, settings: Settings, world: World
) -> None:
    strict = settings.model_copy(update={"webhooks_allow_private_urls": False})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(strict, database)), base_url="http://t"
    ) as c:
        tether = await c.post("/api/webhooks", json={"url": url}, headers=world.ada.headers)
        virtuous = await c.post(
            "/api/Webhook", json={"payloadUrl": url, "secret": "s" * 20, "contactNoteCreate": True},
            headers=world.ada.headers,
        )  # fmt: skip
    assert tether.status_code == 400 and [e["field"] for e in tether.json()["errors"]] == ["url"], tether.text
    assert virtuous.status_code == 400 and [d["field"] for d in virtuous.json()["error"]["details"]] == ["payloadUrl"]


async def test_a_delivery_checks_the_address_it_connects_to(
    client: httpx.AsyncClient, database: Database, settings: Settings, world: World, receiver: Receiver
) -> None:
    """A subscription saved while loopback was allowed: once it is not, the worker's connection is refused and
    the real receiver gets nothing (the name is resolved by the connection itself)."""
    hook = await subscribe(client, world.ada.headers, receiver.url().replace("127.0.0.1", "localhost"))
    created = await client.post(
        "/api/contact-notes", json={"contactId": world.contact.oid, "note": "hi"}, headers=world.alice.headers
    )
    assert created.status_code == 201
    strict = settings.model_copy(update={"webhooks_allow_private_urls": False})
    await work(strict, database)
    await work(strict, database)
    assert receiver.received == []
    log = await client.get(f"/api/webhooks/{hook['_id']}/deliveries", headers=world.ada.headers)
    [entry] = log.json()["data"]
    assert entry["status"] == "failed" and "not public" in entry["lastError"], entry


async def test_dns_rebinding_cannot_redirect_a_delivery(
    database: Database, settings: Settings, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that answers a public address to the check and loopback afterwards (DNS rebinding). No DNS server
    can be run for this test, so the system resolver is replaced by one that rebinds; the receiver is real."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if (host.decode() if isinstance(host, bytes) else host) != "rebind.example":  # anyio passes IDNA bytes
            return real(host, port, *args, **kwargs)
        asked.append(host)
        answer = "93.184.215.14" if len(asked) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answer, int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    strict = settings.model_copy(update={"webhooks_allow_private_urls": False, "webhook_timeout_seconds": 1})
    context = job_context(strict, database)
    try:
        outcome = await delivery.post(context, f"http://rebind.example:{receiver.port}/hook", b"{}", {})
    finally:
        await context.close()
    assert receiver.received == []  # the connection went to the address checked, not to loopback
    assert asked == ["rebind.example"]  # resolved once
    assert not outcome.delivered


@contextmanager
def tls_receiver(tmp_path: Path, name: str) -> Iterator[tuple[int, Path, list[dict[str, str]]]]:
    """A real HTTPS server on loopback with a self-signed certificate for `name` (made by the openssl tool);
    records each request's TLS server name (SNI) and Host header."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    seen: list[dict[str, str]] = []
    server_names: list[str] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, server_name, _ctx: server_names.append(server_name or "")  # type: ignore[assignment,func-returns-value]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            seen.append({"sni": server_names[-1] if server_names else "", "host": self.headers.get("Host", "")})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], cert, seen
    finally:
        server.shutdown()
        server.server_close()


async def test_the_pinned_connection_keeps_the_name_for_tls_and_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The socket goes to the checked address, yet the certificate is verified for the name, the TLS server name
    is the name and so is the Host header: pinning changes where the client connects, nothing it says."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def resolver(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if (host.decode() if isinstance(host, bytes) else host) != "hooks.example":
            return real(host, port, *args, **kwargs)
        asked.append("hooks.example")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with tls_receiver(tmp_path, "hooks.example") as (port, cert, seen):
        trust = ssl.create_default_context(cafile=str(cert))
        # Loopback stands in for "public" here, since a test can only listen there; everything else is refused.
        client = guarded_client(
            timeout=5, allow_private=False, allowed=lambda address: address == "127.0.0.1", ssl_context=trust
        )
        async with client:
            response = await client.post(f"https://hooks.example:{port}/hook", content=b"{}")
            assert response.status_code == 204
            refused = guarded_client(timeout=5, allow_private=False, ssl_context=trust)
            async with refused:
                with pytest.raises(RefusedUrl):
                    await refused.post(f"https://hooks.example:{port}/hook", content=b"{}")
    assert seen == [{"sni": "hooks.example", "host": f"hooks.example:{port}"}]
    assert asked == ["hooks.example", "hooks.example"]  # once per connection
