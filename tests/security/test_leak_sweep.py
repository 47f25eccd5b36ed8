"""Alice's private note carries a random canary. Everything anyone else can see -- lists, queries, searches,
counts, notifications, reminders, the event stream, emails, webhook deliveries, in both dialects -- is
searched for it; where Alice herself looks, it must be found (so the sweep can fail)."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.attachments.helpers import as_attachment, upload
from tests.events.conftest import subscribe, work
from tests.events.processes import server
from tests.events.receiver import Receiver
from tests.events.test_email import Mailbox, parts
from tests.events.test_stream import next_event, sse_events
from tests.factories import Persona, World
from tests.files import pdf_bytes

from .objects import numeric_ids, tether_note


async def views(client: httpx.AsyncClient, world: World, persona: Persona, canary: str, ids: dict[str, Any]) -> dict:  # type: ignore[type-arg]
    """Every answer `persona` gets from the reading routes of both dialects, by name."""
    seen: dict[str, httpx.Response] = {}
    for contact in (world.contact, world.foreign_contact):
        seen[f"tether list {contact.display_name}"] = await client.get(
            "/api/contact-notes", params={"contactId": contact.oid, "limit": 100}, headers=persona.headers
        )
        seen[f"virtuous ByContact {contact.display_name}"] = await client.get(
            f"/api/ContactNote/ByContact/{contact.id}?take=1000", headers=persona.headers
        )
        seen[f"virtuous Important {contact.display_name}"] = await client.get(
            f"/api/ContactNote/Important/ByContact/{contact.id}", headers=persona.headers
        )
        seen[f"virtuous Reminder ByContact {contact.display_name}"] = await client.get(
            f"/api/Reminder/ByContact/{contact.id}/Active", headers=persona.headers
        )
    seen["tether get"] = await client.get(f"/api/contact-notes/{ids['tether']}", headers=persona.headers)
    seen["virtuous get"] = await client.get(f"/api/ContactNote/{ids['virtuous']}", headers=persona.headers)
    search = {"groups": [{"conditions": [{"parameter": "Note", "operator": "Contains", "value": canary}]}]}
    seen["virtuous Query for the canary"] = await client.post(
        "/api/ContactNote/Query?take=1000", json=search, headers=persona.headers
    )
    seen["virtuous Query all"] = await client.post(
        "/api/ContactNote/Query?take=1000", json={"groups": []}, headers=persona.headers
    )
    for query in (canary, f"{canary}.pdf", "is:private", "private has:file", "is:important", "remind"):
        seen[f"tether search {query}"] = await client.get(
            "/api/contact-notes/search", params={"q": query, "limit": 100}, headers=persona.headers
        )
    seen["tether search in the contact"] = await client.get(
        "/api/contact-notes/search", params={"q": canary, "contactId": world.contact.oid}, headers=persona.headers
    )
    seen["tether notifications"] = await client.get("/api/notifications?limit=100", headers=persona.headers)
    seen["tether reminders"] = await client.get("/api/reminders", headers=persona.headers)
    seen["virtuous Reminder Active"] = await client.get("/api/Reminder/Active", headers=persona.headers)
    return seen


def tether_total(response: httpx.Response) -> int:
    return int(response.json()["pagination"]["total"])


async def test_a_private_note_leaks_nowhere(
    client: httpx.AsyncClient,
    database: Database,
    database_url: str,
    settings: Settings,
    world: World,
    receiver: Receiver,
    mailbox: tuple[Mailbox, int],
) -> None:
    canary = "canary" + secrets.token_hex(12)
    box, smtp_port = mailbox
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": smtp_port, "smtp_security": "none"}
    mail_settings = settings.model_copy(update=smtp)
    await subscribe(client, world.ada.headers, receiver.url())
    before = tether_total(
        await client.get("/api/contact-notes", params={"contactId": world.contact.oid}, headers=world.bob.headers)
    )

    with server(database_url, **smtp) as live:  # its embedded worker may send some of the mail and webhooks
        async with httpx.AsyncClient(timeout=30) as http:
            url = f"{live}/api/notifications/stream"
            async with http.stream("GET", url, headers=world.bob.headers) as stream:
                assert stream.status_code == 200
                events = sse_events(stream)
                assert await anext(events) is None  # subscribed
                [uploaded] = await upload(client, world.alice, (f"{canary}.pdf", pdf_bytes(2000)))
                secret = await tether_note(
                    client,
                    world.alice,
                    world.contact.oid,
                    note=f"private {canary} @alice",
                    private=True,
                    important=True,
                    mentions=[world.alice.oid],
                    reminder={"message": f"remind {canary}", "targetDate": "2030-01-01T00:00:00Z"},
                    attachments=[as_attachment(uploaded, name=f"{canary}.pdf")],
                )
                # A public note after it, mentioning Bob: once it reaches his stream, the private one had its chance.
                sentinel = await tether_note(client, world.alice, world.contact.oid, note="@bob sentinel")
                arrived = await next_event(events, "note_created")
                while arrived.data["_id"] != sentinel["_id"]:
                    assert canary not in str(arrived.data)
                    arrived = await next_event(events, "note_created")
                assert canary not in str(arrived.data)

    await work(mail_settings, database)  # webhooks and emails go out
    note_id, _ = await numeric_ids(database, secret["_id"])
    ids = {"tether": secret["_id"], "virtuous": note_id}

    for persona in (world.bob, world.ada, world.carol):
        for name, response in (await views(client, world, persona, canary, ids)).items():
            assert canary not in response.text, f"{name} shows the canary to {persona.user.handle}"
            assert response.status_code in (200, 404), f"{name}: {response.status_code} {response.text}"
    # Counts: to Bob and Ada the private note is not there; to Alice it is.
    for persona in (world.bob, world.ada):
        listed = await client.get(
            "/api/contact-notes", params={"contactId": world.contact.oid}, headers=persona.headers
        )
        assert tether_total(listed) == before + 1  # the sentinel only
    search = {"groups": [{"conditions": [{"parameter": "Note", "operator": "Contains", "value": canary}]}]}
    found = await client.post("/api/ContactNote/Query", json=search, headers=world.bob.headers)
    assert found.json()["total"] == 0

    deliveries = receiver.wait_for(1)
    assert deliveries and all(canary not in d.body.decode() for d in deliveries)
    assert box.to("bob@acme.example.com"), "the sentinel's mention email reached Bob"
    for message in box.messages:
        assert canary not in str(message["Subject"]) and all(canary not in p for p in parts(message).values())

    # Proof the sweep can fail: where Alice looks, the canary is there.
    mine = await views(client, world, world.alice, canary, ids)
    for name in ("tether list Jordan Lee", "tether get", "virtuous get", "virtuous Query for the canary",
                 "virtuous ByContact Jordan Lee", "virtuous Important Jordan Lee", "tether reminders",
                 f"tether search {canary}", f"tether search {canary}.pdf", "tether search is:private",
                 "tether search private has:file", "tether search in the contact"):  # fmt: skip
        assert canary in mine[name].text, f"{name} does not show Alice her own note"
    assert mine["virtuous Query for the canary"].json()["total"] == 1
    alice_total = tether_total(mine["tether list Jordan Lee"])
    assert alice_total == before + 2
