"""OpenTelemetry: off unless the standard OTEL_* variables ask; then spans for requests, SQL and jobs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from contactnotes.app import create_app
from contactnotes.db.engine import Database
from contactnotes.observability import tracing
from contactnotes.settings import Settings
from tests.events.conftest import create_note, work
from tests.factories import World

NOTE_TEXT = "Private: salary negotiation notes 5521"


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracing.use(provider)
    yield memory
    tracing.use(None)


@pytest.mark.parametrize(
    ("environ", "wanted"),
    [
        ({}, False),
        ({"OTEL_TRACES_EXPORTER": "none"}, False),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, False),
    ],
)
def test_tracing_is_opt_in_by_the_standard_variables(environ: dict[str, str], wanted: bool) -> None:
    assert tracing.wanted(environ) is wanted


async def test_spans_for_the_request_its_sql_and_its_jobs(
    exporter: InMemorySpanExporter, settings: Settings, database: Database, world: World
) -> None:
    app = create_app(settings, database)
    provider = tracing.provider_from_environment({})  # what `use` installed: the test's in-memory provider
    assert provider is not None
    tracing.instrument_app(app, provider)
    tracing.instrument_engine(database.engine, provider)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        note = await create_note(client, world.alice.headers, world.contact.oid, note=NOTE_TEXT)
    await work(settings, database)

    spans = exporter.get_finished_spans()
    [request] = [s for s in spans if s.name == "POST /api/contact-notes"]
    assert request.attributes is not None and request.attributes.get("http.route") == "/api/contact-notes"
    sql = [s for s in spans if s.parent is not None and s.parent.trace_id == request.context.trace_id]
    statements = [str((s.attributes or {}).get("db.statement", "")) for s in sql]
    assert any("INSERT INTO notes" in statement for statement in statements), statements
    jobs = [s for s in spans if s.name == "job note.created"]
    assert jobs and (jobs[0].attributes or {}).get("contactnotes.event.type") == "note.created"
    assert any(s.parent is not None and s.parent.span_id == jobs[0].context.span_id for s in spans)  # its SQL
    for span in spans:  # bound values (a note's text) never reach a span
        assert NOTE_TEXT not in str(span.attributes), span.name
    assert note["_id"]


def test_a_server_started_with_otel_traces_exporter_console_prints_its_spans(tmp_path: Path) -> None:
    """The opt-in end to end: only the standard variable, no code, and the spans come out."""
    url = f"sqlite+aiosqlite:///{tmp_path}/t.db"
    env = {
        **os.environ,
        "CONTACTNOTES_DATABASE_URL": url,
        "CONTACTNOTES_VAR_DIR": str(tmp_path),
        "OTEL_TRACES_EXPORTER": "console",
        "OTEL_SERVICE_NAME": "contactnotes-test",
    }
    script = (
        "import asyncio, httpx\n"
        "from contactnotes.db import migrate\n"
        "from contactnotes.app import create_app\n"
        f"migrate.upgrade({url!r})\n"
        "async def main():\n"
        "    app = create_app()\n"
        "    async with app.router.lifespan_context(app):\n"
        "        transport = httpx.ASGITransport(app=app)\n"
        "        async with httpx.AsyncClient(transport=transport, base_url='http://t') as client:\n"
        "            response = await client.get('/api/contact-notes', headers={'Authorization': 'Bearer nope'})\n"
        "            assert response.status_code == 401\n"
        "            assert (await client.get('/readyz')).status_code == 200\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '"name": "GET /api/contact-notes"' in done.stdout
    assert '"service.name": "contactnotes-test"' in done.stdout
    assert "SELECT version_num FROM alembic_version" in done.stdout  # /readyz is not traced; its SQL is
