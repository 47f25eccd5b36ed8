"""Every field of every JSON body and every query parameter in the OpenAPI document gets edge values, on both
databases, and none of them is ever a 500.

Edge values: instants an offset pushes past year 1 or 9999, the calendar's last day, a lone surrogate, NUL,
integers past 32 and 64 bits (as JSON numbers and as digits). Each request is a valid request with one field
replaced (BODIES and QUERIES below), so the value reaches the code behind validation. The fields come from the
document itself: a field added to a body or a parameter added to an operation, without a valid value here,
fails `test_every_field_is_covered`; once it has one, it gets every edge value for free.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx

from tests.factories import World
from tests.security.objects import LOOPBACK_HOOK

DATES = ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "9999-12-31", "0001-01-01T00:00:00Z"]
HUGE = [2**31, 2**63, -(2**63) - 1, 10**30]
TEXT = ["\ud800", "a\x00b", *DATES, str(2**31), str(2**63)]
# In a URL a lone surrogate can only be sent as the UTF-8 it would have been (not valid UTF-8): %ED%A0%80.
QUERY_TEXT = ["%ED%A0%80", "a%00b", *(quote(d) for d in DATES), *(str(n) for n in HUGE)]

# Operations with a JSON body or query parameters that are not fuzzed here, and why.
ELSEWHERE = {
    "GET /api/notifications/stream": "never ends; Last-Event-ID is tested in tests/events/test_stream.py",
}


def bodies(world: World, ids: dict[str, Any]) -> dict[str, Any]:
    """A valid body per operation holding every field of its schema."""
    contact, member = world.contact, world.bob
    tether_note = {
        "contactId": contact.oid, "note": "n", "type": "Call", "important": True, "private": False, "timeSpent": 5,
        "noteDateTime": "2026-01-10T15:30:00Z", "mentions": [member.oid], "contactIds": [contact.oid],
        "reminder": {"message": "m", "targetDate": "2026-02-01T00:00:00Z", "owner": member.oid, "description": "d"},
        "attachments": [{"key": "orgs/x/uploads/2026-01-01/a-w2.pdf", "name": "w2.pdf", "size": 5, "type": "t"}],
    }  # fmt: skip
    virtuous_note = {
        "contactId": contact.id, "type": "Call", "note": "n", "noteDateTime": "2026-01-10T15:30:00Z",
        "important": True, "private": False, "timeSpent": 5,
        "reminder": {"message": "m", "targetDate": "2026-02-01T00:00:00Z", "owner": member.user.id, "description": "d"},
    }  # fmt: skip
    virtuous_hook = {
        "payloadUrl": LOOPBACK_HOOK, "secret": "s" * 20, "contactNoteCreate": True, "contactNoteUpdate": True,
        "contactNoteDelete": False, "active": True,
    }  # fmt: skip
    tether_hook = {"url": LOOPBACK_HOOK, "events": ["note.created"], "secret": "s" * 20, "description": "d"}
    query = {
        "groups": [
            {
                "conditions": [
                    {"parameter": "Note Date", "operator": "Between", "value": "2026-01-01",
                     "secondaryValue": "2026-12-31", "values": ["1"]},
                    {"parameter": "Contact Id", "operator": "In", "value": "1", "values": [str(contact.id)]},
                    {"parameter": "Note", "operator": "Contains", "value": "n", "values": ["n"]},
                ]
            }
        ],
        "sortBy": "CreatedDateTime",
        "descending": True,
    }  # fmt: skip
    return {
        "POST /api/contact-notes": tether_note,
        f"PATCH /api/contact-notes/{ids['note_oid']}": tether_note,
        f"POST /api/contact-notes/{ids['note_oid']}/reaction": {"emoji": "👍"},
        "POST /api/contacts": {"displayName": "Jo", "email": "jo@example.com", "avatarUrl": "https://example.com/a"},
        "POST /api/uploads/presign": {"name": "w2.pdf", "size": 5, "type": "application/pdf"},
        "POST /api/uploads/complete": {"key": "orgs/x/uploads/2026-01-01/a-w2.pdf"},
        "POST /api/note-types": {"name": "Visit"},
        f"POST /api/admin/contacts/{contact.oid}/erase": {"confirm": contact.oid},
        "POST /api/ContactNote/Query": query,
        "POST /api/ContactNote": virtuous_note,
        f"PUT /api/ContactNote/{ids['note_id']}": virtuous_note,
        "POST /api/webhooks": {**tether_hook, "active": True},
        f"PATCH /api/webhooks/{ids['hook_oid']}": {**tether_hook, "active": True},
        "POST /api/Webhook": virtuous_hook,
        f"PUT /api/Webhook/{ids['hook_id']}": virtuous_hook,
        "POST /api/auth/login": {"email": member.user.email, "password": "not-the-password", "otp": "123456"},
        "POST /api/ContactNote/Email": {
            "contactNoteId": ids["note_id"],
            "toEmail": "jo@example.com",
            "fromEmail": "me@example.com",
            "subject": "s",
            "body": "b",
        },
    }


def queries(world: World, ids: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Valid query parameters per operation, every parameter of it."""
    contact = world.contact
    paging = {"limit": "10", "offset": "0"}
    virtuous_paging = {"skip": "0", "take": "10"}
    return {
        "GET /api/contact-notes": {"contactId": contact.oid, "cursor": ids["cursor"], "limit": "1", "offset": "0"},
        "GET /api/notifications": {"unread": "true", **paging},
        "GET /api/contact-notes/search": {
            "q": "n",
            "contactId": contact.oid,
            "limit": "10",
            "cursor": ids["cursor"],
            "sort": "newest",
        },
        "GET /api/users": {"search": "a", **paging},
        "GET /api/contacts": {"search": "a", **paging},
        "GET /api/reminders": {"contactId": contact.oid, **paging},
        "POST /api/ContactNote/Query": virtuous_paging,
        f"GET /api/ContactNote/ByContact/{contact.id}": {"sortBy": "Created", "descending": "1", **virtuous_paging},
        f"GET /api/ContactNote/Important/ByContact/{contact.id}": virtuous_paging,
        "GET /api/Reminder/Active": virtuous_paging,
        f"GET /api/Reminder/ByContact/{contact.id}/Active": virtuous_paging,
        f"GET /api/webhooks/{ids['hook_oid']}/deliveries": paging,
        f"GET /api/contact-notes/{ids['note_oid']}/history": paging,
        f"PUT /api/Webhook/{ids['hook_id']}/Active": {"active": "true"},
    }


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    structured = [a for a in schema.get("anyOf", []) if "$ref" in a or a.get("type") in ("object", "array")]
    return _resolve(structured[0], components) if structured else schema


