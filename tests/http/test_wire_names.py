"""The core names its fields once (`body`, `time_spent`, `contact`); each dialect answers in its own spelling,
and what the HTTP layer or a dialect refuses before any service runs keeps the wire's name it already has."""

from __future__ import annotations

import httpx

from contactnotes.errors import FieldProblem, Invalid
from contactnotes.http.errors import Failure, RequestRefused, to_failure
from tests.factories import World

NAMES = {"body": "note", "reminder.target_date": "reminder.targetDate", "contact": "contactId"}


def test_a_core_failure_is_renamed_whole_or_by_its_head() -> None:
    failure = to_failure(
        Invalid(
            "bad",
            [
                FieldProblem("body", "too long"),
                FieldProblem("reminder.target_date", "no zone"),
                FieldProblem("contact[1].id", "unknown"),
                FieldProblem("mentions[0]", "unknown"),
            ],
        )
    )
    assert [p.field for p in failure.wire_problems(NAMES)] == [
        "note",
        "reminder.targetDate",
        "contactId[1].id",
        "mentions[0]",
    ]


def test_a_refusal_before_the_core_keeps_its_wire_names() -> None:
    failure = to_failure(RequestRefused.field("body", "The argument cannot be null"))
    assert failure.status == 400
    assert [p.field for p in failure.wire_problems(NAMES)] == ["body"]
    assert Failure(400, "x", [FieldProblem("body", "x")]).wire_problems(NAMES)[0].field == "body"


async def test_tether_names_a_core_rule_in_its_own_words(client: httpx.AsyncClient, world: World) -> None:
    blank = await client.post("/api/contacts", json={"displayName": "   "}, headers=world.alice.headers)
    assert blank.status_code == 400
    assert [e["field"] for e in blank.json()["errors"]] == ["displayName"]

    created = await client.post(
        "/api/contact-notes", json={"contactId": world.contact.oid, "note": "hello"}, headers=world.alice.headers
    )
    moved = await client.patch(
        f"/api/contact-notes/{created.json()['data']['_id']}",
        json={"contactId": world.other_contact.oid},
        headers=world.alice.headers,
    )
    assert moved.status_code == 400
    assert [e["field"] for e in moved.json()["errors"]] == ["contactId"]


async def test_tether_upload_refusal_names_the_request_body(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        "/api/upload", content=b"x", headers={**world.alice.headers, "Content-Type": "text/plain"}
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["body"]


async def test_virtuous_names_a_core_rule_in_its_own_words(client: httpx.AsyncClient, world: World) -> None:
    created = await client.post(
        "/api/ContactNote", json={"contactId": world.contact.id, "note": "hello"}, headers=world.alice.headers
    )
    assert created.status_code == 200
    moved = await client.put(
        f"/api/ContactNote/{created.json()['id']}",
        json={"contactId": world.other_contact.id, "note": "hello"},
        headers=world.alice.headers,
    )
    assert moved.status_code == 400
    assert [d["field"] for d in moved.json()["error"]["details"]] == ["contactId"]

    no_body = await client.post(
        "/api/ContactNote", content=b"null", headers={**world.alice.headers, "Content-Type": "application/json"}
    )
    assert no_body.status_code == 400
    assert [d["field"] for d in no_body.json()["error"]["details"]] == ["body"]
