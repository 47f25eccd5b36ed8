"""OpenTelemetry traces, opt-in by the standard OTEL_* variables: spans for requests, SQL and jobs.

Off unless OTEL_TRACES_EXPORTER names an exporter (`otlp`, `console`) or an OTLP endpoint is set
(OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and OTEL_SDK_DISABLED is not true.
These are read here, not in settings.py, because they are the SDK's own variables: the exporter, sampler
and resource read the rest of them (OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_HEADERS, ...)
themselves. The SDK and the instrumentations are imported only when tracing is on.

Request spans come from opentelemetry-instrumentation-fastapi, SQL spans from
opentelemetry-instrumentation-sqlalchemy (statements with placeholders, never the bound values), job spans
from the worker (job_span).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from opentelemetry import trace

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from sqlalchemy.ext.asyncio import AsyncEngine

# Health probes and scrapes every few seconds would drown the traces that matter.
EXCLUDED_URLS = "livez,readyz,healthz,metrics"
JOBS_TRACER = "contactnotes.jobs"

_provider: TracerProvider | None = None


def wanted(environ: Mapping[str, str] = os.environ) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters:
        return exporters != "none"
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def _exporters(environ: Mapping[str, str]) -> list[tuple[SpanExporter, bool]]:
    """(exporter, batched) for each name in OTEL_TRACES_EXPORTER (default otlp): console prints at once."""
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter

    chosen: list[tuple[SpanExporter, bool]] = []
    for name in (environ.get("OTEL_TRACES_EXPORTER") or "otlp").lower().split(","):
        name = name.strip()
        if name == "console":
            chosen.append((ConsoleSpanExporter(), False))
        elif name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            chosen.append((OTLPSpanExporter(), True))
        elif name and name != "none":
            raise ValueError(f"OTEL_TRACES_EXPORTER: unsupported exporter {name!r} (use otlp or console)")
    return chosen


def provider_from_environment(environ: Mapping[str, str] = os.environ) -> TracerProvider | None:
    """The process's tracer provider when tracing is wanted (made once), else None."""
    global _provider
    if _provider is not None or not wanted(environ):
        return _provider
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    # Resource.create reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the name defaults to ours (the
    # SDK's own default is "unknown_service").
    named = "OTEL_SERVICE_NAME" in environ or "service.name=" in environ.get("OTEL_RESOURCE_ATTRIBUTES", "")
    provider = TracerProvider(resource=Resource.create({} if named else {"service.name": "contactnotes"}))
    for exporter, batched in _exporters(environ):
        provider.add_span_processor(BatchSpanProcessor(exporter) if batched else SimpleSpanProcessor(exporter))
    use(provider)
    return provider


def use(provider: TracerProvider | None) -> None:
    """Make `provider` the one job spans go to (tests pass one with an in-memory exporter)."""
    global _provider
    _provider = provider


def instrument_app(app: Any, provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=EXCLUDED_URLS)


def instrument_engine(engine: AsyncEngine, provider: TracerProvider) -> None:
    """SQL spans for one engine (the async engine's statements run on its sync core)."""
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeterProvider

    if getattr(engine.sync_engine, "_contactnotes_traced", False):
        return
    # EngineTracer rather than SQLAlchemyInstrumentor().instrument(engine=...): the instrumentor is a
    # process-wide singleton that instruments once, and a process may hold several engines. Pool usage is
    # in the Prometheus metrics already, so its OpenTelemetry counter is a no-op.
    usage = NoOpMeterProvider().get_meter(__name__).create_up_down_counter("db.client.connections.usage")
    tracer = provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    EngineTracer(tracer, engine.sync_engine, connections_usage=usage)  # type: ignore[no-untyped-call]
    engine.sync_engine._contactnotes_traced = True  # type: ignore[attr-defined]


@contextlib.contextmanager
def job_span(event_type: str, event_id: str, attempt: int) -> Iterator[None]:
    """A span around one outbox event's handlers; a no-op when tracing is off."""
    if _provider is None:
        yield
        return
    tracer = _provider.get_tracer(JOBS_TRACER)
    with tracer.start_as_current_span(
        f"job {event_type}",
        kind=trace.SpanKind.CONSUMER,
        attributes={"messaging.message.id": event_id, "contactnotes.event.type": event_type, "attempt": attempt},
    ):
        yield