def schema_leaves(schema: dict[str, Any], components: dict[str, Any], path: str = "") -> Iterator[str]:
    schema = _resolve(schema, components)
    if schema.get("type") == "array" or "items" in schema:
        yield from schema_leaves(schema["items"], components, path + "[*]")
    elif "properties" in schema:
        for name, sub in schema["properties"].items():
            yield from schema_leaves(sub, components, f"{path}.{name}")
    else:
        yield path


def value_leaves(value: Any, path: str = "") -> Iterator[tuple[str, list[Any]]]:
    """(schema-style path, key path) of every scalar in a body."""
    if isinstance(value, dict):
        for name, sub in value.items():
            for found, keys in value_leaves(sub, f"{path}.{name}"):
                yield found, [name, *keys]
    elif isinstance(value, list):
        for found, keys in value_leaves(value[0], path + "[*]"):
            yield found, [0, *keys]
    else:
        yield path, []


def replaced(body: Any, keys: list[Any], value: Any) -> Any:
    changed = copy.deepcopy(body)
    target = changed
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return changed


def edges_for(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return [2**64, "\ud800"]
    if isinstance(value, int):
        return [*HUGE, str(2**64)]
    return TEXT


def document_operation(key: str, document: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The document's operation a concrete `METHOD /path` matches."""
    method, concrete = key.split(" ", 1)
    parts = concrete.split("/")
    for path, operations in document["paths"].items():
        pattern = path.split("/")
        same_shape = len(pattern) == len(parts) and method.lower() in operations
        if same_shape and all(p == c or p.startswith("{") for p, c in zip(pattern, parts, strict=True)):
            return f"{method} {path}", operations[method.lower()]
    raise AssertionError(f"{key} is no operation of the document")


async def objects(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    h = world.ada.headers
    note = await client.post("/api/contact-notes", json={"contactId": world.contact.oid, "note": "a"}, headers=h)
    await client.post("/api/contact-notes", json={"contactId": world.contact.oid, "note": "b"}, headers=h)
    virtuous = await client.post("/api/ContactNote", json={"contactId": world.contact.id, "note": "c"}, headers=h)
    page = await client.get(f"/api/contact-notes?contactId={world.contact.oid}&limit=1", headers=h)
    hook = await client.post("/api/webhooks", json={"url": LOOPBACK_HOOK}, headers=h)
    virtuous_hook = await client.post(
        "/api/Webhook", json={"payloadUrl": LOOPBACK_HOOK, "secret": "s" * 20, "contactNoteCreate": True}, headers=h
    )
    for response in (note, virtuous, page, hook, virtuous_hook):
        assert response.status_code < 300, response.text
    return {
        "note_oid": note.json()["data"]["_id"],
        "note_id": virtuous.json()["id"],
        "cursor": page.json()["pagination"]["nextCursor"],
        "hook_oid": hook.json()["data"]["_id"],
        "hook_id": virtuous_hook.json()["id"],
    }


async def test_every_field_gets_edge_values_and_none_is_a_500(client: httpx.AsyncClient, world: World) -> None:
    document = (await client.get("/openapi.json")).json()
    components = document["components"]["schemas"]
    ids = await objects(client, world)
    server_errors: list[str] = []
    sent = 0
    headers = {**world.ada.headers, "Content-Type": "application/json"}

    for key, body in bodies(world, ids).items():
        method, path = key.split(" ", 1)
        name, operation = document_operation(key, document)
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        covered = {leaf for leaf, _ in value_leaves(body)}
        missing = set(schema_leaves(schema, components)) - covered
        assert not missing, f"{name}: give BODIES a valid value for {sorted(missing)}"
        for leaf, keys in value_leaves(body):
            for edge in edges_for(_at(body, keys)):
                # ensure_ascii: a lone surrogate goes out as the JSON escape "\ud800", as an attacker sends it.
                content = json.dumps(replaced(body, keys, edge))
                response = await client.request(method, path, content=content, headers=headers)
                sent += 1
                if response.status_code >= 500:
                    server_errors.append(f"{name} {leaf} = {edge!r}: {response.status_code} {response.text[:200]}")

    for key, params in queries(world, ids).items():
        method, path = key.split(" ", 1)
        name, operation = document_operation(key, document)
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert declared <= set(params), f"{name}: give QUERIES a valid value for {sorted(declared - set(params))}"
        for param in params:
            for edge in QUERY_TEXT:
                query = "&".join(f"{k}={edge if k == param else quote(v)}" for k, v in params.items())
                body = {"content": "{}", "headers": headers} if method != "GET" else {"headers": world.ada.headers}
                response = await client.request(method, f"{path}?{query}", **body)  # type: ignore[arg-type]
                sent += 1
                if response.status_code >= 500:
                    server_errors.append(f"{name} ?{param}={edge}: {response.status_code} {response.text[:200]}")

    assert server_errors == [], f"{len(server_errors)} of {sent} requests were 5xx:\n" + "\n".join(server_errors)
    print(f"edge inputs: {sent} requests, none a 5xx")


def _at(body: Any, keys: list[Any]) -> Any:
    for key in keys:
        body = body[key]
    return body


async def test_every_operation_with_input_is_covered(client: httpx.AsyncClient, world: World) -> None:
    """An operation that takes a JSON body or query parameters is fuzzed above, or says here why not."""
    document = (await client.get("/openapi.json")).json()
    ids = {"note_oid": "n", "note_id": 1, "cursor": "c", "hook_oid": "h", "hook_id": 1}
    fuzzed = {document_operation(k, document)[0] for k in [*bodies(world, ids), *queries(world, ids)]}
    with_input = {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
        or any(p["in"] == "query" for p in operation.get("parameters", []))
    }
    assert with_input - fuzzed - set(ELSEWHERE) == set()
