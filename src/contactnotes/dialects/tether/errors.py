"""TetherAI-style errors: {"success": false, "message": ..., "errors": [{"field", "message"}]}."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from contactnotes.http.errors import DialectRoute, Failure


def render_error(request: Request, failure: Failure) -> Response:
    body = {
        "success": False,
        "message": failure.message,
        "errors": [{"field": p.field, "message": p.message} for p in failure.problems],
    }
    return JSONResponse(body, status_code=failure.status, headers=failure.headers)


class TetherRoute(DialectRoute):
    renderer = staticmethod(render_error)
