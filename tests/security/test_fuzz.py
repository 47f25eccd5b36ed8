"""Schemathesis over the OpenAPI document: every operation, every check, Acme and Globex as peers.

schemathesis' whole engine runs in-process against the app (over ASGI, on each backend's migrated test
database): its examples, coverage, fuzzing and stateful phases, with a fixed seed, derandomized generation and
EXAMPLES cases per operation in each generating phase. Every check is on. Ada (Acme's admin) logs in through
POST /Token, the Virtuous login, and is the identity every operation is fuzzed as; Carol (Globex) uses an API
token and is Ada's peer: `object_level_authorization` replays Ada's successful reads as Carol and fails if Carol
gets Ada's object, and `ignored_auth` replays each operation without a token and with a bad one.

Half the time a contact id, member id, note type or webhook URL that exists is drawn instead of a random one,
so notes, reminders, notifications and webhooks really get made and the stateful phase and the object-level
checks have objects to work on. The few operations where `positive_data_acceptance` is told that a 400 (or 413)
can answer a request the document cannot tell from a good one are in SEMANTIC_REFUSALS, each with its reason;
docs/security.md lists them too.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.engine import events, from_schema
from schemathesis.python.asgi import shutdown_lifespans

from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.orgs.service import DEFAULT_NOTE_TYPES
from contactnotes.settings import Settings
from contactnotes.users import service as users
from tests.conftest import empty_tables
from tests.factories import World, build_world
from tests.security.objects import LOOPBACK_HOOK

SEED = 20260107
EXAMPLES = 10  # per operation, in each of the examples, fuzzing and stateful phases
ADA_PASSWORD = "correct horse battery staple"
# Some requests the document cannot tell from good ones are refused on what only the server knows (which
# uploads exist, what a host resolves to); `positive_data_acceptance` is told to expect that answer for exactly
# these operations, each with the reason. Its other expected statuses are its defaults.
DEFAULT_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
SEMANTIC_REFUSALS: list[tuple[str, str, int | tuple[int, ...], str]] = [
    ("POST", "/api/upload", 400, "a file's type is sniffed from its bytes and checked against the allowlist"),
    ("POST", "/api/uploads/presign", 413, "the size cap is a setting (upload_max_bytes), not in the document"),
    ("POST", "/api/uploads/complete", 400, "the key must name a file uploaded by the caller's organization"),
    (
        "POST",
        "/api/contact-notes",
        (400, 422),
        "note types are the organization's own; keys must name its uploads; contactIds must hold contactId and "
        "name contacts of the organization (422)",
    ),
    (
        "PATCH",
        "/api/contact-notes/{noteId}",
        (400, 422),
        "as POST, contactId may only restate the note's contact, and contactIds must keep it (422)",
    ),
    ("POST", "/api/ContactNote", 400, "note types are the organization's own; a reminder's owner its member"),
    ("PUT", "/api/ContactNote/{noteId}", 400, "as POST, and contactId may only restate the note's contact"),
    ("GET", "/api/contact-notes", 400, "a cursor must be one the service handed out, and not sent with offset"),
    ("GET", "/api/contact-notes/search", 400, "a cursor must be one the service handed out"),
    ("POST", "/api/contact-notes/{noteId}/reaction", 400, "emoji must be exactly one emoji"),
    ("POST", "/api/ContactNote/Query", 400, "parameters, operators and values come from GET .../QueryOptions"),
    ("POST", "/api/ContactNote/Email", 400, "toEmail must be an address the email validator accepts"),
    ("POST", "/api/webhooks", 400, "the URL must be http(s) and its host must resolve (and be public)"),
    ("PATCH", "/api/webhooks/{webhook_id}", 400, "the URL must be http(s) and its host must resolve"),
    ("POST", "/api/Webhook", 400, "the URL must be http(s) and its host must resolve"),
    ("PUT", "/api/Webhook/{webhook_id}", 400, "the URL must be http(s) and its host must resolve"),
    ("POST", "/api/admin/contacts/{contactId}/erase", 400, "`confirm` must repeat the path's contactId"),
]
OPERATIONS: list[dict[str, Any]] = [
    {
        "include-name": f"{method} {path}",
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": [
                    *DEFAULT_ACCEPTED,
                    *(str(code) for code in (status if isinstance(status, tuple) else (status,))),
                ]
            }
        },
    }
    for method, path, status, _reason in SEMANTIC_REFUSALS
]
# The stream never ends: each request is cut after this many seconds (it has said `: connected` by then).
STREAM_SECONDS = 0.3
CHECKS = {
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance", "negative_data_rejection", "positive_data_acceptance", "missing_required_header",
    "unsupported_method", "allow_header_conformance", "use_after_free", "ensure_resource_availability",
    "ignored_auth", "object_level_authorization",
}  # fmt: skip
# Writes that must succeed now and then, or the fuzz would only ever see refusals.
MUST_SUCCEED = ("POST /api/contact-notes", "POST /api/ContactNote", "POST /api/webhooks", "POST /api/Webhook")


@dataclass
class FuzzRun:
    cases: int = 0
    operations: set[str] = field(default_factory=set)
    checks: dict[str, int] = field(default_factory=dict)
    successes: dict[str, int] = field(default_factory=dict)  # 2xx answers by operation
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def fuzz_config(world: World, auth_file: Path) -> schemathesis.Config:
    contacts = [world.contact, world.other_contact]
    members = [world.ada, world.alice, world.bob]
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
            "checks": {"enabled": True},
            "auth": {"wfc": {"path": str(auth_file), "peers": ["ada", "carol"]}},
            "dictionaries": {
                "contacts": {"values": [c.oid for c in contacts] + [str(c.id) for c in contacts]},
                "members": {"values": [m.oid for m in members]},
                "hooks": {"values": [LOOPBACK_HOOK]},
                "note-types": {"values": list(DEFAULT_NOTE_TYPES)},
            },
            "parameters": {
                "contactId": {"dictionary": "contacts", "probability": 0.5},
                "body.mentions[*]": {"dictionary": "members", "probability": 0.5},
                "body.reminder.owner": {"dictionary": "members", "probability": 0.5},
                "body.type": {"dictionary": "note-types", "probability": 0.5},
                "body.url": {"dictionary": "hooks", "probability": 0.5},
                "body.payloadUrl": {"dictionary": "hooks", "probability": 0.5},
            },
            "workers": 1,
            "cache": {"enabled": False},
            "operations": [
                {"include-path": "/api/notifications/stream", "request-timeout": STREAM_SECONDS},
                *OPERATIONS,
            ],
        }
    )


def auth_document(world: World) -> dict[str, Any]:
    """Web Fuzzing Commons auth: Ada logs in with her password, Carol sends her API token."""
    login = f"grant_type=password&username={world.ada.user.email}&password={ADA_PASSWORD.replace(' ', '+')}"
    return {
        "auth": [
            {
                "name": "ada",
                "loginEndpointAuth": {
                    "endpoint": "/Token",
                    "verb": "POST",
                    "contentType": "application/x-www-form-urlencoded",
                    "payloadRaw": login,
                    "token": {
                        "extractFrom": "body",
                        "extractSelector": "/access_token",
                        "sendIn": "header",
                        "sendName": "Authorization",
                        "sendTemplate": "Bearer {token}",
                    },
                },
            },
            {"name": "carol", "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {world.carol.token}"}]},
        ]
    }


async def prepare(settings: Settings) -> World:
    """Empty tables, the two organizations, and a password for Ada; the connections are closed again, so the
    app opens its own in the event loop schemathesis calls it from."""
    database = Database(settings)
    try:
        if not database.is_sqlite:
            await empty_tables(database)
        world = await build_world(database)
        async with unit_of_work(database) as session:
            await users.set_password(session, world.ada.user.email, ADA_PASSWORD)
        return world
    finally:
        await database.dispose()


def describe(event: events.ScenarioFinished, case_id: str, check: str, info: Any) -> str:
    interaction = event.recorder.interactions.get(case_id)
    answer = ""
    if interaction is not None and interaction.response is not None:
        answer = f"\n  -> {interaction.response.status_code} {interaction.response.content[:300]!r}"
    return (
        f"[{event.phase.value}] {event.label or ''} {check}: {info.failure.title}\n"
        f"  {info.failure.message}\n  {info.code_sample}{answer}"
    )


def run_fuzz(settings: Settings, workdir: Path) -> FuzzRun:
    world = asyncio.run(prepare(settings))
    auth_file = workdir / "auth.json"
    auth_file.write_text(json.dumps(auth_document(world)))
    app = create_app(settings)
    run = FuzzRun()
    started = time.monotonic()
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=fuzz_config(world, auth_file))
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
                run.cases += len(event.recorder.interactions)
                for case_id, interaction in event.recorder.interactions.items():
                    if interaction.response is not None and 200 <= interaction.response.status_code < 300:
                        label = event.recorder.cases[case_id].value.operation.label
                        run.successes[label] = run.successes.get(label, 0) + 1
                if event.label and event.status is not schemathesis.engine.Status.SKIP:
                    run.operations.add(event.label)
                for case_id, checks in event.recorder.checks.items():
                    for check in checks:
                        run.checks[check.name] = run.checks.get(check.name, 0) + 1
                        if check.failure_info is not None:
                            run.failures.append(describe(event, case_id, check.name, check.failure_info))
            elif isinstance(event, events.NonFatalError):
                run.errors.append(f"{event.label}: {event.info.title}: {event.info}")
            elif isinstance(event, events.FatalError):
                run.errors.append(f"fatal: {event.exception!r}")
    finally:
        shutdown_lifespans()  # the app's lifespan: closes its database connections
    run.seconds = time.monotonic() - started
    return run


def test_schemathesis_finds_nothing(database_url: str, tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        database_url=database_url,
        var_dir=tmp_path / "var",
        embedded_worker=False,
        webhooks_allow_private_urls=True,  # LOOPBACK_HOOK; the guard itself is tested in tests/events
        _env_file=None,
    )
    run = run_fuzz(settings, tmp_path)
    assert run.errors == []
    unique = list(dict.fromkeys(run.failures))
    assert unique == [], f"{len(unique)} failures:\n" + "\n\n".join(unique)
    # Nothing was left out: every operation of the document, every check, and real objects made.
    document = create_app(settings).openapi()
    assert run.operations == {f"{m.upper()} {path}" for path, ops in document["paths"].items() for m in ops}
    assert set(run.checks) == CHECKS
    assert all(run.successes.get(label, 0) > 0 for label in MUST_SUCCEED), run.successes
    print(f"schemathesis: {run.cases} cases, {len(run.operations)} operations, {run.seconds:.1f} s")
