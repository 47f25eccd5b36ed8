"""Every web app route x five actors x the objects it acts on (web_matrix.py), and CSRF on every unsafe one."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.factories import World

from .matrix import ACTORS, Elsewhere, Public
from .objects import Objects
from .web_matrix import WEB_MATRIX
from .web_support import Browser, call, signed_in, web_routes

ROUTES = web_routes()
UNSAFE = [route for route in ROUTES if not route.startswith(("GET ", "HEAD "))]


def test_every_web_route_is_in_the_table_and_every_row_is_a_route() -> None:
    assert sorted(set(ROUTES) - set(WEB_MATRIX)) == [], "web routes missing from tests/security/web_matrix.py"
    assert sorted(set(WEB_MATRIX) - set(ROUTES)) == [], "rows for web routes that no longer exist"


def _matches(expected: str, response: httpx.Response) -> bool:
    location = response.headers.get("location", "")
    if expected == "login":  # a page load is redirected; htmx is told to load the sign-in page
        redirected = response.status_code == 303 and location.startswith("/login")
        return redirected or (response.status_code == 401 and response.headers.get("hx-redirect") == "/login")
    if expected == "out":
        return response.status_code == 303 and location == "/login"
    if expected == "ok":
        return 200 <= response.status_code < 300 or (response.status_code == 303 and not location.startswith("/login"))
    return str(response.status_code) == expected


READS_ONLY = {route for route in ROUTES if route.startswith("GET ")} | {"POST /contacts/{contact_oid}/preview"}


def _row(route: str) -> dict[str, str]:
    entry = WEB_MATRIX[route]
    row = entry.checked_here if isinstance(entry, Elsewhere) else entry
    assert isinstance(row, dict)
    return row


CHECKED = [route for route in WEB_MATRIX if not isinstance(WEB_MATRIX[route], Public)]
KINDS = sorted({kind for route in CHECKED for kind in _row(route)})


@pytest.mark.parametrize("kind", KINDS)
async def test_every_web_route_on(
    kind: str, client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> None:
    routes = sorted((r for r in CHECKED if kind in _row(r)), key=lambda r: not r.startswith("GET "))
    objects = Objects(client, database, settings, world)
    ids: dict[str, Any] | None = None
    failures: list[str] = []
    for route in routes:
        for actor, expected in zip(ACTORS, _row(route)[kind].split(), strict=True):
            if expected == "-":
                continue
            if ids is None:
                ids = await objects.ids(kind)
            # A fresh session per request: signing out (one of the routes) ends the one it used.
            browser = None if actor == "anonymous" else await signed_in(database, getattr(world, actor))
            response = await call(client, route, ids, browser)
            if route not in READS_ONLY and _matches("ok", response):
                ids = None  # a write that worked changed its object: the next cell gets a new one
            if not _matches(expected, response):
                got = f"{response.status_code} {response.text[:200]}"
                failures.append(f"{route}: {actor} expected {expected}, got {got}")
    assert not failures, f"on {kind}:\n" + "\n".join(failures)


async def test_every_unsafe_web_route_refuses_a_request_without_the_csrf_token(
    client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> None:
    objects = Objects(client, database, settings, world)
    failures = []
    for route in UNSAFE:
        if route == "POST /login":
            continue  # below: it has no session yet
        ids = await objects.ids("own")
        alice = await signed_in(database, world.alice)
        refused = await call(client, route, ids, alice, token=False)
        if refused.status_code != 403:
            failures.append(f"{route} without a token: {refused.status_code}")
        forged = await call(client, route, ids, Browser(alice.cookie, "not-the-token"))
        if forged.status_code != 403:
            failures.append(f"{route} with a wrong token: {forged.status_code}")
    assert not failures, "\n".join(failures)
    # Nothing was written by any of them: Alice's note is as it was, and still there.
    shown = await client.get(f"/api/contact-notes/{ids['tether']}", headers=world.alice.headers)
    assert shown.status_code == 200 and shown.json()["data"]["note"] == "n"


async def test_a_page_of_another_site_cannot_post_even_with_the_token(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    alice = await signed_in(database, world.alice)
    headers = {"Cookie": f"cn_session={alice.cookie}", "X-CSRF-Token": alice.csrf}
    path = f"/contacts/{world.contact.oid}/notes"
    evil = await client.post(path, data={"body": "x"}, headers={**headers, "Origin": "https://evil.example"})
    assert evil.status_code == 403
    same = await client.post(path, data={"body": "from here"}, headers={**headers, "Origin": "http://testserver"})
    assert same.status_code == 303


async def test_signing_in_needs_the_forms_own_token(client: httpx.AsyncClient, world: World) -> None:
    form = await client.get("/login")
    token = form.cookies["cn_login"]
    fields = {"email": world.alice.user.email, "password": "wrong-password"}
    client.cookies.clear()
    no_cookie = await client.post("/login", data={**fields, "csrf_token": token})
    assert no_cookie.status_code == 403
    wrong = await client.post("/login", data={**fields, "csrf_token": "x"}, headers={"Cookie": f"cn_login={token}"})
    assert wrong.status_code == 403
    right = await client.post("/login", data={**fields, "csrf_token": token}, headers={"Cookie": f"cn_login={token}"})
    assert right.status_code == 400 and "do not match an account" in right.text
