"""Routes join the app one by one, not as included routers.

FastAPI's `include_router` keeps each included router as a node of its own, matched again (with the route
contexts it computes) on every request: two levels of them made a sixth of a create's Python function calls
(bench/results/2026-11-29-request-diet.md). The routers here merge nothing at inclusion (each route already carries
its full path, tags, responses and dependencies), so their routes are added to the app's own list as they are.

A route added this way does not see `app.dependency_overrides` (FastAPI binds a route to its overrides when it
builds the route): this project's tests run the real dependencies (a real database, storage, mail server), never
overrides.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.routing import Mount, Route, WebSocketRoute


def add_routes(app: FastAPI, *routers: APIRouter) -> None:
    """Append each router's routes to `app`, in order: the first route that matches a request serves it."""
    for router in routers:
        for route in router.routes:
            # A router included into another would be one opaque node here, so it is refused: list it instead.
            if not isinstance(route, Route | WebSocketRoute | Mount):
                raise TypeError(f"{route!r} is not a route: pass its router to add_routes itself")
            app.router.routes.append(route)
