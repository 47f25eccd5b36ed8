"""Every size and count limit, at the limit (accepted) and one past it (refused in the dialect's error shape,
naming the field, with nothing written).

One row per limit and dialect in LIMITS; each row says how to send a request carrying `n` of the thing.
The test sends n = limit, which must succeed, then n = limit + 1, which must be refused without changing a
row of notes, mentions, attachments, reactions, reminders, notifications or outbox events.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.models import (
    Note,
    NoteAttachment,
    NoteMention,
    NoteReaction,
    Notification,
    OutboxEvent,
    Reminder,
    User,
)
from contactnotes.notes import service as notes
from contactnotes.notes.schemas import NoteCreate
from contactnotes.settings import Settings
from contactnotes.users import service as users
from tests.attachments.helpers import as_attachment, upload
from tests.dialects.tether.support import assert_tether_error
from tests.dialects.virtuous.helpers import assert_error as assert_virtuous_error
from tests.factories import World
from tests.files import pdf_bytes

ONE_MB = 1_000_000
NOTE_CHARACTERS = 100_000
MENTIONS = 50
ATTACHMENTS = 10
DISTINCT_EMOJI = 20
TETHER_PAGE = 100
VIRTUOUS_PAGE = 1000
TETHER, VIRTUOUS = "tether", "virtuous"
EMOJI = "😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩"  # 21 single-code-point emoji


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The defaults, but a webhook may point at loopback (a delivery log to page through)."""
    return Settings(  # type: ignore[call-arg]
        database_url=database_url, var_dir=tmp_path / "var", webhooks_allow_private_urls=True, _env_file=None
    )


@dataclass
class Ctx:
    client: httpx.AsyncClient
    world: World
    database: Database
    made: dict[str, Any] = field(default_factory=dict)  # what prepare() made: a note, members, uploads


Send = Callable[[Ctx, int], Awaitable[httpx.Response]]
Prepare = Callable[[Ctx], Awaitable[None]]


@dataclass(frozen=True)
class Limit:
    id: str
    dialect: str  # TETHER or VIRTUOUS
    limit: int
    field: str  # the field the refusal names
    send: Send
    prepare: Prepare | None = None
    at_limit: Callable[[httpx.Response], None] | None = None  # more to check of the accepted answer
    status: int = 400  # the refusal's status


# ---- what the rows prepare --------------------------------------------------------------------------


async def a_tether_note(ctx: Ctx) -> None:
    created = await ctx.client.post(
        "/api/contact-notes", json={"contactId": ctx.world.contact.oid, "note": "n"}, headers=ctx.world.alice.headers
    )
    assert created.status_code == 201, created.text
    ctx.made["note"] = created.json()["data"]["_id"]


async def a_virtuous_note(ctx: Ctx) -> None:
    created = await ctx.client.post(
        "/api/ContactNote", json={"contactId": ctx.world.contact.id, "note": "n"}, headers=ctx.world.alice.headers
    )
    assert created.status_code == 200, created.text
    ctx.made["note"] = created.json()["id"]


async def members(ctx: Ctx) -> None:
    """MENTIONS + 1 more members of Acme, handles m0, m1, ..."""
    async with unit_of_work(ctx.database) as session:
        made: list[User] = [
            await users.create_user(
                session, ctx.world.acme, email=f"m{i}@acme.example.com", full_name=f"Member {i}", handle=f"m{i}"
            )
            for i in range(MENTIONS + 1)
        ]
    ctx.made["members"] = made


async def uploads(ctx: Ctx) -> None:
    """ATTACHMENTS + 1 uploaded files (an upload takes at most 10 files)."""
    files = [(f"f{i}.pdf", pdf_bytes(1000 + i, seed=i)) for i in range(ATTACHMENTS + 1)]
    ctx.made["uploads"] = [
        *await upload(ctx.client, ctx.world.alice, *files[:ATTACHMENTS]),
        *await upload(ctx.client, ctx.world.alice, *files[ATTACHMENTS:]),
    ]


