"""Managing webhook subscriptions through both dialects: who may, what is refused, what is answered."""

from __future__ import annotations

import httpx
import pytest

from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.settings import Settings
from tests.events.conftest import subscribe
from tests.events.receiver import Receiver
from tests.factories import World


class TestTetherWebhooks:
    async def test_create_answers_the_secret_once_and_defaults_to_every_event(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver
    ) -> None:
        hook = await subscribe(client, world.ada.headers, receiver.url(), description="CRM sync")
        assert len(hook["secret"]) >= 32
        assert hook["events"] == [
            "note.created", "note.updated", "note.deleted", "note.reaction_toggled", "user.mentioned", "reminder.due",
            "contact.erased",
        ]  # fmt: skip
        got = await client.get(f"/api/webhooks/{hook['_id']}", headers=world.ada.headers)
        assert got.status_code == 200 and got.json()["data"]["secret"] is None
        listed = await client.get("/api/webhooks", headers=world.ada.headers)
        assert [h["_id"] for h in listed.json()["data"]] == [hook["_id"]]

    async def test_patch_changes_only_what_is_sent_and_delete_removes(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver
    ) -> None:
        hook = await subscribe(client, world.ada.headers, receiver.url(), events=["note.created"])
        patched = await client.patch(f"/api/webhooks/{hook['_id']}", json={"active": False}, headers=world.ada.headers)
        assert patched.status_code == 200, patched.text
        assert patched.json()["data"]["active"] is False
        assert patched.json()["data"]["events"] == ["note.created"]
        deleted = await client.delete(f"/api/webhooks/{hook['_id']}", headers=world.ada.headers)
        assert deleted.status_code == 200
        gone = await client.get(f"/api/webhooks/{hook['_id']}", headers=world.ada.headers)
        assert gone.status_code == 404 and gone.json()["success"] is False

    async def test_unknown_event_types_are_refused_naming_the_field(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver
    ) -> None:
        response = await client.post(
            "/api/webhooks", json={"url": receiver.url(), "events": ["note.exploded"]}, headers=world.ada.headers
        )
        assert response.status_code == 400
        assert [e["field"] for e in response.json()["errors"]] == ["events"]

    async def test_members_may_not_and_other_organizations_do_not_see_it(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver
    ) -> None:
        hook = await subscribe(client, world.ada.headers, receiver.url())
        member = await client.post("/api/webhooks", json={"url": receiver.url()}, headers=world.bob.headers)
        assert member.status_code == 403
        assert (await client.get("/api/webhooks", headers=world.alice.headers)).status_code == 403
        outsider = await client.get(f"/api/webhooks/{hook['_id']}", headers=world.carol.headers)
        assert outsider.status_code == 404  # another organization's webhook does not exist for Carol
        teammate = await client.get(f"/api/webhooks/{hook['_id']}", headers=world.bob.headers)
        assert teammate.status_code == 403  # Bob's organization has it, but he is no admin
        anonymous = await client.get("/api/webhooks")
        assert anonymous.status_code == 401

    async def test_deliveries_of_another_organization_are_not_found(
        self, database: Database, settings: Settings, world: World, receiver: Receiver, client: httpx.AsyncClient
    ) -> None:
        hook = await subscribe(client, world.ada.headers, receiver.url())
        from contactnotes.auth import service as auth
        from contactnotes.db.uow import unit_of_work
        from contactnotes.users import service as users

        async with unit_of_work(database) as session:
            boss = await users.create_user(
                session, world.globex, email="boss@globex.example.com", full_name="Globex Boss", handle="boss",
                admin=True,
            )  # fmt: skip
            token = (await auth.issue_token(session, boss, name="t")).secret
        response = await client.get(
            f"/api/webhooks/{hook['_id']}/deliveries", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 404


class TestPrivateAddresses:
    @pytest.mark.parametrize(
        "url",
        ["http://127.0.0.1:9/hook", "http://10.0.0.8/hook", "http://169.254.169.254/latest", "http://[::1]/x",
         "http://localhost:8080/", "ftp://example.com/x"],
    )  # fmt: skip
    async def test_are_refused_by_default(self, url: str, database: Database, settings: Settings, world: World) -> None:
        strict = settings.model_copy(update={"webhooks_allow_private_urls": False})
        app = create_app(strict, database)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            tether = await client.post("/api/webhooks", json={"url": url}, headers=world.ada.headers)
            virtuous = await client.post(
                "/api/Webhook", json={"payloadUrl": url, "secret": "s" * 20, "contactNoteCreate": True},
                headers=world.ada.headers,
            )  # fmt: skip
        assert tether.status_code == 400 and [e["field"] for e in tether.json()["errors"]] == ["url"]
        assert virtuous.status_code == 400
        assert [d["field"] for d in virtuous.json()["error"]["details"]] == ["payloadUrl"]


class TestVirtuousWebhooks:
    async def test_create_get_put_active_delete(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver
    ) -> None:
        created = await client.post(
            "/api/Webhook",
            json={
                "payloadUrl": receiver.url(), "secret": "0123456789abcdef", "contactNoteCreate": True,
                "contactNoteUpdate": False, "contactNoteDelete": True, "active": True,
            },
            headers=world.ada.headers,
        )  # fmt: skip
        assert created.status_code == 200, created.text
        body = created.json()
        assert isinstance(body["id"], int)
        assert body["contactNoteCreate"] is True and body["contactNoteUpdate"] is False
        assert body["contactNoteDelete"] is True and body["active"] is True
        assert "secret" not in body

        got = await client.get(f"/api/Webhook/{body['id']}", headers=world.ada.headers)
        assert got.json() == body
        put = await client.put(
            f"/api/Webhook/{body['id']}",
            json={"payloadUrl": receiver.url("/v2"), "secret": "fedcba9876543210", "contactNoteUpdate": True},
            headers=world.ada.headers,
        )
        assert put.status_code == 200
        assert put.json()["payloadUrl"].endswith("/v2")
        assert (put.json()["contactNoteCreate"], put.json()["contactNoteUpdate"]) == (False, True)
        off = await client.put(f"/api/Webhook/{body['id']}/Active?active=false", headers=world.ada.headers)
        assert off.status_code == 200 and off.json()["active"] is False
        assert (await client.delete(f"/api/Webhook/{body['id']}", headers=world.ada.headers)).status_code == 204
        missing = await client.get(f"/api/Webhook/{body['id']}", headers=world.ada.headers)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"

    # Found by schemathesis: an id past BIGINT reached the database and was a 500.
    @pytest.mark.parametrize("webhook_id", ["99999999999999999999999", "abc", "²"])
    async def test_ids_that_name_nothing_are_404_for_admins_and_members_alike(
        self, client: httpx.AsyncClient, world: World, webhook_id: str
    ) -> None:
        # The webhook is looked up before the role is checked: an id that names nothing is 404 for everyone.
        for method in ("GET", "DELETE"):
            admin = await client.request(method, f"/api/Webhook/{webhook_id}", headers=world.ada.headers)
            assert admin.status_code == 404, admin.text
            member = await client.request(method, f"/api/Webhook/{webhook_id}", headers=world.bob.headers)
            assert member.status_code == 404, member.text
        body = {"payloadUrl": "https://hooks.example.net/x", "secret": "s" * 16}
        put = await client.put(f"/api/Webhook/{webhook_id}", json=body, headers=world.ada.headers)
        active = await client.put(f"/api/Webhook/{webhook_id}/Active?active=false", headers=world.ada.headers)
        assert (put.status_code, active.status_code) == (404, 404)

    # Found by schemathesis on PostgreSQL, which cannot store U+0000: the secret was a 500.
    async def test_text_with_nul_is_400_naming_the_field(self, client: httpx.AsyncClient, world: World) -> None:
        body = {"payloadUrl": "https://hooks.example.net/x", "secret": "0123456789\x00abcdef"}
        response = await client.post("/api/Webhook", json=body, headers=world.ada.headers)
        assert response.status_code == 400, response.text
        assert [d["field"] for d in response.json()["error"]["details"]] == ["secret"]
        assert (await client.get("/api/Webhook/1", headers=world.ada.headers)).status_code == 404

    async def test_a_missing_payload_url_is_named(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.post("/api/Webhook", json={"secret": "0123456789abcdef"}, headers=world.ada.headers)
        assert response.status_code == 400
        assert "payloadUrl" in [d["field"] for d in response.json()["error"]["details"]]

    async def test_tether_subscriptions_are_not_virtuous_ones(
        self, client: httpx.AsyncClient, world: World, receiver: Receiver
    ) -> None:
        hook = await subscribe(client, world.ada.headers, receiver.url())
        listed = await client.get("/api/webhooks", headers=world.ada.headers)
        assert len(listed.json()["data"]) == 1
        probe = await client.get("/api/Webhook/1", headers=world.ada.headers)
        assert probe.status_code == 404 and hook["_id"]
