"""Signed links: made fresh on every answer, checked at every click, dead once their note is deleted."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from contactnotes.attachments import links
from contactnotes.attachments.files import Files
from contactnotes.attachments.schemas import AttachmentIn
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.kit.clock import utc_now
from contactnotes.kit.signing import Signer
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteUpdate
from contactnotes.settings import Settings
from tests.attachments.conftest import BASE_URL, fetch
from tests.attachments.helpers import as_attachment, assert_tether_error, create_note, upload, upload_pdf
from tests.factories import World
from tests.files import HTML, SVG, pdf_bytes


def relink(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return f"{parts.path}?{urlencode(query)}"


class TestNoteAnswers:
    async def test_a_created_note_answers_a_fresh_link_per_attachment(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        content = pdf_bytes(9000)
        [uploaded] = await upload(client, world.alice, ("w2.pdf", content))
        response = await create_note(client, world.alice, world.contact.oid, [as_attachment(uploaded, "Form W-2.pdf")])

        assert response.status_code == 201, response.text
        [attachment] = response.json()["data"]["attachments"]
        assert attachment["signedUrl"] != uploaded["signedUrl"]
        assert attachment["signedUrl"].startswith(f"{BASE_URL}{links.FILES_PATH}{uploaded['key']}?")
        download = await fetch(client, attachment["signedUrl"])
        assert download.status_code == 200
        assert download.content == content
        assert "Form W-2.pdf" in download.headers["content-disposition"]

    async def test_links_of_a_deleted_note_are_dead_at_once(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        uploaded = await upload_pdf(client, world.alice)
        created = (await create_note(client, world.alice, world.contact.oid, [as_attachment(uploaded)])).json()
        link = created["data"]["attachments"][0]["signedUrl"]
        assert (await fetch(client, link)).status_code == 200

        async with unit_of_work(database) as session:
            await notes.delete_note(session, world.alice.principal, created["data"]["_id"])

        assert_tether_error(await client.get(link), 404)
        # The upload's own link from before the attach is dead too: the file belongs to a deleted note now.
        assert_tether_error(await client.get(uploaded["signedUrl"]), 404)

    async def test_a_file_dropped_by_an_edit_is_no_longer_served(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        first = await upload_pdf(client, world.alice, "first.pdf")
        second = await upload_pdf(client, world.alice, "second.pdf")
        created = (await create_note(client, world.alice, world.contact.oid, [as_attachment(first)])).json()
        old_link = created["data"]["attachments"][0]["signedUrl"]

        async with unit_of_work(database) as session:
            keep = AttachmentIn(second["key"], "second.pdf")
            await notes.update_note(
                session, world.alice.principal, created["data"]["_id"], NoteUpdate(attachments=[keep])
            )

        assert_tether_error(await client.get(old_link), 404)
        assert (await fetch(client, second["signedUrl"])).status_code == 200

    async def test_a_file_belongs_to_one_note_and_dies_with_it(
        self, client: httpx.AsyncClient, world: World, database: Database
    ) -> None:
        uploaded = await upload_pdf(client, world.alice)
        one = (await create_note(client, world.alice, world.contact.oid, [as_attachment(uploaded)])).json()["data"]
        two = await create_note(client, world.alice, world.contact.oid, [as_attachment(uploaded)])
        assert_tether_error(two, 400, "attachments[0].key")
        async with unit_of_work(database) as session:
            await notes.delete_note(session, world.alice.principal, one["_id"])
        assert_tether_error(await client.get(one["attachments"][0]["signedUrl"]), 404)


class TestLinkChecks:
    async def test_an_altered_link_is_403(self, client: httpx.AsyncClient, world: World) -> None:
        uploaded = await upload_pdf(client, world.alice)
        link = uploaded["signedUrl"]
        signature = parse_qs(urlsplit(link).query)["sig"][0]
        flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
        for altered in [
            relink(link, sig=flipped),
            relink(link, exp=str(int(utc_now().timestamp()) + 86_400)),
            relink(link, disp="inline"),
            relink(link, name="other.pdf"),
            relink(link, kid="another-key"),
            link.split("?")[0],
        ]:
            assert_tether_error(await client.get(altered), 403)

    async def test_a_link_to_another_key_is_403(self, client: httpx.AsyncClient, world: World) -> None:
        first = await upload_pdf(client, world.alice, "a.pdf")
        second = await upload_pdf(client, world.alice, "b.pdf")
        query = urlsplit(first["signedUrl"]).query
        assert_tether_error(await client.get(f"{links.FILES_PATH}{second['key']}?{query}"), 403)

    async def test_an_expired_link_is_403(self, client: httpx.AsyncClient, world: World, files: Files) -> None:
        uploaded = await upload_pdf(client, world.alice)
        expired = int((utc_now() - timedelta(seconds=1)).timestamp())
        link = links.download_link(BASE_URL, files.signer, uploaded["key"], "w2.pdf", expires=expired)
        body = assert_tether_error(await client.get(link), 403)
        assert body["message"] == links.DENIED

    @pytest.mark.parametrize(
        "path",
        ["/api/files/orgs/%2E%2E/%2E%2E/etc/passwd", "/api/files/%2Fetc%2Fpasswd", "/api/files//etc/passwd",
         "/api/files/orgs/..%5C..%5Cwin.ini"],
    )  # fmt: skip
    async def test_dot_dot_and_absolute_paths_are_400(
        self, client: httpx.AsyncClient, world: World, files: Files, path: str
    ) -> None:
        expires = int(utc_now().timestamp()) + 60
        signed = links.download_link(BASE_URL, files.signer, "orgs/x", "x", expires=expires)
        response = await client.get(f"{path}?{urlsplit(signed).query}")
        assert_tether_error(response, 400, "key")

    async def test_a_rotated_secret_still_verifies_links_it_signed(
        self, client: httpx.AsyncClient, world: World, settings: Settings, database: Database
    ) -> None:
        from pydantic import SecretStr

        from contactnotes.app import create_app

        uploaded = await upload_pdf(client, world.alice)
        old = Signer({"2025": b"o" * 32}, "2025")
        expires = int(utc_now().timestamp()) + 60
        old_link = links.download_link(BASE_URL, old, uploaded["key"], "w2.pdf", expires=expires)
        rotated = settings.model_copy(
            update={
                "link_signing_keys": {"2026": SecretStr("n" * 32), "2025": SecretStr("o" * 32)},
                "link_signing_key_id": "2026",
            }
        )
        app = create_app(rotated, database)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as rotated_client:
            assert (await fetch(rotated_client, old_link)).status_code == 200
            [fresh] = await upload(rotated_client, world.alice, ("new.pdf", pdf_bytes(3000)))
            assert parse_qs(urlsplit(fresh["signedUrl"]).query)["kid"] == ["2026"]
        await app.state.files.close()
        # The app that knows only its own generated key refuses both.
        assert_tether_error(await client.get(old_link), 403)


class TestServedSafely:
    async def test_downloads_carry_the_sniffed_type_attachment_and_nosniff(
        self, client: httpx.AsyncClient, world: World, storage_backend: str
    ) -> None:
        uploaded = await upload_pdf(client, world.alice, "ünïcode name.pdf")
        response = await client.get(uploaded["signedUrl"])
        if storage_backend == "local":
            assert response.status_code == 200
            assert response.headers["x-content-type-options"] == "nosniff"
        else:
            assert response.status_code == 302
            response = await fetch(client, uploaded["signedUrl"])
        assert response.headers["content-type"] == "application/pdf"
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%C3%BCn%C3%AFcode%20name.pdf" in disposition

    @pytest.mark.parametrize(
        ("name", "content", "sniffed"), [("a.html", HTML, "text/html"), ("b.svg", SVG, "image/svg+xml")]
    )
    async def test_html_and_svg_are_never_served_inline(
        self,
        world: World,
        settings: Settings,
        database: Database,
        name: str,
        content: bytes,
        sniffed: str,
    ) -> None:
        from contactnotes.app import create_app

        permissive = settings.model_copy(update={"upload_allowed_types": [*settings.upload_allowed_types, sniffed]})
        app = create_app(permissive, database)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client:
            [uploaded] = await upload(client, world.alice, (name.replace(".html", ".png"), content))
            assert uploaded["type"] == sniffed
            files: Files = app.state.files
            expires = int(utc_now().timestamp()) + 60
            inline = links.download_link(BASE_URL, files.signer, uploaded["key"], name, expires=expires, inline=True)
            response = await fetch(client, inline)
            assert response.status_code == 200
            assert response.content == content
            assert response.headers["content-disposition"].startswith("attachment;")
        await app.state.files.close()

    async def test_a_pdf_may_be_shown_inline_when_the_link_asks(
        self, client: httpx.AsyncClient, world: World, files: Files
    ) -> None:
        uploaded = await upload_pdf(client, world.alice)
        expires = int(utc_now().timestamp()) + 60
        inline = links.download_link(BASE_URL, files.signer, uploaded["key"], "w2.pdf", expires=expires, inline=True)
        response = await fetch(client, inline)
        assert response.headers["content-disposition"].startswith("inline;")
