"""The search page's odd inputs get a clear answer, never a 500: an over-long query, a cursor this service
never handed out, an unknown contact; and the next page of results follows its link."""

from __future__ import annotations

import httpx

from contactnotes.db.engine import Database
from tests.attachments.helpers import as_attachment, upload
from tests.factories import World
from tests.files import pdf_bytes
from tests.security.objects import tether_note
from tests.security.web_support import signed_in


async def test_odd_inputs_are_clear_answers(client: httpx.AsyncClient, database: Database, world: World) -> None:
    browser = await signed_in(database, world.alice)
    headers = {"Cookie": f"cn_session={browser.cookie}"}
    long_query = await client.get("/search", params={"q": "w" * 501}, headers=headers)
    assert long_query.status_code == 400 and "at most 500 characters" in long_query.text
    bad_cursor = await client.get("/search", params={"q": "w2", "cursor": "nonsense"}, headers=headers)
    assert bad_cursor.status_code == 400 and "cursor" in bad_cursor.text
    for contact in ("nobody", "0" * 24, "9" * 40, world.foreign_contact.oid):
        unknown = await client.get("/search", params={"q": "w2", "contactId": contact}, headers=headers)
        assert unknown.status_code == 404 and "Not found" in unknown.text, contact
    odd = await client.get("/search", params={"q": '"unclosed OR -  \U0001f600 before:2026-02-30'}, headers=headers)
    assert odd.status_code == 200 and "No note matches" in odd.text


async def test_the_next_results_follow_their_link(client: httpx.AsyncClient, database: Database, world: World) -> None:
    for index in range(23):
        await tether_note(client, world.alice, world.contact.oid, note=f"pagination probe {index:02d}")
    browser = await signed_in(database, world.alice)
    headers = {"Cookie": f"cn_session={browser.cookie}"}
    first = await client.get("/search", params={"q": "probe"}, headers=headers)
    assert first.text.count("<mark>probe</mark>") == 20
    link = first.text.split('class="more" href="')[1].split('"')[0].replace("&amp;", "&")
    second = await client.get(link, headers=headers)
    assert second.text.count("<mark>probe</mark>") == 3 and "Next results" not in second.text


async def test_a_match_in_a_file_name_says_which_file(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    [uploaded] = await upload(client, world.alice, ("quincunx-ledger.pdf", pdf_bytes(2000)))
    attachment = as_attachment(uploaded, name="quincunx-ledger.pdf")
    await tether_note(client, world.alice, world.contact.oid, note="see attached", attachments=[attachment])
    browser = await signed_in(database, world.bob)
    found = await client.get("/search", params={"q": "quincunx"}, headers={"Cookie": f"cn_session={browser.cookie}"})
    assert "in file quincunx-ledger.pdf" in found.text and "<mark>quincunx</mark>" in found.text
