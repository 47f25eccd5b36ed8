"""The history page in-process: the organization's setting hides the "edited" link and the page, hostile
markup in a diff is escaped in the HTML itself, and odd inputs are clear answers."""

from __future__ import annotations

import httpx

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.orgs import service as orgs
from tests.factories import Persona, World
from tests.security.objects import tether_note
from tests.security.web_support import signed_in


async def cookie(database: Database, persona: Persona) -> dict[str, str]:
    return {"Cookie": f"cn_session={(await signed_in(database, persona)).cookie}"}


async def edited_note(client: httpx.AsyncClient, world: World, before: str, after: str) -> str:
    note = await tether_note(client, world.alice, world.contact.oid, note=before)
    patched = await client.patch(f"/api/contact-notes/{note['_id']}", json={"note": after}, headers=world.alice.headers)
    assert patched.status_code == 200, patched.text
    return str(note["_id"])


async def test_admins_only_history_hides_the_link_and_the_page_from_members(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    note = await edited_note(client, world, "first", "second")
    link = f'href="/notes/{note}/history"'
    bob, ada = await cookie(database, world.bob), await cookie(database, world.ada)
    assert link in (await client.get(f"/contacts/{world.contact.oid}", headers=bob)).text
    async with unit_of_work(database) as session:
        await orgs.set_history_visibility(session, "Acme", "admins")
    timeline = await client.get(f"/contacts/{world.contact.oid}", headers=bob)
    assert link not in timeline.text and ">edited</span>" in timeline.text
    refused = await client.get(f"/notes/{note}/history", headers=bob)
    assert refused.status_code == 403 and "only admins" in refused.text
    assert link in (await client.get(f"/contacts/{world.contact.oid}", headers=ada)).text
    assert (await client.get(f"/notes/{note}/history", headers=ada)).status_code == 200


async def test_markup_in_a_diff_is_escaped_text(client: httpx.AsyncClient, database: Database, world: World) -> None:
    note = await edited_note(client, world, "<script>alert(1)</script> plan", "<img src=x onerror=alert(2)> plan")
    page = await client.get(f"/notes/{note}/history", headers=await cookie(database, world.bob))
    assert page.status_code == 200
    assert "<del>&lt;script&gt;alert(1)&lt;/script&gt; </del>" in page.text
    assert "<ins>&lt;img src=x onerror=alert(2)&gt; </ins>" in page.text
    assert "<script>alert" not in page.text and "<img src=x" not in page.text


async def test_odd_inputs_are_clear_answers(client: httpx.AsyncClient, database: Database, world: World) -> None:
    note = await edited_note(client, world, "one", "two")
    alice = await cookie(database, world.alice)
    for offset in ("-1", "x", "9" * 20):
        bad = await client.get(f"/notes/{note}/history", params={"offset": offset}, headers=alice)
        assert bad.status_code == 400 and "offset" in bad.text, offset
    assert (await client.get(f"/notes/{note}/history", params={"offset": "5"}, headers=alice)).status_code == 200
    for ref in ("nope", "0" * 24, "9" * 40):
        assert (await client.get(f"/notes/{ref}/history", headers=alice)).status_code == 404, ref
    browser = await signed_in(database, world.alice)
    headers = {"Cookie": f"cn_session={browser.cookie}", "X-CSRF-Token": browser.csrf}
    for revision in ("nope", "0" * 24):
        missing = await client.post(f"/notes/{note}/history/{revision}/restore", headers=headers)
        assert missing.status_code == 404, revision
