"""The inbox's and my reminders' odd inputs get a clear answer, never a 500; the live stream ignores an event
id it cannot use rather than refusing the page its stream."""

from __future__ import annotations

import re

import httpx

from contactnotes.db.engine import Database
from contactnotes.web.live import _event_id
from tests.factories import World
from tests.security.objects import tether_note
from tests.security.web_support import signed_in


async def _headers(database: Database, world: World, persona: str = "bob") -> dict[str, str]:
    browser = await signed_in(database, getattr(world, persona))
    return {"Cookie": f"cn_session={browser.cookie}", "X-CSRF-Token": browser.csrf}


async def test_inbox_odd_inputs(client: httpx.AsyncClient, database: Database, world: World) -> None:
    headers = await _headers(database, world)
    for offset in ("-1", "abc", "1" * 30, "100001"):
        odd = await client.get("/inbox", params={"offset": offset}, headers=headers)
        assert odd.status_code == 400 and "offset" in odd.text, (offset, odd.status_code)
    far = await client.get("/inbox", params={"offset": "100000"}, headers=headers)
    assert far.status_code == 200 and "Nothing here yet" in far.text
    for oid in ("nobody", "0" * 24, "9" * 40, "%00"):
        unknown = await client.post(f"/inbox/{oid}/read", headers=headers)
        assert unknown.status_code == 404, oid


async def test_inbox_lists_newest_first_and_reads_once(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    for text in ("older", "newer"):
        await tether_note(client, world.alice, world.contact.oid, note=f"@bob the {text} one", mentions=[world.bob.oid])
    headers = await _headers(database, world)
    page = (await client.get("/inbox", headers=headers)).text
    assert page.index("the newer one") < page.index("the older one") and "2 unread" in page
    assert 'Notifications <span class="count">2</span>' in (await client.get("/inbox/bell", headers=headers)).text
    oid = re.findall(r'action="/inbox/([0-9a-f]{24})/read"', page)[0]
    read = await client.post(f"/inbox/{oid}/read", headers={**headers, "HX-Request": "true"})
    assert read.status_code == 200 and read.headers["HX-Trigger"] == "bell-changed" and "Unread" not in read.text
    again = await client.post(f"/inbox/{oid}/read", headers={**headers, "HX-Request": "true"})
    assert again.status_code == 200  # harmless twice
    everything = await client.post("/inbox/read-all", headers=headers)
    assert everything.status_code == 303 and everything.headers["location"] == "/inbox"
    assert "All read" in (await client.get("/inbox", headers=headers)).text


async def test_a_reminder_resolved_twice_says_so(client: httpx.AsyncClient, database: Database, world: World) -> None:
    note = await tether_note(
        client, world.alice, world.contact.oid, reminder={"message": "twice", "targetDate": "2030-01-01T00:00:00Z"}
    )
    reminder = note["reminder"]["_id"]
    headers = await _headers(database, world, "alice")
    first = await client.post(f"/reminders/{reminder}/complete", headers=headers)
    assert first.status_code == 303 and first.headers["location"] == "/reminders"
    second = await client.post(f"/reminders/{reminder}/dismiss", headers=headers)
    assert second.status_code == 409 and "already completed" in second.text
    from_note = await client.post(f"/reminders/{'0' * 24}/complete", headers={**headers, "HX-Request": "true"})
    assert from_note.status_code == 404


def test_an_unusable_event_id_is_ignored() -> None:
    assert _event_id("42") == 42
    assert _event_id(None, "17") == 17  # the header first, then the page's own position
    assert _event_id("abc", "-1", "", " ", "٣", str(2**63)) is None
    assert _event_id(str(2**63 - 1)) == 2**63 - 1
