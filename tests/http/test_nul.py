"""U+0000 in any text a client sends is refused alike on both backends (PostgreSQL cannot store it).

Found by schemathesis on PostgreSQL: a webhook secret holding U+0000 was a 500 there (and stored on SQLite).
"""

from __future__ import annotations

import httpx
import pytest

from tests.factories import World


async def test_a_json_field_is_400_naming_it(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post("/api/contacts", json={"displayName": "Jo\x00"}, headers=world.alice.headers)
    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["displayName"]


@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/contacts?search=a%00b", "search"), ("/api/ContactNote/ByContact/1?sortBy=%00", "sortBy")],
)
async def test_a_query_parameter_is_400_naming_it(
    client: httpx.AsyncClient, world: World, path: str, field: str
) -> None:
    response = await client.get(path, headers=world.alice.headers)
    assert response.status_code == 400, response.text
    body = response.json()
    fields = (
        [e["field"] for e in body["errors"]] if "errors" in body else [d["field"] for d in body["error"]["details"]]
    )
    assert fields == [field]


@pytest.mark.parametrize("path", ["/api/contact-notes/%00", "/api/ContactNote/1%00", "/api/note-types/a%00"])
async def test_a_path_names_nothing(client: httpx.AsyncClient, world: World, path: str) -> None:
    response = await client.request("DELETE" if "note-types" in path else "GET", path, headers=world.ada.headers)
    assert response.status_code == 404, response.text


async def test_a_token_request_is_refused_as_oauth_does(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        "/Token", data={"grant_type": "password", "username": "ada@acme.example.com\x00", "password": "x" * 8}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
