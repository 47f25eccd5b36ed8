"""One note, two APIs: what Tether writes Virtuous reads identically, and the reverse; privacy holds in both."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from tests.factories import World

from .helpers import create_note


async def _virtuous_id(client: httpx.AsyncClient, world: World, contact_id: int, note: str) -> dict:
    listed = await client.get(f"/api/ContactNote/ByContact/{contact_id}?take=100", headers=world.alice.headers)
    return next(n for n in listed.json()["list"] if n["note"] == note)


def _day(tether_time: str) -> str:
    """The M/d/yyyy Virtuous shows for a TetherAI time, in an organization on UTC."""
    moment = datetime.fromisoformat(tether_time)
    return f"{moment.month}/{moment.day}/{moment.year}"


def _same_instant(dotnet: str, tether_time: str) -> bool:
    """A zone-less UTC time with up to 7 fraction digits and a millisecond one with Z: the same millisecond."""
    mine = datetime.fromisoformat(dotnet).replace(tzinfo=UTC)
    return mine.replace(microsecond=mine.microsecond // 1000 * 1000) == datetime.fromisoformat(tether_time)


def _same(tether: dict, virtuous: dict, world: World) -> None:
    assert virtuous["note"] == tether["note"]
    assert virtuous["type"] == tether["type"]
    assert virtuous["important"] == tether["important"]
    assert virtuous["isPrivate"] == tether["isPrivate"]
    assert virtuous["noteDate"] == _day(tether["noteDate"])
    assert _same_instant(virtuous["createDateTimeUtc"], tether["createdAt"])
    assert _same_instant(virtuous["modifiedDateTimeUtc"], tether["updatedAt"])
    assert virtuous["createdByUser"] == tether["userId"]["fullName"] == "Alice Author"
    assert virtuous["contactId"] == world.contact.id and tether["contactId"] == world.contact.oid


async def test_a_tether_note_reads_identically_through_virtuous(client: httpx.AsyncClient, world: World) -> None:
    created = await client.post(
        "/api/contact-notes",
        json={
            "contactId": world.contact.oid,
            "note": "From Tether",
            "type": "letter",
            "important": True,
            "private": True,
            "noteDateTime": "2026-02-03T04:05:06.789Z",
            "reminder": {"message": "Write back", "targetDate": "2031-05-06T07:00:00Z"},
        },
        headers=world.alice.headers,
    )
    assert created.status_code == 201, created.text
    tether = created.json()["data"]
    virtuous = await _virtuous_id(client, world, world.contact.id, "From Tether")
    _same(tether, virtuous, world)
    assert virtuous["noteDate"] == "2/3/2026"
    one = await client.get(f"/api/ContactNote/{virtuous['id']}", headers=world.alice.headers)
    assert one.json() == virtuous
    assert virtuous["reminder"]["message"] == tether["reminder"]["message"] == "Write back"
    assert virtuous["reminder"]["targetDate"] == "5/6/2031"
    assert tether["reminder"]["targetDate"] == "2031-05-06T07:00:00.000Z"
    assert virtuous["reminder"]["targetResolutionDateUtc"] == "2031-05-06T07:00:00"


async def test_a_virtuous_note_reads_identically_through_tether(client: httpx.AsyncClient, world: World) -> None:
    virtuous = await create_note(
        client,
        world.alice,
        world.contact.id,
        note="From Virtuous",
        type="Thank You",
        important=True,
        noteDateTime="2026-02-03T04:05:06Z",
        reminder={"message": "Call again", "targetDate": "2031-01-01T00:00:00Z"},
    )
    by_tether = f"/api/contact-notes?contactId={world.contact.oid}"
    listed_by_tether = await client.get(by_tether, headers=world.alice.headers)
    assert listed_by_tether.status_code == 200, listed_by_tether.text
    tether = next(n for n in listed_by_tether.json()["data"] if n["note"] == "From Virtuous")
    one = await client.get(f"/api/contact-notes/{tether['_id']}", headers=world.alice.headers)
    assert one.json()["data"] == tether
    _same(tether, virtuous, world)
    assert tether["reminder"]["_id"] and tether["reminder"]["status"] == "Active"
    # The Tether reminders endpoint shows the same reminder, and completing it there shows through Virtuous.
    listed = await client.get("/api/reminders", headers=world.alice.headers)
    assert [r["message"] for r in listed.json()["data"]] == ["Call again"]
    reminder_oid = listed.json()["data"][0]["_id"]
    done = await client.post(f"/api/reminders/{reminder_oid}/complete", headers=world.alice.headers)
    assert done.status_code == 200 and done.json()["data"]["status"] == "Completed"
    again = await client.get(f"/api/ContactNote/{virtuous['id']}", headers=world.alice.headers)
    assert again.json()["reminder"]["taskStatus"] == "Completed"
    assert again.json()["reminder"]["isUnresolved"] is False


async def test_a_private_note_is_absent_from_another_users_lists_and_totals(
    client: httpx.AsyncClient, world: World
) -> None:
    await create_note(client, world.alice, world.contact.id, note="public", important=True)
    await create_note(client, world.alice, world.contact.id, note="secret", important=True, private=True)
    await client.post(
        "/api/contact-notes",
        json={"contactId": world.contact.oid, "note": "tether secret", "important": True, "private": True},
        headers=world.alice.headers,
    )
    query = {"groups": [{"conditions": [{"parameter": "Contact Id", "operator": "Is", "value": world.contact.id}]}]}
    for persona, expected in ((world.bob, ["public"]), (world.ada, ["public"]), (world.alice, None)):
        responses = [
            await client.get(f"/api/ContactNote/ByContact/{world.contact.id}", headers=persona.headers),
            await client.get(f"/api/ContactNote/Important/ByContact/{world.contact.id}", headers=persona.headers),
            await client.post("/api/ContactNote/Query", json=query, headers=persona.headers),
            await client.post("/api/ContactNote/Query", json={}, headers=persona.headers),
        ]
        for response in responses:
            body = response.json()
            notes = sorted(n["note"] for n in body["list"])
            if expected is None:
                assert notes == ["public", "secret", "tether secret"] and body["total"] == 3
            else:
                assert notes == expected and body["total"] == 1, (persona.user.email, body)
