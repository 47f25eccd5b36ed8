"""The OpenAPI document as the service really answers.

FastAPI adds a "422 Validation Error" to every operation that takes parameters, but each dialect answers
malformed input with its own 400, so that 422 would be a promise the service never keeps. A required body
that the endpoint takes as optional (to word the missing-body error as its vendor does) is not offered as null.
Every operation that needs a principal lists the two ways to send a token.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.encoders import jsonable_encoder
from fastapi.routing import APIRoute

from contactnotes.http.auth import SECURITY_SCHEMES, current_principal

_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


def _is_fastapi_422(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref") == _FASTAPI_422)


def _not_null(body: dict[str, Any]) -> None:
    """A required JSON body is never null: `X | None` parameters (taken so the endpoint can answer a missing body
    in its vendor's words) are documented as `X`."""
    for media in body.get("content", {}).values():
        alternatives = media.get("schema", {}).get("anyOf", [])
        real = [alternative for alternative in alternatives if alternative != {"type": "null"}]
        if len(alternatives) == 2 and len(real) == 1:
            media["schema"] = real[0]


def _needs_principal(dependant: Dependant) -> bool:
    return dependant.call is current_principal or any(_needs_principal(sub) for sub in dependant.dependencies)


def _declare_security(app: FastAPI, schema: dict[str, Any]) -> None:
    schemes = {
        scheme.scheme_name: jsonable_encoder(scheme.model, by_alias=True, exclude_none=True)
        for scheme in SECURITY_SCHEMES
    }
    requirement: list[dict[str, list[str]]] = [{name: []} for name in schemes]
    for route in app.routes:
        if isinstance(route, APIRoute) and route.include_in_schema and _needs_principal(route.dependant):
            operations = schema["paths"][route.path_format]
            for method in route.methods or ():
                operations[method.lower()]["security"] = requirement
    schema.setdefault("components", {}).setdefault("securitySchemes", {}).update(schemes)


def truthful_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's own document (built once and cached by it), minus the 422s nobody answers, no null where
    a body is required, and the token schemes where a principal is needed. Amended once: every 405 asks for it."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = FastAPI.openapi(app)
    _declare_security(app, schema)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if "422" in responses and _is_fastapi_422(responses["422"]):
                del responses["422"]
            if operation.get("requestBody", {}).get("required"):
                _not_null(operation["requestBody"])
    schemas = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return schema
