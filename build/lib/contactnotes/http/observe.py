"""Every request: a request id, one JSON log line, Prometheus metrics.

`Observe` is the outermost middleware: it takes X-Request-ID from the client (or a proxy) when it is plain
enough, or makes one, returns it in the answer, and keeps it in a context variable for the request's log
lines and for the outbox rows the request writes (so its jobs log it too). `RouteTemplate` is the innermost
one: after routing it notes the matched route's template (/api/contact-notes/{noteId}), which labels the
metrics without one series per note.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contactnotes.observability import metrics
from contactnotes.observability.context import REQUEST_ID_HEADER, accept_or_make, request_id
from contactnotes.observability.logs import REQUEST_LOGGER

log = logging.getLogger(REQUEST_LOGGER)
STATE_KEY = "route_template"
# Probes and scrapes come every few seconds: their lines are debug, so info logs hold what users did.
QUIET_PATHS = frozenset({"/livez", "/readyz", "/healthz", "/metrics"})
_HEADER = REQUEST_ID_HEADER.lower().encode()


class RouteTemplate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            route = scope.get("route")
            if route is not None and scope["type"] == "http":
                # scope["state"] is one dict shared by every copy of the scope, so Observe sees it.
                scope.setdefault("state", {})[STATE_KEY] = getattr(route, "path", None)


class Observe:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = next((value for key, value in scope["headers"] if key == _HEADER), None)
        rid = accept_or_make(offered.decode("latin-1") if offered is not None else None)
        token = request_id.set(rid)
        state: dict[str, Any] = scope.setdefault("state", {})
        status = 500  # what the client gets if the app raises before answering
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = state.get(STATE_KEY) or metrics.UNMATCHED_ROUTE
            method = scope["method"]
            metrics.REQUESTS.labels(method, route, status).inc()
            metrics.REQUEST_SECONDS.labels(method, route, status).observe(seconds)
            if status == 429:
                metrics.RATE_LIMIT_REFUSALS.labels(route).inc()
            client = scope.get("client")
            log.log(
                logging.DEBUG if scope["path"] in QUIET_PATHS else logging.INFO,
                "request",
                extra={
                    "fields": {
                        "method": method,
                        "route": route,
                        # The path only: a query may hold a signed link's signature.
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "client": client[0] if client else None,
                    }
                },
            )
            request_id.reset(token)
