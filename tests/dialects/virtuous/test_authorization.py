"""Every Virtuous endpoint: no token, another organization's ids, someone else's private note, member vs admin."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import World

from .helpers import assert_error, create_note

# (method, path template, json body). {note}, {contact}, {reminder} are filled per test.
ENDPOINTS: list[tuple[str, str, Any]] = [
    ("GET", "/api/ContactNote/Types", None),
    ("GET", "/api/ContactNote/QueryOptions", None),
    ("POST", "/api/ContactNote/Query", {"groups": []}),
    ("GET", "/api/ContactNote/ByContact/{contact}", None),
    ("GET", "/api/ContactNote/Important/ByContact/{contact}", None),
    ("POST", "/api/ContactNote", {"contactId": "{contact}"}),
    ("GET", "/api/ContactNote/{note}", None),
    ("PUT", "/api/ContactNote/{note}", {"note": "x"}),
    ("DELETE", "/api/ContactNote/{note}", None),
    ("GET", "/api/Reminder/Active", None),
    ("GET", "/api/Reminder/ByContact/{contact}/Active", None),
    ("POST", "/api/Reminder/{reminder}/Complete", None),
    ("POST", "/api/Reminder/{reminder}/Dismiss", None),
]
IDS = [f"{m} {p}" for m, p, _ in ENDPOINTS]
# Endpoints that address a note, contact or reminder, which must be 404 from another organization.
ADDRESSED = [e for e in ENDPOINTS if "{" in e[1] or (e[2] and "{contact}" in str(e[2]))]


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str):
        for key, number in ids.items():
            if value == "{" + key + "}":
                return number
            value = value.replace("{" + key + "}", str(number))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


async def _alice_note_with_reminder(client: httpx.AsyncClient, world: World, **fields: Any) -> dict[str, int]:
    note = await create_note(
        client,
        world.alice,
        world.contact.id,
        note="n",
        reminder={"message": "follow up", "targetDate": "2030-01-01T00:00:00Z"},
        **fields,
    )
    return {"note": note["id"], "contact": world.contact.id, "reminder": note["reminder"]["id"]}


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=IDS)
async def test_no_token_is_401(client: httpx.AsyncClient, world: World, method: str, path: str, body: Any) -> None:
    ids = await _alice_note_with_reminder(client, world)
    response = await client.request(method, _fill(path, ids), json=_fill(body, ids))
    assert assert_error(response, 401) == {"message": "Authorization has been denied for this request."}
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "X-RateLimit-Limit" in response.headers


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=IDS)
async def test_a_bad_token_is_401(client: httpx.AsyncClient, world: World, method: str, path: str, body: Any) -> None:
    ids = await _alice_note_with_reminder(client, world)
    headers = {"Authorization": "Bearer cn_" + "A" * 43}
    response = await client.request(method, _fill(path, ids), json=_fill(body, ids), headers=headers)
    assert_error(response, 401)


@pytest.mark.parametrize(("method", "path", "body"), ADDRESSED, ids=[f"{m} {p}" for m, p, _ in ADDRESSED])
async def test_another_organizations_ids_are_404(
    client: httpx.AsyncClient, world: World, method: str, path: str, body: Any
) -> None:
    ids = await _alice_note_with_reminder(client, world)
    response = await client.request(method, _fill(path, ids), json=_fill(body, ids), headers=world.carol.headers)
    assert_error(response, 404)
    # And nothing was changed: Alice still sees her note and its active reminder.
    again = await client.get(f"/api/ContactNote/{ids['note']}", headers=world.alice.headers)
    assert again.status_code == 200 and again.json()["note"] == "n"
    assert again.json()["reminder"]["isUnresolved"] is True


PRIVATE_NOTE = [e for e in ENDPOINTS if "{note}" in e[1] or "{reminder}" in e[1]]


@pytest.mark.parametrize(("method", "path", "body"), PRIVATE_NOTE, ids=[f"{m} {p}" for m, p, _ in PRIVATE_NOTE])
@pytest.mark.parametrize("persona", ["bob", "ada"])
async def test_someone_elses_private_note_is_404(
    client: httpx.AsyncClient, world: World, method: str, path: str, body: Any, persona: str
) -> None:
    ids = await _alice_note_with_reminder(client, world, private=True)
    headers = getattr(world, persona).headers
    response = await client.request(method, _fill(path, ids), json=_fill(body, ids), headers=headers)
    assert_error(response, 404)


class TestMemberVersusAdmin:
    async def test_a_teammate_reads_but_cannot_edit_or_delete(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.id, note="mine")
        assert (await client.get(f"/api/ContactNote/{note['id']}", headers=world.bob.headers)).status_code == 200
        put = await client.put(f"/api/ContactNote/{note['id']}", json={"note": "bob"}, headers=world.bob.headers)
        assert assert_error(put, 403)["error"]["code"] == "FORBIDDEN"
        delete = await client.delete(f"/api/ContactNote/{note['id']}", headers=world.bob.headers)
        assert_error(delete, 403)
        assert (await client.get(f"/api/ContactNote/{note['id']}", headers=world.alice.headers)).json()[
            "note"
        ] == "mine"

    async def test_an_admin_deletes_but_does_not_edit(self, client: httpx.AsyncClient, world: World) -> None:
        note = await create_note(client, world.alice, world.contact.id, note="mine")
        put = await client.put(f"/api/ContactNote/{note['id']}", json={"note": "ada"}, headers=world.ada.headers)
        assert_error(put, 403)
        delete = await client.delete(f"/api/ContactNote/{note['id']}", headers=world.ada.headers)
        assert delete.status_code == 200

    async def test_reminders_are_completed_by_owner_or_admin_only(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        first = await _alice_note_with_reminder(client, world)
        second = await _alice_note_with_reminder(client, world)
        as_bob = await client.get(f"/api/ContactNote/{first['note']}", headers=world.bob.headers)
        assert as_bob.json()["reminder"]["canComplete"] is False
        as_ada = await client.get(f"/api/ContactNote/{first['note']}", headers=world.ada.headers)
        assert as_ada.json()["reminder"]["canComplete"] is True
        refused = await client.post(f"/api/Reminder/{first['reminder']}/Complete", headers=world.bob.headers)
        assert_error(refused, 403)
        done = await client.post(f"/api/Reminder/{first['reminder']}/Complete", headers=world.ada.headers)
        assert done.status_code == 200 and done.json()["taskStatus"] == "Completed"
        dismissed = await client.post(f"/api/Reminder/{second['reminder']}/Dismiss", headers=world.alice.headers)
        assert dismissed.status_code == 200 and dismissed.json()["taskStatus"] == "Dismissed"
