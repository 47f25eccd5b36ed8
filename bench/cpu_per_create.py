"""CPU time per create, in the application's process, for an ASGI app driven in-process (no HTTP server).

    python -m bench.cpu_per_create APP DSN TOKEN CONTACT MENTION [--creates N] [--concurrency C] [--profile FILE]
                                   [--get PATH]

APP is `contactnotes` (the real app, on the database of DSN) or an ASGI app path such as
`bench.ceiling:app`. Throughput on a shared 2-core machine moves with everyone else's load; the CPU one
create costs the process moves far less, so it is what this measures: process time (user + system) over N
creates sent C at a time, after a warm-up. With --profile, cProfile's statistics are written to FILE. With
--get PATH (a path and query string, such as `/api/contact-notes/search?q=tax+review`), N reads of PATH are
measured instead of creates.

The HTTP server's share (uvicorn parsing the request and writing the answer, about 0.1 ms, the same for every
app) is not included: the requests are ASGI calls.
"""

from __future__ import annotations

import asyncio
import cProfile
import importlib
import json
import os
import random
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import typer

from bench.load import WORDS

Scope = dict[str, Any]
App = Callable[[Scope, Callable[[], Awaitable[dict[str, Any]]], Callable[[dict[str, Any]], Awaitable[None]]], Any]


def load_app(name: str, dsn: str) -> tuple[App, str]:
    if name == "contactnotes":
        os.environ["CONTACTNOTES_DATABASE_URL"] = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
        for limit in ("TETHER_USER", "TETHER_ORG", "VIRTUOUS"):
            os.environ[f"CONTACTNOTES_{limit}_RATE_LIMIT"] = str(10**9)
        from contactnotes.app import create_app

        return create_app(), "/api/contact-notes"
    os.environ["BENCH_DSN"] = dsn
    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute), "/create"


async def call(app: App, path: str, token: str, body: bytes | None) -> int:
    """POST `body` to `path`, or GET `path` (with its query string) when body is None."""
    path, _, query = path.partition("?")
    scope: Scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST" if body else "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"bench"), (b"content-type", b"application/json"),
                    (b"authorization", f"Bearer {token}".encode()), (b"content-length", str(len(body or b"")).encode())],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body or b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def run(
    app: App,
    path: str,
    token: str,
    contact: str,
    mention: str,
    creates: int,
    concurrency: int,
    profile: str | None,
    get: str | None = None,
) -> dict[str, float]:
    rng = random.Random(1)

    def body() -> bytes | None:
        if get:
            return None
        words = " ".join(rng.choices(WORDS, k=rng.randrange(8, 40)))
        return json.dumps({"contactId": contact, "note": f"@u1 {words}", "mentions": [mention]}).encode()

    async def batch(n: int) -> list[int]:
        queue = list(range(n))
        statuses: list[int] = []

        async def worker() -> None:
            while queue:
                queue.pop()
                statuses.append(await call(app, get or path, token, body()))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return statuses

    lifespan = app.router.lifespan_context(app) if hasattr(app, "router") else None  # type: ignore[attr-defined]
    if lifespan is not None:
        await lifespan.__aenter__()
    try:
        await batch(200)  # warm-up: connections, prepared statements, caches
        profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not wall, time
        before, wall = os.times(), time.perf_counter()
        if profiler:
            profiler.enable()
        statuses = await batch(creates)
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)  # type: ignore[arg-type]
        after, wall = os.times(), time.perf_counter() - wall
    finally:
        if lifespan is not None:
            await lifespan.__aexit__(None, None, None)
    failed = sum(1 for s in statuses if not 200 <= s < 300)
    user, system = after.user - before.user, after.system - before.system
    return {
        "cpu_ms_per_create": round(1000 * (user + system) / creates, 3),
        "user_ms": round(1000 * user / creates, 3),
        "system_ms": round(1000 * system / creates, 3),
        "wall_s": round(wall, 2),
        "failed": failed,
        "creates": creates,
    }


def main(
    app: str,
    dsn: str,
    token: str,
    contact: str,
    mention: str,
    creates: Annotated[int, typer.Option()] = 2000,
    concurrency: Annotated[int, typer.Option()] = 8,
    profile: Annotated[str | None, typer.Option()] = None,
    get: Annotated[str | None, typer.Option(help="Measure GETs of this path (and query) instead of creates")] = None,
) -> None:
    asgi, path = load_app(app, dsn)
    result = asyncio.run(run(asgi, path, token, contact, mention, creates, concurrency, profile, get))
    print(json.dumps(result))


if __name__ == "__main__":
    typer.run(main)
