"""Signed-in browsers for in-process tests of the web app, and how to call each of its routes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from fastapi.routing import APIRoute

from contactnotes.app import create_app
from contactnotes.auth import sessions
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.settings import Settings
from tests.factories import Persona


@dataclass(frozen=True)
class Browser:
    cookie: str
    csrf: str


async def signed_in(database: Database, persona: Persona) -> Browser:
    async with unit_of_work(database) as session:
        opened = await sessions.open_session(session, persona.user, lifetime=timedelta(hours=1))
    return Browser(opened.secret, opened.csrf_token)


def web_routes() -> list[str]:
    """Every route of the app whose endpoint is the web app's, as "METHOD /path"."""
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", _env_file=None)  # type: ignore[call-arg]
    found = []
    for route in create_app(settings).routes:
        endpoint = getattr(route, "endpoint", None)
        if isinstance(route, APIRoute) and endpoint is not None and endpoint.__module__.startswith("contactnotes.web."):
            found.extend(f"{method} {route.path}" for method in sorted(route.methods or ()))
    return found


def path_of(route: str, ids: dict[str, Any]) -> str:
    path = route.split(" ", 1)[1]
    if route == "GET /search":  # the contact-scoped search: its contact is what the cell is about
        path += f"?q=matrix&contactId={ids.get('contact_oid')}"
    if route == "GET /live":  # a contact's changes: its contact is what the cell is about
        path += f"?contact={ids.get('contact_oid')}"
    for name, key in (
        ("{contact_oid}", "contact_oid"),
        ("{note_oid}", "tether"),
        ("{notification_oid}", "notification"),
        ("{reminder_oid}", "reminder_oid"),
        ("{user_oid}", "user_oid"),
        ("{token_id}", "token_id"),
        ("{type_id}", "type_id"),
        ("{webhook_oid}", "webhook_oid"),
        ("{delivery_oid}", "delivery"),
        ("{revision_oid}", "revision"),
    ):
        path = path.replace(name, str(ids.get(key)))
    return path


async def call(
    client: httpx.AsyncClient, route: str, ids: dict[str, Any], browser: Browser | None, *, token: bool = True
) -> httpx.Response:
    """One request of the route as the page would send it (form fields, the CSRF header, htmx's header)."""
    method, _ = route.split(" ", 1)
    path = path_of(route, ids)
    headers = {"HX-Request": "true"} if route.endswith("/notes") and method == "GET" else {}
    if browser is not None and token:
        headers["X-CSRF-Token"] = browser.csrf
    if browser is not None:
        headers["Cookie"] = f"cn_session={browser.cookie}"
    client.cookies.clear()
    unique = uuid.uuid4().hex[:8]
    forms = {
        "POST /contacts": {"name": "Matrix Contact"},
        "POST /contacts/{contact_oid}/edit": {"name": "Jordan Lee", "email": "j@example.net"},
        "POST /account/profile": {"name": "Matrix Person", "handle": f"matrix{unique}"},
        "POST /account/password": {"current_password": "wrong", "new_password": "x", "confirm_password": "x"},
        "POST /account/tokens": {"token_name": "matrix"},
        "POST /admin/members": {"name": "Matrix Member", "email": f"m{unique}@acme.example.com", "role": "member"},
        "POST /admin/members/{user_oid}/role": {"role": "admin"},
        "POST /admin/note-types": {"name": f"Matrix {unique}"},
        "POST /admin/note-types/{type_id}/rename": {"name": f"Renamed {unique}"},
        "POST /admin/webhooks": {"url": "http://127.0.0.1:9/hook", "events": "note.created"},
        "POST /contacts/{contact_oid}/notes": {"body": "matrix note"},
        "POST /contacts/{contact_oid}/preview": {"body": "**preview**"},
        "POST /notes/{note_oid}": {"body": "edited by the matrix"},
        "POST /notes/{note_oid}/reactions": {"emoji": "🎉"},
    }
    if route == "POST /uploads":
        return await client.post(path, files=[("files", ("a.txt", b"hello"))], headers=headers)
    if method == "GET":
        return await client.get(path, headers=headers)
    return await client.post(path, data=forms.get(route, {}), headers=headers)


def app_client(settings: Settings, database: Database) -> httpx.AsyncClient:
    app = create_app(settings, database)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
