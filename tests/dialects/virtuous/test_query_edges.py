"""Query answers the same on both databases at its documented limits and for any letters."""

from __future__ import annotations

import httpx

from contactnotes.notes.conditions import MAX_CONDITIONS, MAX_VALUES
from tests.factories import World

from .helpers import create_note

QUERY = "/api/ContactNote/Query?take=100"


async def test_largest_in_lists_are_answered_on_both_databases(client: httpx.AsyncClient, world: World) -> None:
    """2 groups x 20 conditions x 1,000 values (40,000, past PostgreSQL's 32,767 bound parameters) is a query
    within the documented limits: answered, not an outage."""
    await create_note(client, world.alice, world.contact.id, note="in the list")
    await create_note(client, world.alice, world.other_contact.id, note="not in the list")
    values = [str(world.contact.id)] + [str(10_000_000 + i) for i in range(MAX_VALUES - 1)]
    group = {"conditions": [{"parameter": "Contact Id", "operator": "In", "values": values}] * MAX_CONDITIONS}
    types = {"conditions": [{"parameter": "Type", "operator": "NotIn", "values": [f"t{i}" for i in range(MAX_VALUES)]}]}
    response = await client.post(QUERY, json={"groups": [group, group, types]}, headers=world.alice.headers)
    assert response.status_code == 200, response.text
    assert sorted(n["note"] for n in response.json()["list"]) == ["in the list", "not in the list"]
    response = await client.post(
        "/api/ContactNote/Query?take=100", json={"groups": [group]}, headers=world.alice.headers
    )
    assert [n["note"] for n in response.json()["list"]] == ["in the list"]


async def test_contains_folds_case_beyond_ascii(client: httpx.AsyncClient, world: World) -> None:
    await create_note(client, world.alice, world.contact.id, note="Visite à l'ÉCOLE Ärzte")
    await create_note(client, world.alice, world.contact.id, note="plain ascii")
    for operator, value, found in [
        ("Contains", "école", True),
        ("Contains", "ärzte", True),
        ("StartsWith", "visite À", True),
        ("Is", "Visite à l'ÉCOLE Ärzte", True),
        ("DoesNotContain", "école", False),
    ]:
        condition = {"parameter": "Note", "operator": operator, "value": value}
        response = await client.post(
            "/api/ContactNote/Query?take=100",
            json={"groups": [{"conditions": [condition]}]},
            headers=world.alice.headers,
        )
        assert response.status_code == 200, response.text
        notes = [n["note"] for n in response.json()["list"]]
        assert ("Visite à l'ÉCOLE Ärzte" in notes) is found, (operator, value, notes)
