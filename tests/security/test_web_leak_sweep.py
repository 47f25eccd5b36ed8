"""Alice's private note carries a random canary; every page of the web app anyone else can open is searched
for it (in its body, file name and reminder). Where Alice looks it must be found, so the sweep can fail."""

from __future__ import annotations

import secrets

import httpx

from contactnotes.db.engine import Database
from tests.attachments.helpers import as_attachment, upload
from tests.factories import Persona, World
from tests.files import pdf_bytes

from .objects import tether_note
from .web_support import signed_in


async def pages(  # type: ignore[type-arg]
    client: httpx.AsyncClient, database: Database, world: World, persona: Persona, note: str, canary: str
) -> dict:
    browser = await signed_in(database, persona)
    cookie = {"Cookie": f"cn_session={browser.cookie}"}
    htmx = {**cookie, "HX-Request": "true"}
    contact = world.contact.oid
    seen: dict[str, httpx.Response] = {}
    for name, path, headers in [
        ("home", "/", cookie),
        ("contacts", "/contacts", cookie),
        ("contacts search", "/contacts?q=Jordan", htmx),
        ("timeline", f"/contacts/{contact}", cookie),
        ("timeline important", f"/contacts/{contact}?important=on", cookie),
        ("timeline with files", f"/contacts/{contact}?files=on", cookie),
        ("timeline by Alice", f"/contacts/{contact}?author={world.alice.oid}", cookie),
        ("timeline slice", f"/contacts/{contact}/notes", htmx),
        ("important strip", f"/contacts/{contact}/important", htmx),
        ("the note", f"/notes/{note}", htmx),
        ("the note's edit form", f"/notes/{note}/edit", htmx),
        ("people", "/people?q=", cookie),
        ("inbox", "/inbox", cookie),
        ("bell", "/inbox/bell", htmx),
        ("my reminders", "/reminders", cookie),
        # A prefix of the canary: the page repeats the query, and the whole canary must come from a hit.
        ("search", f"/search?q={canary[:-4]}", cookie),
        ("search as you type", f"/search?q={canary[:-4]}", {**htmx, "HX-Target": "search-results"}),
        ("contact search", f"/search?q={canary[:-4]}&contactId={contact}", cookie),
        ("search by file name", f"/search?q={canary[:-4]}+pdf", cookie),
    ]:
        seen[name] = await client.get(path, headers=headers)
    return seen


async def test_a_private_note_leaks_into_no_page(client: httpx.AsyncClient, database: Database, world: World) -> None:
    canary = "canary" + secrets.token_hex(12)
    [uploaded] = await upload(client, world.alice, (f"{canary}.pdf", pdf_bytes(2000)))
    secret = await tether_note(
        client,
        world.alice,
        world.contact.oid,
        note=f"private {canary}",
        private=True,
        important=True,
        reminder={"message": f"remind {canary}", "targetDate": "2030-01-01T00:00:00Z"},
        attachments=[as_attachment(uploaded, name=f"{canary}.pdf")],
    )
    await tether_note(client, world.bob, world.contact.oid, note="a public note")
    for persona in (world.bob, world.ada, world.carol):
        for name, response in (await pages(client, database, world, persona, secret["_id"], canary)).items():
            assert canary not in response.text, f"{name} shows the canary to {persona.user.handle}"
            assert response.status_code in (200, 403, 404), f"{name}: {response.status_code}"
    mine = await pages(client, database, world, world.alice, secret["_id"], canary)
    for name in (
        "home",
        "timeline",
        "important strip",
        "timeline important",
        "timeline with files",
        "timeline by Alice",
        "the note",
        "search",
        "search as you type",
        "contact search",
        "search by file name",
        "my reminders",
    ):
        assert canary in mine[name].text, f"{name} does not show Alice her own note"
    assert f"{canary}.pdf" in mine["timeline"].text and f"remind {canary}" in mine["timeline"].text
