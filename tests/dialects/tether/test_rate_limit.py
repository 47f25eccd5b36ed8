"""Per-user and per-organization rate limits on the TetherAI dialect: exactly the limit succeeds, the next
request is 429 in the dialect's shape with Retry-After and writes nothing, and one shared counter for
several app instances through Redis."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack

import httpx
import pytest
import redis

from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.ratelimit import RedisLimiter
from contactnotes.settings import Settings
from tests.conftest import REDIS_URL, require_redis
from tests.dialects.tether.support import assert_tether_error
from tests.factories import Persona, World

WINDOW = 3600


@pytest.fixture
async def limited(settings: Settings, database: Database) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """limited(user=N, org=M): a client of an app with those Tether limits (in-process counters)."""
    async with AsyncExitStack() as stack:

        def make(user: int, org: int) -> httpx.AsyncClient:
            app = create_app(
                settings.model_copy(update={"tether_user_rate_limit": user, "tether_org_rate_limit": org}), database
            )
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
            stack.push_async_callback(client.aclose)
            return client

        yield make


async def me(client: httpx.AsyncClient, persona: Persona) -> httpx.Response:
    return await client.get("/api/users/me", headers=persona.headers)


def assert_limited(response: httpx.Response, limit: int, scope: str) -> None:
    body = assert_tether_error(response, 429)
    assert f"Rate limit of {limit} requests per {scope}" in body["message"]
    assert 0 < int(response.headers["Retry-After"]) <= WINDOW
    assert response.headers["X-RateLimit-Limit"] == str(limit)
    assert response.headers["X-RateLimit-Remaining"] == "0"


async def notes_of(client: httpx.AsyncClient, world: World, persona: Persona) -> int:
    listed = await client.get(f"/api/contact-notes?contactId={world.contact.oid}", headers=persona.headers)
    assert listed.status_code == 200, listed.text
    return int(listed.json()["pagination"]["total"])


async def test_exactly_the_user_limit_then_429_with_retry_after(
    limited: Callable[..., httpx.AsyncClient], client: httpx.AsyncClient, world: World
) -> None:
    http = limited(user=3, org=1000)
    answers = [await me(http, world.alice) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    for answer in answers:
        assert answer.headers["X-RateLimit-Limit"] == "3"
        assert time.time() < int(answer.headers["X-RateLimit-Reset"]) <= time.time() + WINDOW + 1
    over = await http.post(
        "/api/contact-notes", json={"contactId": world.contact.oid, "note": "over"}, headers=world.alice.headers
    )
    assert_limited(over, 3, "user")
    assert await notes_of(client, world, world.bob) == 0  # the refused create wrote nothing
    # The limit is the user's: her teammate has his own allowance.
    bob = await me(http, world.bob)
    assert bob.status_code == 200 and bob.headers["X-RateLimit-Remaining"] == "2"
    # Without a usable token there is nobody to count: 401, no headers.
    anonymous = await http.get("/api/users/me")
    assert anonymous.status_code == 401 and "X-RateLimit-Limit" not in anonymous.headers


async def test_the_organization_limit_stops_every_member_and_no_other_organization(
    limited: Callable[..., httpx.AsyncClient], world: World
) -> None:
    http = limited(user=100, org=4)
    answers = [await me(http, p) for p in (world.alice, world.bob, world.alice, world.bob)]
    assert [a.status_code for a in answers] == [200] * 4
    # The headers speak of the limit with the least left: the organization's.
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["3", "2", "1", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"4"}
    for member in (world.alice, world.bob, world.ada):  # Ada has not sent a request yet: stopped all the same
        assert_limited(await me(http, member), 4, "organization")
    carol = await me(http, world.carol)
    assert carol.status_code == 200 and carol.headers["X-RateLimit-Remaining"] == "3"


async def test_a_refused_request_counts_against_neither_limit(
    limited: Callable[..., httpx.AsyncClient], world: World
) -> None:
    http = limited(user=3, org=5)
    assert [(await me(http, world.alice)).status_code for _ in range(6)] == [200, 200, 200, 429, 429, 429]
    # Alice's three refused requests did not use up the organization: Bob gets the two it has left, and
    # his third is refused by the organization's limit (his own has room).
    bob = [await me(http, world.bob) for _ in range(3)]
    assert [a.status_code for a in bob] == [200, 200, 429]
    assert_limited(bob[2], 5, "organization")


async def test_every_tether_route_is_counted_but_signed_links_are_not(
    limited: Callable[..., httpx.AsyncClient], world: World
) -> None:
    http = limited(user=4, org=1000)
    for path in ("/api/notifications", "/api/reminders", "/api/note-types", "/api/contacts"):
        assert (await http.get(path, headers=world.alice.headers)).status_code == 200
    hook = await http.get("/api/webhooks", headers=world.alice.headers)
    assert_limited(hook, 4, "user")
    # A signed link carries its own credential: no user to count, so neither counted nor refused.
    link = await http.get("/api/files/anything")
    assert link.status_code != 429 and "X-RateLimit-Limit" not in link.headers
    # The Virtuous dialect keeps its own per-organization counter.
    virtuous = await http.get("/api/ContactNote/Types", headers=world.alice.headers)
    assert virtuous.status_code == 200 and virtuous.headers["X-RateLimit-Limit"] == "5000"


async def test_a_limit_of_zero_is_off(limited: Callable[..., httpx.AsyncClient], world: World) -> None:
    only_org = limited(user=0, org=3)
    assert [(await me(only_org, world.alice)).status_code for _ in range(4)] == [200, 200, 200, 429]
    neither = limited(user=0, org=0)
    answers = [await me(neither, world.alice) for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert "X-RateLimit-Limit" not in answers[0].headers


# ---- Redis: shared by app instances, and not needed to serve ------------------------------------------


def _app_on(limiter: RedisLimiter, settings: Settings, database: Database) -> httpx.AsyncClient:
    app = create_app(settings, database)
    app.state.rate_limiter = limiter  # each instance its own connection pool, as separate processes would have
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def two_instances(settings: Settings, database: Database) -> AsyncIterator[list[httpx.AsyncClient]]:
    require_redis()
    prefix = f"test:{uuid.uuid4().hex}:"  # this test's counters only
    shared = settings.model_copy(update={"tether_user_rate_limit": 5, "tether_org_rate_limit": 8})
    limiters = [RedisLimiter(REDIS_URL, prefix=prefix), RedisLimiter(REDIS_URL, prefix=prefix)]
    clients = [_app_on(limiter, shared, database) for limiter in limiters]
    yield clients
    for client, limiter in zip(clients, limiters, strict=True):
        await client.aclose()
        await limiter.close()
    cleanup = redis.Redis.from_url(REDIS_URL)
    for key in cleanup.scan_iter(match=prefix + "*"):
        cleanup.delete(key)
    cleanup.close()


async def test_two_app_instances_sharing_redis_admit_exactly_the_limits(
    two_instances: list[httpx.AsyncClient], world: World
) -> None:
    answers = await asyncio.gather(*(me(two_instances[i % 2], world.alice) for i in range(16)))
    assert sorted(a.status_code for a in answers) == [200] * 5 + [429] * 11
    remaining = sorted(int(a.headers["X-RateLimit-Remaining"]) for a in answers if a.status_code == 200)
    assert remaining == [0, 1, 2, 3, 4]
    assert_limited(next(a for a in answers if a.status_code == 429), 5, "user")
    # The organization (limit 8) has 3 left, on either instance; then it stops Bob too.
    bob = [await me(two_instances[i % 2], world.bob) for i in range(4)]
    assert [a.status_code for a in bob] == [200, 200, 200, 429]
    assert_limited(bob[3], 8, "organization")
    carol = await me(two_instances[1], world.carol)
    assert carol.status_code == 200 and carol.headers["X-RateLimit-Remaining"] == "4"


async def test_an_unreachable_redis_lets_requests_through(settings: Settings, database: Database, world: World) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    tight = settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{port}/0", "tether_user_rate_limit": 1, "tether_org_rate_limit": 1}
    )
    app = create_app(tight, database)
    assert isinstance(app.state.rate_limiter, RedisLimiter)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        answers = [await me(http, world.alice) for _ in range(3)]
    await app.state.rate_limiter.close()
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert "X-RateLimit-Limit" not in answers[0].headers