async def reactions_but_one(ctx: Ctx) -> None:
    """A note already carrying DISTINCT_EMOJI - 1 different emoji."""
    await a_tether_note(ctx)
    for emoji in EMOJI[: DISTINCT_EMOJI - 1]:
        reacted = await ctx.client.post(
            f"/api/contact-notes/{ctx.made['note']}/reaction", json={"emoji": emoji}, headers=ctx.world.bob.headers
        )
        assert reacted.status_code == 200, reacted.text


def seed_notes(count: int) -> Prepare:
    """`count` notes on Acme's contact, through the notes service (the one door), in one transaction."""

    async def prepare(ctx: Ctx) -> None:
        async with unit_of_work(ctx.database) as session:
            for i in range(count):
                await notes.create_note(
                    session, ctx.world.alice.principal, NoteCreate(contact=ctx.world.contact.id, body=f"note {i}")
                )

    return prepare


async def a_webhook_delivery_log(ctx: Ctx) -> None:
    hook = await ctx.client.post(
        "/api/webhooks", json={"url": "http://127.0.0.1:9/hook"}, headers=ctx.world.ada.headers
    )
    assert hook.status_code == 201, hook.text
    ctx.made["webhook"] = hook.json()["data"]["_id"]


# ---- how the rows send `n` of the thing -------------------------------------------------------------


def json_body_of(size: int, document: str) -> bytes:
    """A JSON document padded with insignificant whitespace to exactly `size` bytes."""
    encoded = document.encode()
    assert len(encoded) <= size
    return encoded + b" " * (size - len(encoded))


def body_of_bytes(path: str, document: Callable[[Ctx], str], streamed: bool) -> Send:
    async def send(ctx: Ctx, n: int) -> httpx.Response:
        body = json_body_of(n, document(ctx))
        headers = {**ctx.world.alice.headers, "Content-Type": "application/json"}
        if not streamed:
            return await ctx.client.post(path, content=body, headers=headers)

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit is counted while reading
            for start in range(0, len(body), 65536):
                yield body[start : start + 65536]

        return await ctx.client.post(path, content=chunks(), headers=headers)

    return send


def tether_create(fields: Callable[[Ctx, int], dict[str, Any]]) -> Send:
    async def send(ctx: Ctx, n: int) -> httpx.Response:
        body = {"contactId": ctx.world.contact.oid, **fields(ctx, n)}
        return await ctx.client.post("/api/contact-notes", json=body, headers=ctx.world.alice.headers)

    return send


def tether_patch(fields: Callable[[Ctx, int], dict[str, Any]]) -> Send:
    async def send(ctx: Ctx, n: int) -> httpx.Response:
        path = f"/api/contact-notes/{ctx.made['note']}"
        return await ctx.client.patch(path, json=fields(ctx, n), headers=ctx.world.alice.headers)

    return send


def virtuous_create(fields: Callable[[Ctx, int], dict[str, Any]]) -> Send:
    async def send(ctx: Ctx, n: int) -> httpx.Response:
        body = {"contactId": ctx.world.contact.id, **fields(ctx, n)}
        return await ctx.client.post("/api/ContactNote", json=body, headers=ctx.world.alice.headers)

    return send


def virtuous_put(fields: Callable[[Ctx, int], dict[str, Any]]) -> Send:
    async def send(ctx: Ctx, n: int) -> httpx.Response:
        path = f"/api/ContactNote/{ctx.made['note']}"
        return await ctx.client.put(path, json=fields(ctx, n), headers=ctx.world.alice.headers)

    return send


def page(path: Callable[[Ctx], str], parameter: str, persona: str = "alice") -> Send:
    async def send(ctx: Ctx, n: int) -> httpx.Response:
        headers = getattr(ctx.world, persona).headers
        url = httpx.URL(path(ctx))
        return await ctx.client.get(url.copy_merge_params({parameter: n}), headers=headers)

    return send


def text_of(_: Ctx, n: int) -> dict[str, Any]:
    return {"note": "é" * n}  # characters, not bytes: each is two bytes of UTF-8


def handles(ctx: Ctx, n: int) -> dict[str, Any]:
    return {"note": " ".join(f"@{m.handle}" for m in ctx.made["members"][:n])}


