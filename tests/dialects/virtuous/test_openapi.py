"""The OpenAPI document offers what the Virtuous endpoints take, where schemathesis found them disagreeing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.dialects.tether.test_openapi import conforms, prop
from tests.factories import World

from .helpers import assert_error


async def test_a_note_body_is_required_and_create_needs_the_contact(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    for method, path in (("post", "/api/ContactNote"), ("put", "/api/ContactNote/{noteId}")):
        body = document["paths"][path][method]["requestBody"]
        assert body["required"] is True
        assert "anyOf" not in body["content"]["application/json"]["schema"]  # no null
    assert document["components"]["schemas"]["VirtuousNoteCreateIn"]["required"] == ["contactId"]
    assert not conforms(document, prop(document, "VirtuousNoteCreateIn", "contactId"), None)


async def test_lenient_values_are_documented(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    descending = prop(document, "QueryIn", "descending")
    verdicts = [conforms(document, descending, v) for v in (True, "True", "yes", 1, 0, 2, "maybe", " true")]
    assert verdicts == [True, True, True, True, True, False, False, False]
    time_spent = prop(document, "NoteIn", "timeSpent")
    assert [conforms(document, time_spent, v) for v in (15, "15", " 7 ", "100001", False, -1)] == [1, 1, 1, 0, 0, 0]
    contact = prop(document, "NoteIn", "contactId")
    assert [conforms(document, contact, v) for v in (7, "7", 0, 2**53, "x")] == [1, 1, 0, 0, 0]


@pytest.mark.parametrize(
    ("query", "ok"),
    [
        ("descending=True&sortBy=notedate", True),
        ("descending=%200%20&sortBy=CREATEDDATETIME", True),
        ("descending=y", False),
        ("sortBy=Newest", False),
    ],
)
async def test_list_parameters_are_taken_exactly_as_documented(
    client: httpx.AsyncClient, world: World, query: str, ok: bool
) -> None:
    document = (await client.get("/openapi.json")).json()
    parameters = document["paths"]["/api/ContactNote/ByContact/{contactId}"]["get"]["parameters"]
    schemas: dict[str, Any] = {p["name"]: p["schema"] for p in parameters}
    sent = dict(pair.split("=") for pair in query.replace("%20", " ").split("&"))
    assert all(conforms(document, schemas[name], value) for name, value in sent.items()) is ok
    response = await client.get(f"/api/ContactNote/ByContact/{world.contact.id}?{query}", headers=world.alice.headers)
    if ok:
        assert response.status_code == 200, response.text
    else:
        assert_error(response, 400, next(iter(sent)))
