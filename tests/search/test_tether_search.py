"""GET /api/contact-notes/search: the Tether envelope, each item the usual note plus snippet and matchedIn."""

from __future__ import annotations

import httpx

from tests.factories import World


async def post_note(client: httpx.AsyncClient, world: World, note: str, **fields: object) -> dict:  # type: ignore[type-arg]
    response = await client.post(
        "/api/contact-notes", json={"contactId": world.contact.oid, "note": note, **fields}, headers=world.alice.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def test_search_answers_in_the_tether_envelope(client: httpx.AsyncClient, world: World) -> None:
    created = await post_note(client, world, "We agreed with Jordan about the **W2** <today>")
    await post_note(client, world, "Unrelated")

    response = await client.get("/api/contact-notes/search", params={"q": "agreed w2"}, headers=world.bob.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["message"]
    assert body["pagination"] == {"limit": 25, "hasMore": False, "nextCursor": None}
    [item] = body["data"]
    note = {k: v for k, v in item.items() if k not in {"snippet", "matchedIn"}}
    single = await client.get(f"/api/contact-notes/{created['_id']}", headers=world.bob.headers)
    assert note == single.json()["data"]  # the usual note
    assert item["snippet"] == "We <mark>agreed</mark> with Jordan about the **<mark>W2</mark>** &lt;today&gt;"
    assert item["matchedIn"] == {"field": "body", "fileName": None}


async def test_search_pages_with_a_cursor_and_scopes_to_a_contact(client: httpx.AsyncClient, world: World) -> None:
    for i in range(3):
        await post_note(client, world, f"follow-up number {i}")
    await client.post(
        "/api/contact-notes",
        json={"contactId": world.other_contact.oid, "note": "follow-up elsewhere"},
        headers=world.alice.headers,
    )
    first = (
        await client.get(
            "/api/contact-notes/search",
            params={"q": "follow", "limit": 2, "contactId": world.contact.oid},
            headers=world.alice.headers,
        )
    ).json()
    assert len(first["data"]) == 2 and first["pagination"]["hasMore"] is True
    second = (
        await client.get(
            "/api/contact-notes/search",
            params={
                "q": "follow",
                "limit": 2,
                "contactId": world.contact.oid,
                "cursor": first["pagination"]["nextCursor"],
            },
            headers=world.alice.headers,
        )
    ).json()
    notes = [n["note"] for n in first["data"] + second["data"]]
    assert sorted(notes) == [f"follow-up number {i}" for i in range(3)]
    assert second["pagination"]["hasMore"] is False


async def test_bad_parameters_are_400_naming_them_and_a_foreign_contact_is_404(
    client: httpx.AsyncClient, world: World
) -> None:
    for params, field in [
        ({"q": "x", "limit": "0"}, "limit"),
        ({"q": "x", "cursor": "not-a-cursor"}, "cursor"),
        ({"q": "x" * 501}, "q"),
        ({"q": "x", "contactId": "nope"}, "contactId"),
        ({}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "x", "sort": "oldest"}, "sort"),  # refused by every route, as everywhere in the API
    ]:
        response = await client.get("/api/contact-notes/search", params=params, headers=world.alice.headers)
        assert response.status_code == 400, (params, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], response.text
    response = await client.get(
        "/api/contact-notes/search",
        params={"q": "x", "contactId": world.foreign_contact.oid},
        headers=world.alice.headers,
    )
    assert response.status_code == 404
    odd = await client.get(
        "/api/contact-notes/search", params={"q": '"" -- OR : -" type:'}, headers=world.alice.headers
    )
    assert odd.status_code == 200, odd.text


async def test_other_methods_on_search_are_405(client: httpx.AsyncClient, world: World) -> None:
    for method in ("PATCH", "DELETE", "POST", "PUT"):
        response = await client.request(method, "/api/contact-notes/search", headers=world.alice.headers)
        assert response.status_code == 405, (method, response.text)
        assert response.headers["Allow"] == "GET, HEAD" and response.json()["success"] is False


async def test_the_requests_docs_search_md_shows(client: httpx.AsyncClient, world: World) -> None:
    """docs/search.md's two curl requests (its contactId is the demo contact's; here the test contact's)."""
    await post_note(client, world, "The W2 arrived", noteDateTime="2026-02-01T10:00:00Z")
    await post_note(client, world, "We filed the tax return", noteDateTime="2026-02-02T10:00:00Z")
    first = await client.get(
        "/api/contact-notes/search?q=w2+author:@alice+after:2026-01-01&limit=25", headers=world.bob.headers
    )
    assert [n["note"] for n in first.json()["data"]] == ["The W2 arrived"]
    second = await client.get(
        f"/api/contact-notes/search?q=%22tax+return%22&contactId={world.contact.oid}", headers=world.bob.headers
    )
    [item] = second.json()["data"]
    assert item["snippet"] == "We filed the <mark>tax return</mark>" and item["matchedIn"]["field"] == "body"