def ids(ctx: Ctx, n: int) -> dict[str, Any]:
    return {"note": "hello team", "mentions": [m.oid for m in ctx.made["members"][:n]]}


def files(ctx: Ctx, n: int) -> dict[str, Any]:
    return {"attachments": [as_attachment(u) for u in ctx.made["uploads"][:n]]}


async def react(ctx: Ctx, n: int) -> httpx.Response:
    """React with the n-th different emoji."""
    path = f"/api/contact-notes/{ctx.made['note']}/reaction"
    return await ctx.client.post(path, json={"emoji": EMOJI[n - 1]}, headers=ctx.world.alice.headers)


def tether_document(ctx: Ctx) -> str:
    return f'{{"contactId": "{ctx.world.contact.oid}", "note": "padded"}}'


def virtuous_document(ctx: Ctx) -> str:
    return f'{{"contactId": {ctx.world.contact.id}, "note": "padded"}}'


def returns(count: int, key: str) -> Callable[[httpx.Response], None]:
    def check(response: httpx.Response) -> None:
        items = response.json()[key]
        assert len(items) == count

    return check


# ---- the table ----------------------------------------------------------------------------------------


def _then(first: Prepare, second: Prepare) -> Prepare:
    async def prepare(ctx: Ctx) -> None:
        await first(ctx)
        await second(ctx)

    return prepare


async def query(ctx: Ctx, n: int) -> httpx.Response:
    return await ctx.client.post("/api/ContactNote/Query", params={"take": n}, json={}, headers=ctx.world.alice.headers)


def contact_notes(ctx: Ctx) -> str:
    return f"/api/contact-notes?contactId={ctx.world.contact.oid}"


def deliveries(ctx: Ctx) -> str:
    return f"/api/webhooks/{ctx.made['webhook']}/deliveries"


def by_contact(ctx: Ctx) -> str:
    return f"/api/ContactNote/ByContact/{ctx.world.contact.id}"


def important(ctx: Ctx) -> str:
    return f"/api/ContactNote/Important/ByContact/{ctx.world.contact.id}"


def fixed(path: str) -> Callable[[Ctx], str]:
    return lambda _: path


def tether_body(streamed: bool) -> Send:
    return body_of_bytes("/api/contact-notes", tether_document, streamed)


def virtuous_body(streamed: bool) -> Send:
    return body_of_bytes("/api/ContactNote", virtuous_document, streamed)


SEED_TETHER_PAGE, SEED_VIRTUOUS_PAGE = seed_notes(TETHER_PAGE + 1), seed_notes(VIRTUOUS_PAGE + 1)

