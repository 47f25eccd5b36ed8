"""Prometheus metrics of this process (prometheus-client), exposed at /metrics when enabled.

Several processes on one machine: start each with the same empty directory in PROMETHEUS_MULTIPROC_DIR
(prometheus-client's multiprocess mode; it reads the variable itself, at import) and any of them answers for
all. Otherwise scrape each process on its own port. docs/deploy.md says how.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

disable_created_metrics()  # type: ignore[no-untyped-call]  # the *_created series only double what a scrape has to read
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
UNMATCHED_ROUTE = "<unmatched>"  # a path no route claimed: one label value, whatever was asked for

REQUESTS = Counter(
    "contactnotes_http_requests_total", "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
)  # fmt: skip
REQUEST_SECONDS = Histogram(
    "contactnotes_http_request_duration_seconds", "Time from receiving a request to the end of its answer.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip
RATE_LIMIT_REFUSALS = Counter(
    "contactnotes_rate_limit_refusals_total", "Requests refused with 429 by a rate limit, by route template.",
    ["route"],
)  # fmt: skip
DB_POOL_IN_USE = Gauge(
    "contactnotes_db_pool_connections_in_use", "Database connections checked out of the pool.",
    multiprocess_mode="livesum",
)  # fmt: skip
DB_POOL_WAITS = Counter(
    "contactnotes_db_pool_waits_total", "Connection checkouts that found every pooled connection in use and queued."
)
DB_POOL_CHECKOUT_SECONDS = Histogram(
    "contactnotes_db_pool_checkout_seconds", "Time to get a connection from the pool (queueing or connecting).",
    buckets=(0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5),
)  # fmt: skip
OUTBOX_BACKLOG = Gauge(
    "contactnotes_outbox_backlog", "Outbox events not yet handled (read from the database at scrape time).",
    multiprocess_mode="mostrecent",
)  # fmt: skip
OUTBOX_OLDEST_AGE = Gauge(
    "contactnotes_outbox_oldest_pending_age_seconds", "Age of the oldest outbox event not yet handled (0: none).",
    multiprocess_mode="mostrecent",
)  # fmt: skip
EVENTS_HANDLED = Counter(
    "contactnotes_events_handled_total", "Outbox events handled by workers, by type and outcome.", ["type", "outcome"]
)
JOB_SECONDS = Histogram(
    "contactnotes_job_duration_seconds", "Time a worker spent on one outbox event, by type.", ["type"],
    buckets=(0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30),
)  # fmt: skip
WEBHOOK_DELIVERIES = Counter(
    "contactnotes_webhook_deliveries_total", "Webhook delivery attempts by outcome (delivered, retry, failed).",
    ["outcome"],
)  # fmt: skip
EMAILS_SENT = Counter("contactnotes_emails_sent_total", "Notification and digest emails handed to the SMTP server.")
EMAIL_FAILURES = Counter("contactnotes_email_failures_total", "Emails the SMTP server did not take (retried).")
STREAM_SUBSCRIBERS = Gauge(
    "contactnotes_stream_subscribers", "Clients connected to the event stream.", multiprocess_mode="livesum"
)
UPLOAD_BYTES = Counter("contactnotes_upload_bytes_total", "Bytes of uploaded files stored.")


def exposition() -> tuple[bytes, str]:
    """The text format of every metric: this process's, or every process's in multiprocess mode."""
    registry: Any = DEFAULT_REGISTRY
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry), CONTENT_TYPE_LATEST


def serve_on(address: str) -> None:
    """A worker's own /metrics (it has no web server): prometheus-client's HTTP server on host:port."""
    from prometheus_client import start_http_server

    host, _, port = address.rpartition(":")
    registry: Any = DEFAULT_REGISTRY
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    start_http_server(int(port), addr=host.strip("[]") or "127.0.0.1", registry=registry)


def process_exited(pid: int) -> None:
    """Multiprocess mode: drop a stopped process's live gauges (its counters stay counted)."""
    if MULTIPROCESS:
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
