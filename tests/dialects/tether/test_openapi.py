"""The OpenAPI document lists every status each TetherAI endpoint answers, and none it never does."""

from __future__ import annotations

import httpx

EXPECTED = {
    ("post", "/api/contact-notes"): {"201", "400", "401", "404", "413", "429", "500", "503"},
    ("get", "/api/contact-notes"): {"200", "400", "401", "404", "413", "429", "500", "503"},
    ("get", "/api/contact-notes/{noteId}"): {"200", "400", "401", "404", "413", "429", "500", "503"},
    ("patch", "/api/contact-notes/{noteId}"): {"200", "400", "401", "403", "404", "413", "429", "500", "503"},
    ("delete", "/api/contact-notes/{noteId}"): {"200", "400", "401", "403", "404", "413", "429", "500", "503"},
    ("post", "/api/contact-notes/{noteId}/reaction"): {"200", "400", "401", "404", "413", "429", "500", "503"},
    ("get", "/api/notifications"): {"200", "400", "401", "413", "429", "500", "503"},
    ("post", "/api/notifications/{notificationId}/read"): {"200", "400", "401", "404", "413", "429", "500", "503"},
    ("post", "/api/notifications/read-all"): {"200", "400", "401", "413", "429", "500", "503"},
    ("get", "/api/notifications/stream"): {"200", "401", "429", "503"},
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
    assert "422" not in str(document["paths"])