LIMITS = [
    # JSON body: 1 MB, by Content-Length and while streaming without one.
    Limit("tether-body-declared", TETHER, ONE_MB, "body", tether_body(streamed=False), status=413),
    Limit("tether-body-streamed", TETHER, ONE_MB, "body", tether_body(streamed=True), status=413),
    Limit("virtuous-body-declared", VIRTUOUS, ONE_MB, "body", virtuous_body(streamed=False), status=413),
    Limit("virtuous-body-streamed", VIRTUOUS, ONE_MB, "body", virtuous_body(streamed=True), status=413),
    # Note body: 100,000 characters, on create and on edit.
    Limit("tether-note-create", TETHER, NOTE_CHARACTERS, "note", tether_create(text_of)),
    Limit("tether-note-patch", TETHER, NOTE_CHARACTERS, "note", tether_patch(text_of), prepare=a_tether_note),
    Limit("virtuous-note-create", VIRTUOUS, NOTE_CHARACTERS, "note", virtuous_create(text_of)),
    Limit("virtuous-note-put", VIRTUOUS, NOTE_CHARACTERS, "note", virtuous_put(text_of), prepare=a_virtuous_note),
    # Mentions: 50 users, by id (TetherAI only) or by @handle in the body (both).
    Limit("tether-mentions-ids", TETHER, MENTIONS, "mentions", tether_create(ids), prepare=members),
    Limit("tether-mentions-handles", TETHER, MENTIONS, "note", tether_create(handles), prepare=members),
    Limit("tether-mentions-patch", TETHER, MENTIONS, "mentions", tether_patch(ids), _then(members, a_tether_note)),
    Limit("virtuous-mentions-handles", VIRTUOUS, MENTIONS, "note", virtuous_create(handles), prepare=members),
    # Attachments: 10 per note (the Virtuous API has no attachment field).
    Limit("tether-attachments-create", TETHER, ATTACHMENTS, "attachments", tether_create(files), prepare=uploads),
    Limit("tether-attachments-patch", TETHER, ATTACHMENTS, "attachments", tether_patch(files),
          _then(uploads, a_tether_note)),
    # Reactions: 20 different emoji per note (the Virtuous API has no reactions).
    Limit("tether-distinct-emoji", TETHER, DISTINCT_EMOJI, "emoji", react, prepare=reactions_but_one),
    # Page sizes: 100 on every TetherAI list, 1000 on the Virtuous ones. Where notes are seeded past the
    # limit, the accepted page must hold exactly `limit` of them.
    Limit("tether-page-contact-notes", TETHER, TETHER_PAGE, "limit", page(contact_notes, "limit"),
          SEED_TETHER_PAGE, returns(TETHER_PAGE, "data")),
    Limit("tether-page-notifications", TETHER, TETHER_PAGE, "limit", page(fixed("/api/notifications"), "limit")),
    Limit("tether-page-users", TETHER, TETHER_PAGE, "limit", page(fixed("/api/users"), "limit")),
    Limit("tether-page-contacts", TETHER, TETHER_PAGE, "limit", page(fixed("/api/contacts"), "limit")),
    Limit("tether-page-reminders", TETHER, TETHER_PAGE, "limit", page(fixed("/api/reminders"), "limit")),
    Limit("tether-page-deliveries", TETHER, TETHER_PAGE, "limit", page(deliveries, "limit", "ada"),
          a_webhook_delivery_log),
    Limit("virtuous-page-by-contact", VIRTUOUS, VIRTUOUS_PAGE, "take", page(by_contact, "take"),
          SEED_VIRTUOUS_PAGE, returns(VIRTUOUS_PAGE, "list")),
    Limit("virtuous-page-query", VIRTUOUS, VIRTUOUS_PAGE, "take", query,
          SEED_VIRTUOUS_PAGE, returns(VIRTUOUS_PAGE, "list")),
    Limit("virtuous-page-important", VIRTUOUS, VIRTUOUS_PAGE, "take", page(important, "take")),
    Limit("virtuous-page-reminders", VIRTUOUS, VIRTUOUS_PAGE, "take", page(fixed("/api/Reminder/Active"), "take")),
]  # fmt: skip


async def snapshot(database: Database) -> tuple[list[int], list[tuple[Any, ...]]]:
    """Row counts of everything a write could add, and every note's body and last change."""
    async with unit_of_work(database) as session:
        counts = [
            int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (Note, NoteMention, NoteAttachment, NoteReaction, Reminder, Notification, OutboxEvent)
        ]
        rows = (await session.execute(select(Note.id, Note.body, Note.updated_at).order_by(Note.id))).all()
    return counts, [tuple(row) for row in rows]


def test_the_table_names_the_configured_defaults() -> None:
    assert Settings.model_fields["max_body_bytes"].default == ONE_MB


@pytest.mark.parametrize("limit", LIMITS, ids=[limit.id for limit in LIMITS])
async def test_at_the_limit_and_one_past_it(
    limit: Limit, client: httpx.AsyncClient, world: World, database: Database
) -> None:
    ctx = Ctx(client, world, database)
    if limit.prepare is not None:
        await limit.prepare(ctx)

    at = await limit.send(ctx, limit.limit)
    assert at.is_success, f"{limit.id}: {limit.limit} should be accepted: {at.status_code} {at.text[:300]}"
    if limit.at_limit is not None:
        limit.at_limit(at)

    before = await snapshot(database)
    over = await limit.send(ctx, limit.limit + 1)
    if limit.dialect == "tether":
        assert_tether_error(over, limit.status, limit.field)
    else:
        assert_virtuous_error(over, limit.status, limit.field)
    assert await snapshot(database) == before, f"{limit.id}: the refused request wrote something"
