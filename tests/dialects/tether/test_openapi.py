"""The OpenAPI document lists every status each TetherAI endpoint answers, and none it never does."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema_rs

EXPECTED = {
    # 422: contactIds that leave out the primary contact, are empty, or name no contact of the organization.
    ("post", "/api/contact-notes"): {"201", "400", "401", "404", "413", "422", "429", "500", "503"},
    ("get", "/api/contact-notes"): {"200", "400", "401", "404", "413", "429", "500", "503"},
    ("get", "/api/contact-notes/search"): {"200", "400", "401", "404", "413", "429", "500", "503"},
    ("get", "/api/contact-notes/{noteId}"): {"200", "400", "401", "404", "413", "429", "500", "503"},
    ("patch", "/api/contact-notes/{noteId}"): {"200", "400", "401", "403", "404", "413", "422", "429", "500", "503"},
    ("delete", "/api/contact-notes/{noteId}"): {"200", "400", "401", "403", "404", "413", "429", "500", "503"},
    ("get", "/api/contact-notes/{noteId}/history"): {"200", "400", "401", "403", "404", "413", "429", "500", "503"},
    ("post", "/api/contact-notes/{noteId}/history/{revisionId}/restore"): {
        "200",
        "400",
        "401",
        "403",
        "404",
        "413",
        "429",
        "500",
        "503",
    },
    ("post", "/api/contact-notes/{noteId}/reaction"): {"200", "400", "401", "404", "413", "429", "500", "503"},
    ("get", "/api/notifications"): {"200", "400", "401", "413", "429", "500", "503"},
    ("post", "/api/notifications/{notificationId}/read"): {"200", "400", "401", "404", "413", "429", "500", "503"},
    ("post", "/api/notifications/read-all"): {"200", "400", "401", "413", "429", "500", "503"},
    ("get", "/api/notifications/stream"): {"200", "400", "401", "429", "503"},
    ("get", "/api/users/me"): {"200", "400", "401", "404", "413", "429", "500", "503"},
    ("get", "/api/users"): {"200", "400", "401", "413", "429", "500", "503"},
    ("get", "/api/contacts"): {"200", "400", "401", "413", "429", "500", "503"},
    ("post", "/api/contacts"): {"201", "400", "401", "413", "429", "500", "503"},
    ("get", "/api/contacts/{contactId}"): {"200", "400", "401", "404", "413", "429", "500", "503"},
}


async def test_every_endpoint_documents_its_statuses(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    found = {
        (method, path): set(operation["responses"])
        for path, operations in document["paths"].items()
        if path.startswith(("/api/contact-notes", "/api/notifications", "/api/users", "/api/contacts"))
        for method, operation in operations.items()
    }
    assert found == EXPECTED


async def test_error_answers_are_described_in_the_tether_shape(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    operation = document["paths"]["/api/contact-notes/{noteId}"]["patch"]
    assert operation["summary"] and operation["description"].startswith("Update a contact note")
    assert operation["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    assert "HTTPValidationError" not in document["components"]["schemas"]
    # FastAPI's own 422 (its validation error) is never offered: bad input is 400. The one 422 is ours, for
    # a note's contacts, in the Tether shape.
    for path, operations in document["paths"].items():
        for method, described in operations.items():
            answer = described.get("responses", {}).get("422")
            if answer is not None:
                assert (method, path) in {("post", "/api/contact-notes"), ("patch", "/api/contact-notes/{noteId}")}
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
                assert "contactIds" in answer["description"]


def conforms(document: dict[str, Any], schema: dict[str, Any], value: object) -> bool:
    validator = jsonschema_rs.validator_for({**schema, "components": document["components"]}, validate_formats=True)
    return bool(validator.is_valid(value))


def prop(document: dict[str, Any], model: str, name: str) -> dict[str, Any]:
    return document["components"]["schemas"][model]["properties"][name]  # type: ignore[no-any-return]


# Each of these was a place where schemathesis found the document and the server disagreeing.
async def test_the_document_offers_what_the_server_takes(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    # PATCH: null clears type, timeSpent, noteDateTime and reminder, and is refused (400) for the others
    for name in ("contactId", "note", "mentions", "attachments", "important", "private"):
        assert not conforms(document, prop(document, "NoteUpdateIn", name), None), name
    for name in ("type", "timeSpent", "noteDateTime", "reminder"):
        assert conforms(document, prop(document, "NoteUpdateIn", name), None), name
    # booleans and integers are JSON's own; minutes 0-100000
    time_spent = prop(document, "NoteCreateIn", "timeSpent")
    assert [conforms(document, time_spent, v) for v in (0, 100000, 100001, "5", True)] == [1, 1, 0, 0, 0]
    assert not conforms(document, prop(document, "NoteCreateIn", "important"), "true")
    # a contact's email: empty, or an address at a domain that can exist
    email = prop(document, "ContactCreateIn", "email")
    verdicts = [conforms(document, email, v) for v in ("", "jo@acme.example.com", "jo@host.test", "False")]
    assert verdicts == [True, True, False, False]
    avatar = prop(document, "ContactCreateIn", "avatarUrl")
    assert [conforms(document, avatar, v) for v in ("", "HTTPS://a.b/c.png", "javascript:x")] == [1, 1, 0]
    # webhooks: known events, secrets of 16-200 characters
    assert not conforms(document, prop(document, "WebhookIn", "events"), ["note.exploded"])
    assert not conforms(document, prop(document, "WebhookPatchIn", "secret"), "short")
    # a storage key, and at least one file to upload
    key = next(p for p in document["paths"]["/api/files/{key}"]["get"]["parameters"] if p["name"] == "key")
    assert conforms(document, key["schema"], "orgs/65c2/uploads/2026-01-01/a1-w2.pdf")
    assert not conforms(document, key["schema"], "orgs/../x")
    upload = document["paths"]["/api/upload"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["properties"]["files"]["minItems"] == 1


async def test_tokens_from_the_password_login_are_documented(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    login = document["components"]["securitySchemes"]["PasswordLogin"]
    assert login["flows"]["password"]["tokenUrl"] == "/Token"
    assert document["paths"]["/api/contacts"]["get"]["security"] == [{"HTTPBearer": []}, {"PasswordLogin": []}]
