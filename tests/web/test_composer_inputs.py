"""The composer's contact search answers odd input plainly: any text is a search, an unknown or foreign
contact chosen is left out (never named, never an error), and another organization's contact is 404."""

from __future__ import annotations

import httpx

from contactnotes.db.engine import Database
from tests.factories import World
from tests.security.web_support import signed_in


async def test_the_choices_answer_odd_searches_plainly(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    browser = await signed_in(database, world.alice)
    headers = {"Cookie": f"cn_session={browser.cookie}", "HX-Request": "true"}
    path = f"/contacts/{world.contact.oid}/choices"
    for find in ("", "%", "_", "\U0001f600", "é" * 500, "' OR 1=1 --"):
        answer = await client.get(path, params={"find": find}, headers=headers)
        assert answer.status_code == 200, find
    for chosen in ("nobody", "0" * 24, world.foreign_contact.oid):  # never named, never an error
        answer = await client.get(path, params={"also_contact": chosen}, headers=headers)
        assert answer.status_code == 200 and chosen not in answer.text
    foreign = await client.get(f"/contacts/{world.foreign_contact.oid}/choices", headers=headers)
    assert foreign.status_code == 404
