"""POST /api/ContactNote/Query and GET /api/ContactNote/QueryOptions: every parameter and operator,
AND within a group, OR across groups, paging, and 400s naming what is unknown."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import World

from .helpers import assert_error, assert_matches, create_note, fixture


async def seed(client: httpx.AsyncClient, world: World) -> dict[str, dict[str, Any]]:
    a, b = world.contact.id, world.other_contact.id
    return {
        "n1": await create_note(
            client,
            world.alice,
            a,
            type="Call",
            note="Receipt sent",
            noteDateTime="2026-01-10T12:00:00Z",
            important=True,
        ),
        "n2": await create_note(client, world.bob, a, type="Email", note="Thank you email", noteDateTime="2026-02-10"),
        "n3": await create_note(
            client,
            world.alice,
            b,
            type="Letter",
            note="Annual receipt letter",
            noteDateTime="2026-03-10",
            important=True,
        ),
        "n4": await create_note(
            client, world.alice, a, note="private thoughts", noteDateTime="2026-01-15T08:00:00Z", private=True
        ),
    }


def cond(parameter: str, operator: str, value: Any = None, secondary: Any = None, values: Any = None) -> dict:
    c: dict[str, Any] = {"parameter": parameter, "operator": operator}
    if value is not None:
        c["value"] = value
    if secondary is not None:
        c["secondaryValue"] = secondary
    if values is not None:
        c["values"] = values
    return c


async def run(client: httpx.AsyncClient, world: World, groups: list[list[dict]], **extra: Any) -> httpx.Response:
    body = {"groups": [{"conditions": g} for g in groups], **extra}
    return await client.post("/api/ContactNote/Query?take=100", json=body, headers=world.alice.headers)


def names(response: httpx.Response, notes: dict[str, dict[str, Any]]) -> set[str]:
    by_id = {n["id"]: key for key, n in notes.items()}
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["list"])
    return {by_id[n["id"]] for n in body["list"]}


# The values "<A>", "<B>", "<alice>", ... are replaced per test.
CASES: list[tuple[dict, set[str]]] = [
    (cond("Contact Id", "Is", "<A>"), {"n1", "n2", "n4"}),
    (cond("Contact Id", "IsNot", "<A>"), {"n3"}),
    (cond("Contact Id", "In", values=["<B>"]), {"n3"}),
    (cond("Contact Id", "NotIn", values=["<A>"]), {"n3"}),
    (cond("Type", "Is", "call"), {"n1"}),
    (cond("Type", "IsNot", "Call"), {"n2", "n3", "n4"}),
    (cond("Type", "In", values=["email", "LETTER"]), {"n2", "n3"}),
    (cond("Type", "NotIn", values=["Call", "Email"]), {"n3", "n4"}),
    (cond("Note", "Contains", "RECEIPT"), {"n1", "n3"}),
    (cond("Note", "DoesNotContain", "receipt"), {"n2", "n4"}),
    (cond("Note", "StartsWith", "thank"), {"n2"}),
    (cond("Note", "Is", "Receipt sent"), {"n1"}),
    (cond("Note", "Contains", "%"), set()),
    (cond("Note Date", "Is", "2026-01-10"), {"n1"}),
    (cond("Note Date", "Is", "2026-01-10T12:00:00Z"), {"n1"}),
    (cond("Note Date", "Before", "2026-01-15"), {"n1"}),
    (cond("Note Date", "After", "2026-01-15"), {"n2", "n3"}),
    (cond("Note Date", "After", "2026-01-15T00:00:00Z"), {"n2", "n3", "n4"}),
    (cond("Note Date", "Between", "2026-01-10", "2026-02-10"), {"n1", "n2", "n4"}),
    (cond("Note Date", "Between", "2026-01-10T12:00:00Z", "2026-01-15T08:00:00Z"), {"n1", "n4"}),
    (cond("Create Date", "After", "2000-01-01"), {"n1", "n2", "n3", "n4"}),
    (cond("Create Date", "Before", "2000-01-01"), set()),
    (cond("Create Date", "Between", "2000-01-01", "2999-12-31"), {"n1", "n2", "n3", "n4"}),
    (cond("Create Date", "Is", "2000-01-01"), set()),
    (cond("Last Modified Date", "After", "2000-01-01"), {"n1", "n2", "n3", "n4"}),
    (cond("Last Modified Date", "Before", "2000-01-01"), set()),
    (cond("Important", "IsTrue"), {"n1", "n3"}),
    (cond("Important", "IsFalse"), {"n2", "n4"}),
    (cond("Private", "IsTrue"), {"n4"}),
    (cond("Private", "IsFalse"), {"n1", "n2", "n3"}),
    (cond("Created By", "Is", "<alice>"), {"n1", "n3", "n4"}),
    (cond("Created By", "IsNot", "<alice>"), {"n2"}),
    (cond("Created By", "In", values=["<bob_email>"]), {"n2"}),
    (cond("Created By", "NotIn", values=["<alice_oid>"]), {"n2"}),
    (cond("contact id", "is", "<A>"), {"n1", "n2", "n4"}),
    (cond("LastModifiedDate", "AFTER", "2000-01-01"), {"n1", "n2", "n3", "n4"}),
]


def _ids(world: World) -> dict[str, Any]:
    return {
        "<A>": str(world.contact.id),
        "<B>": str(world.other_contact.id),
        "<alice>": str(world.alice.user.id),
        "<bob_email>": world.bob.user.email,
        "<alice_oid>": world.alice.oid,
    }


def _fill(condition: dict, world: World) -> dict:
    ids = _ids(world)

    def one(v: Any) -> Any:
        return ids.get(v, v) if isinstance(v, str) else [one(x) for x in v] if isinstance(v, list) else v

    return {k: one(v) for k, v in condition.items()}


@pytest.mark.parametrize(("condition", "expected"), CASES, ids=[f"{c['parameter']} {c['operator']}" for c, _ in CASES])
async def test_each_parameter_and_operator(
    client: httpx.AsyncClient, world: World, condition: dict, expected: set[str]
) -> None:
    notes = await seed(client, world)
    assert names(await run(client, world, [[_fill(condition, world)]]), notes) == expected


async def test_conditions_in_a_group_are_anded(client: httpx.AsyncClient, world: World) -> None:
    notes = await seed(client, world)
    group = [cond("Contact Id", "Is", world.contact.id), cond("Important", "IsTrue")]
    assert names(await run(client, world, [group]), notes) == {"n1"}


async def test_groups_are_ored(client: httpx.AsyncClient, world: World) -> None:
    notes = await seed(client, world)
    groups = [[cond("Type", "Is", "Call")], [cond("Type", "Is", "Letter")]]
    assert names(await run(client, world, groups), notes) == {"n1", "n3"}


async def test_the_fixture_query(client: httpx.AsyncClient, world: World) -> None:
    notes = await seed(client, world)
    body = fixture("query.request.json", contactId=world.contact.id)
    response = await client.post("/api/ContactNote/Query?skip=0&take=10", json=body, headers=world.alice.headers)
    assert [n["id"] for n in response.json()["list"]] == [notes["n1"]["id"], notes["n3"]["id"]]
    assert response.json()["total"] == 2


async def test_no_groups_is_every_visible_note_and_numbers_are_accepted(
    client: httpx.AsyncClient, world: World
) -> None:
    notes = await seed(client, world)
    assert names(await run(client, world, []), notes) == {"n1", "n2", "n3", "n4"}
    as_number = await run(client, world, [[cond("Contact Id", "Is", world.other_contact.id)]])
    assert names(as_number, notes) == {"n3"}


async def test_paging_and_sorting(client: httpx.AsyncClient, world: World) -> None:
    notes = await seed(client, world)
    body = {"groups": [], "sortBy": "NoteDate", "descending": False}
    response = await client.post("/api/ContactNote/Query?skip=1&take=2", json=body, headers=world.alice.headers)
    assert response.json()["total"] == 4
    assert [n["id"] for n in response.json()["list"]] == [notes["n4"]["id"], notes["n2"]["id"]]
    newest = await client.post("/api/ContactNote/Query?take=1", json={}, headers=world.alice.headers)
    assert newest.json()["list"][0]["id"] == notes["n3"]["id"] and newest.json()["total"] == 4


@pytest.mark.parametrize(
    ("condition", "field", "mentions"),
    [
        (cond("Colour", "Is", "red"), "groups[0].conditions[1].parameter", "Colour"),
        (cond("Important", "Contains", "x"), "groups[0].conditions[1].operator", "Contains"),
        (cond("Contact Id", "Is"), "groups[0].conditions[1].value", None),
        (cond("Contact Id", "Is", "seven"), "groups[0].conditions[1].value", "seven"),
        (cond("Contact Id", "In", values=[]), "groups[0].conditions[1].values", None),
        (cond("Note Date", "After", "soon"), "groups[0].conditions[1].value", "soon"),
        (cond("Note Date", "Between", "2026-01-01"), "groups[0].conditions[1].secondaryValue", None),
        (cond("Note Date", "Between", "2026-02-01", "2026-01-01"), "groups[0].conditions[1].secondaryValue", None),
        (cond("Created By", "Is", "nobody@example.com"), "groups[0].conditions[1].value", "nobody@example.com"),
        (cond("Created By", "Is", "<carol>"), "groups[0].conditions[1].value", None),
    ],
)
async def test_bad_conditions_are_400_naming_them(
    client: httpx.AsyncClient, world: World, condition: dict, field: str, mentions: str | None
) -> None:
    if condition.get("value") == "<carol>":
        condition["value"] = world.carol.user.email
    response = await run(client, world, [[cond("Important", "IsTrue"), condition]])
    body = assert_error(response, 400, field)
    if mentions:
        assert mentions in body["message"]


async def test_bad_sort_and_take(client: httpx.AsyncClient, world: World) -> None:
    assert_error(await run(client, world, [], sortBy="Colour"), 400, "sortBy")
    response = await client.post("/api/ContactNote/Query?take=1001", json={}, headers=world.alice.headers)
    assert_error(response, 400, "take")


async def test_another_organizations_contact_matches_nothing(client: httpx.AsyncClient, world: World) -> None:
    await seed(client, world)
    response = await run(client, world, [[cond("Contact Id", "Is", world.foreign_contact.id)]])
    assert response.json() == {"list": [], "total": 0}


async def test_query_options_list_every_parameter_with_its_operators(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get("/api/ContactNote/QueryOptions", headers=world.alice.headers)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["options", "operatorOptions"]
    options = {o["parameter"]: o for o in body["options"]}
    assert list(options) == [
        "Contact Id", "Type", "Note", "Note Date", "Create Date", "Last Modified Date", "Important", "Private",
        "Created By",
    ]  # fmt: skip

    def operators(name: str) -> list[str]:
        return [o["operator"] for o in options[name]["operatorOptions"]]

    assert operators("Important") == ["IsTrue", "IsFalse"]
    assert operators("Note Date") == [
        "Is", "LessThan", "LessThanOrEqual", "Before", "OnOrBefore", "GreaterThan", "GreaterThanOrEqual", "After",
        "OnOrAfter", "Between",
    ]  # fmt: skip
    assert operators("Note") == ["Contains", "DoesNotContain", "StartsWith", "Is"]
    assert options["Type"]["valueOptions"][:2] == ["General", "Call"]
    assert {o["type"] for o in body["options"]} == {"Int", "List", "String", "Date", "Boolean", "Lookup"}
    assert {"Today", "Yesterday", "30 Days Ago", "Last Month", "This Week"} <= set(options["Note Date"]["valueOptions"])
    assert options["Important"]["operatorOptions"][0] == {
        "operator": "IsTrue", "multipleValuesAllowed": False, "valueRequired": False,
    }  # fmt: skip
    tops = {o["operator"]: o for o in body["operatorOptions"]}
    assert tops["In"]["multipleValuesAllowed"] is True and tops["Between"]["valueRequired"] is True
    assert len(tops) == len(body["operatorOptions"])  # each once
    # Every advertised operator is accepted by Query, with every value it offers.
    for option in body["options"]:
        for operator in option["operatorOptions"]:
            value = {"Int": "1", "List": "Call", "Lookup": str(world.alice.user.id), "String": "x"}.get(
                option["type"], "2026-01-01"
            )
            assert tops[operator["operator"]] == operator
            values = [value] if operator["multipleValuesAllowed"] else []
            condition = cond(option["parameter"], operator["operator"], value, "2026-12-31", values)
            assert (await run(client, world, [[condition]])).status_code == 200, (option, operator)
        for offered in option["valueOptions"]:
            op = "In" if option["type"] == "List" else "Is"
            condition = cond(option["parameter"], op, offered, offered, [offered])
            assert (await run(client, world, [[condition]])).status_code == 200, (option["parameter"], offered)


async def test_fixture_shape_of_query_results(client: httpx.AsyncClient, world: World) -> None:
    await create_note(client, world.alice, world.contact.id, **{
        k: v for k, v in fixture("create_note.request.json", contactId=world.contact.id).items() if k != "contactId"
    })  # fmt: skip
    response = await run(client, world, [[cond("Type", "Is", "Call")]])
    assert_matches(response.json()["list"][0], fixture("create_note.response.json", contactId=world.contact.id))
