"""Every route in the OpenAPI document x five actors x the objects it acts on, as tests/security/matrix.py says.

One test per kind of object (per backend): the world is built once, each cell sends one request and the
mismatches are reported together. A write that succeeds changes its object, so the next cell gets freshly
made ones (a refused write changes nothing, so its objects are reused).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.factories import World

from .matrix import ACTORS, MATRIX, Elsewhere, Public
from .objects import LOOPBACK_HOOK, Objects


def openapi_routes() -> list[str]:
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", _env_file=None)  # type: ignore[call-arg]
    document = create_app(settings).openapi()
    return [f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops]


ROUTES = openapi_routes()
VIRTUOUS = ("/api/ContactNote", "/api/Reminder", "/api/Webhook")


def test_every_route_is_in_the_table_and_every_row_is_a_route() -> None:
    assert sorted(set(ROUTES) - set(MATRIX)) == [], "routes missing from tests/security/matrix.py"
    assert sorted(set(MATRIX) - set(ROUTES) - {"GET /openapi.json"}) == [], "rows for routes that no longer exist"


def _path(route: str, ids: dict[str, Any]) -> str:
    path = route.split(" ", 1)[1]
    virtuous = path.startswith(VIRTUOUS)
    values = {
        "noteId": ids.get("virtuous" if virtuous else "tether"),
        "contactId": ids.get("contact_id" if virtuous else "contact_oid"),
        "reminderId": ids.get("reminder_id" if virtuous else "reminder_oid"),
        "notificationId": ids.get("notification"),
        "webhook_id": ids.get("virtuous" if virtuous else "tether"),
        "delivery_id": ids.get("delivery"),
        "key": ids.get("key"),
        "name": ids.get("name"),
        "revisionId": ids.get("revision"),
    }
    for name, value in values.items():
        if "{" + name + "}" in path:
            assert value is not None, f"{route}: no value for {name} in {ids}"
            path = path.replace("{" + name + "}", str(value))
    return path


def _body(route: str, ids: dict[str, Any]) -> dict[str, Any] | None:
    """A minimal valid body for the route's write."""
    bodies: dict[str, Any] = {
        "POST /api/contact-notes": {"contactId": ids.get("contact_oid"), "note": "matrix"},
        "PATCH /api/contact-notes/{noteId}": {"note": "edited"},
        "POST /api/contact-notes/{noteId}/reaction": {"emoji": "🎉"},
        "POST /api/contacts": {"displayName": "New Contact"},
        "POST /api/uploads/presign": {"name": "a.txt", "size": 5},
        "POST /api/uploads/complete": {"key": ids.get("key")},
        "POST /api/note-types": {"name": "Matrix new"},
        "POST /api/admin/contacts/{contactId}/erase": {"confirm": ids.get("contact_oid")},
        "POST /api/webhooks": {"url": LOOPBACK_HOOK},
        "PATCH /api/webhooks/{webhook_id}": {"active": False},
        "POST /api/ContactNote/Query": {"groups": []},
        "POST /api/ContactNote": {"contactId": ids.get("contact_id"), "note": "matrix"},
        "PUT /api/ContactNote/{noteId}": {"note": "edited"},
        "POST /api/ContactNote/Email": {"contactNoteId": ids.get("virtuous"), "toEmail": "board@example.org"},
        "POST /api/Webhook": {"payloadUrl": LOOPBACK_HOOK, "secret": "s" * 20, "contactNoteCreate": True},
        "PUT /api/Webhook/{webhook_id}": {"payloadUrl": LOOPBACK_HOOK, "secret": "s" * 20, "contactNoteUpdate": True},
    }
    return bodies.get(route)


def _query(route: str, ids: dict[str, Any]) -> dict[str, Any] | None:
    if route == "PUT /api/Webhook/{webhook_id}/Active":
        return {"active": "false"}
    if route == "GET /api/contact-notes/search":
        return {"q": "matrix", "contactId": ids["contact_oid"]}
    return {"contactId": ids["contact_oid"]} if route == "GET /api/contact-notes" else None


def _matches(expected: str, status: int) -> bool:
    return (expected == "2xx" and 200 <= status < 300) or expected == str(status)


def _row(route: str) -> dict[str, str]:
    entry = MATRIX[route]
    row = entry.checked_here if isinstance(entry, Elsewhere) else entry
    assert isinstance(row, dict)
    return row


CHECKED = [route for route in MATRIX if not isinstance(MATRIX[route], Public)]
KINDS = sorted({kind for route in CHECKED for kind in _row(route)})


@pytest.mark.parametrize("kind", KINDS)
async def test_every_route_on(
    kind: str, client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> None:
    """All cells of one object kind: reads first (they share the objects), then writes."""
    routes = sorted((r for r in CHECKED if kind in _row(r)), key=lambda r: not r.startswith("GET "))
    objects = Objects(client, database, settings, world)
    ids: dict[str, Any] | None = None
    failures: list[str] = []
    for route in routes:
        method = route.split(" ", 1)[0]
        for actor, expected in zip(ACTORS, _row(route)[kind].split(), strict=True):
            if expected == "-":
                continue
            if ids is None:
                ids = await objects.ids(kind)
            headers = {} if actor == "anonymous" else getattr(world, actor).headers
            if route == "POST /api/upload":
                response = await client.post("/api/upload", files=[("files", ("a.txt", b"hello"))], headers=headers)
            else:
                response = await client.request(
                    method, _path(route, ids), json=_body(route, ids), params=_query(route, ids), headers=headers
                )
            if method != "GET" and response.is_success:
                ids = None  # a write that worked changed (or removed) its object: the next cell gets a new one
            if not _matches(expected, response.status_code):
                failures.append(
                    f"{route}: {actor} expected {expected}, got {response.status_code} {response.text[:200]}"
                )
    assert not failures, f"on {kind}:\n" + "\n".join(failures)


async def test_public_routes_answer_without_a_token(client: httpx.AsyncClient, world: World) -> None:
    assert (await client.get("/healthz")).status_code == 200
    assert (await client.get("/readyz")).status_code == 200
    assert (await client.get("/openapi.json")).status_code == 200
    # The way in: a wrong password is refused, whoever asks, without a token being needed to ask.
    token = await client.post(
        "/Token", data={"grant_type": "password", "username": "ada@acme.example.com", "password": "x"}
    )
    assert token.status_code in (400, 401)
    login = await client.post("/api/auth/login", json={"email": "ada@acme.example.com", "password": "x"})
    assert login.status_code == 401
    # A file link without its signature is refused: the signature, not a token, is the credential.
    assert (await client.get("/api/files/anything")).status_code in (401, 403, 404)
